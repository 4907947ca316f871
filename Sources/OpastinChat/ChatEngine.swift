internal import Foundation
import Synchronization
public import OpastinKnowledge
public import OpastinMatch
public import OpastinText

/// The front-end-independent core: takes a message and a session, returns the reply.
/// The REPL, `chat --json` and the socket server all call `reply(to:in:)`.
public struct ChatEngine: Sendable {
    public let knowledge: KnowledgeBase
    public let matcher: Matcher
    public let languageIdentifier: LanguageIdentifier
    public let mentions: MentionFinder
    /// The cities each link of the knowledge belongs to (see `replyLinks`), worked out once:
    /// per reply it took microseconds.
    private let linkCities: [String: [City]]
    /// Per intent and language, the sources a reply cites, each with the city it is about
    /// (see `replySources`), made once: per reply they took about 3 % of the time.
    private let citedSources: [CitedSourcesKey: CitedSources]
    /// The language used before anything is known about the resident.
    public var defaultLanguage: LanguageCode
    /// Longest message accepted, in characters.
    public var maximumTextLength = 4_000

    public init(knowledge: KnowledgeBase, matcher: Matcher, languageIdentifier: LanguageIdentifier) {
        self.knowledge = knowledge
        self.matcher = matcher
        self.languageIdentifier = languageIdentifier
        self.mentions = MentionFinder(knowledge: knowledge, analyzer: matcher.analyzer)
        self.linkCities = Self.linkCities(knowledge)
        var citedSources: [CitedSourcesKey: CitedSources] = [:]
        for intent in knowledge.intents {
            // Each source's encoded members but its title, shared by all its languages' copies.
            let tails = intent.sources.map { ReplySource.jsonTail(seed: $0.seed, location: $0.location, says: $0.says) }
            for (language, locale) in knowledge.locales {
                citedSources[CitedSourcesKey(intentID: intent.id, language: language)] = CitedSources(
                    intent, documents: locale.documents, jsonTails: tails)
            }
        }
        self.citedSources = citedSources
        self.defaultLanguage = knowledge.locales["en"] != nil ? "en" : (knowledge.languages.first ?? "en")
    }

    /// Builds the whole pipeline from a knowledge base: analyzer, index, language identifier.
    /// With a cache and key, a previously built index and model are read back instead.
    public static func build(knowledge: KnowledgeBase, cache: EngineCache? = nil, cacheKey: String? = nil) throws(TextError) -> ChatEngine {
        let analyzer = try Analyzer()
        if let cache, let cacheKey, let (index, identifier, classifier) = cache.load(key: cacheKey) {
            return ChatEngine(
                knowledge: knowledge, matcher: Matcher(index: index, analyzer: analyzer, classifier: classifier),
                languageIdentifier: identifier)
        }
        // The index, the language model and the classifier are independent: build them on
        // two cores.
        let parts = ParallelParts()
        let concepts = ConceptLexicon(knowledge: knowledge, analyzer: analyzer)
        DispatchQueue.concurrentPerform(iterations: 3) { part in
            switch part {
            case 0: parts.index.withLock { $0 = IntentIndex(knowledge: knowledge, analyzer: analyzer, concepts: concepts) }
            case 1: parts.identifier.withLock { $0 = LanguageIdentifierTraining.train(knowledge: knowledge, analyzer: analyzer) }
            default: parts.classifier.withLock { $0 = Self.trainClassifier(knowledge: knowledge, analyzer: analyzer, concepts: concepts) }
            }
        }
        // concurrentPerform returns after every part ran, so all are set.
        let index = parts.index.withLock { $0! }
        let identifier = parts.identifier.withLock { $0! }
        let classifier = parts.classifier.withLock { $0! }
        if let cache, let cacheKey { cache.store(index, identifier, classifier, key: cacheKey) }
        return ChatEngine(
            knowledge: knowledge, matcher: Matcher(index: index, analyzer: analyzer, classifier: classifier),
            languageIdentifier: identifier)
    }

    /// The classifier, trained on every example as the analyzer normalises it (the form it
    /// is asked about).
    static func trainClassifier(knowledge: KnowledgeBase, analyzer: Analyzer, concepts: ConceptLexicon) -> LinearClassifier {
        var examples: [(label: String, text: String, more: [UInt64])] = []
        for intent in knowledge.intents {
            for language in intent.examples.keys.sorted() {
                for text in intent.examples[language] ?? [] {
                    let analyzed = analyzer.analyze(text)
                    examples.append((intent.id, analyzed.normalized, concepts.features(in: analyzed, language: language)))
                }
            }
        }
        return LinearClassifier(examples: examples)
    }

    /// The locale of a language, falling back to the default language's.
    public func locale(_ language: LanguageCode?) -> LocaleStrings {
        // Validation guarantees at least one locale exists.
        knowledge.locales[language ?? defaultLanguage] ?? knowledge.locales[defaultLanguage] ?? knowledge.locales.values.first!
    }

    /// Answers one message, updating the session.
    public func reply(to request: ChatRequest, in session: inout Session) throws(ChatError) -> ChatReply {
        let started = ContinuousClock.now
        let text = request.text.trimmingWhitespace()
        guard !text.isEmpty else { throw .emptyText }
        // Counting characters walks grapheme clusters: only needed when the bytes alone are over.
        guard text.utf8.count <= maximumTextLength || text.count <= maximumTextLength else { throw .textTooLong(limit: maximumTextLength) }
        if let requested = request.language {
            guard knowledge.locales[LanguageCode(requested)] != nil else {
                throw .unknownLanguage(requested, available: knowledge.languages)
            }
            session.language = LanguageCode(requested)
            session.languageIsExplicit = true
        }
        if let requested = request.city {
            let city = City(requested.lowercased())
            guard City.all.contains(city) else { throw .unknownCity(requested) }
            session.city = city
        }

        // The language first: it chooses the concept lists the words are read in.
        let analyzed = matcher.analyzer.analyze(text)
        let detected = languageIdentifier.identify(analyzed)
        let match = matcher.match(analyzed, language: detected?.language)
        let requested = mentions.language(in: match.analyzed, writtenIn: detected?.language, before: session.language)
        if let detected, !session.languageIsExplicit { session.language = detected.language }
        if session.language == nil { session.language = languageIdentifier.rank(match.analyzed).first?.variant.language ?? defaultLanguage }

        var reply = respond(to: text, match: match, requested: requested, session: &session)
        reply.id = request.id
        reply.session = request.session
        reply.city = session.city
        let elapsed = ContinuousClock.now - started
        reply.diagnostics = Diagnostics(
            match: match, detectedLanguage: detected,
            microseconds: Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
        return reply
    }

    // MARK: Dialogue policy


    /// - Parameter requested: the language the message asks for by name, if any.
    private func respond(to text: String, match: MatchResult, requested: LanguageCode?, session: inout Session) -> ChatReply {
        if let pending = session.pending {
            session.pending = nil
            if let reply = resolve(pending, text: text, match: match, requested: requested, session: &session) { return reply }
        }
        let mentionedCity = mentions.city(in: match.analyzed)
        switch match.decision {
        case .answer(DialogueAction.changeLanguage) where requested == nil && !namesLanguage(match.analyzed):
            // Which language? is asked only of a message about language ("vaihda kieli",
            // "another language please"): "Osaatko laulaa?" (can you sing?) shares only
            // "osaatko" with the examples that ask "osaatko englantia?".
            return fallback(confidence: match.confidence, session: session)
        case .answer(let intentID):
            return answer(intentID, match: match, mentionedCity: mentionedCity, requested: requested, session: &session)
        case .clarify(let intentIDs):
            // A named city with a short message is a follow-up ("and in Vaasa?").
            if let city = mentionedCity, let reply = cityFollowUp(city, session: &session, match: match) { return reply }
            session.pending = .clarification(intentIDs)
            let locale = locale(session.language)
            let options = intentIDs.enumerated().map { index, id in
                ReplyOption(number: index + 1, label: title(of: id, in: locale.code), value: id)
            }
            return ChatReply(
                language: locale.code, intent: nil, confidence: match.confidence,
                answer: locale.string(.clarify) + "\n" + numbered(options) + "\n" + locale.string(.clarifyHint),
                kind: .clarify, options: options, sources: [], links: [])
        case .fallback:
            if let city = mentionedCity, let reply = cityFollowUp(city, session: &session, match: match) { return reply }
            // A message that names a language and reads most like asking for one ("rud 3alay
            // bil ingilizi") switches, even when its score alone was too low to answer; a long
            // one is about something else ("can I take the driving theory exam in English or
            // must I take it in Finnish?").
            let top = match.ranked.first?.intentID
            if let language = requested, match.analyzed.keys.count < matcher.policy.longMessageWords,
               top == DialogueAction.changeLanguage || match.analyzed.keys.count <= 3
            {
                return switchLanguage(to: language, session: &session, confidence: match.confidence)
            }
            // Naming a city ("ku nool helsinki") sets it even when the out-of-scope examples
            // come close, but only if it scores as high as any answer must: "måste man betala
            // hundskatt i Helsingfors?" names a city and asks about something else.
            if top == DialogueAction.setCity, let city = mentionedCity,
               (match.ranked.first?.score ?? 0) >= matcher.policy.minimumScore
            {
                return answer(DialogueAction.setCity, match: match, mentionedCity: city, session: &session)
            }
            return fallback(confidence: match.confidence, session: session)
        }
    }

    /// Nothing to answer: says so in the session's language.
    private func fallback(confidence: Double, session: Session) -> ChatReply {
        let locale = locale(session.language)
        return ChatReply(
            language: locale.code, intent: nil, confidence: confidence, answer: locale.string(.fallback),
            kind: .fallback, options: [], sources: [], links: [])
    }

    /// The concepts that make a message about language: a language, speaking, Finnish or
    /// Swedish (read in every language's lists).
    private static let languageConcepts: Set<String> = ["language", "speak", "finnish-language", "swedish-language"]

    private func namesLanguage(_ analyzed: AnalyzedText) -> Bool {
        matcher.index.concepts.names(in: analyzed, language: nil).contains(where: Self.languageConcepts.contains)
    }

    /// Takes the resident's answer to a question the last reply asked; nil when the message
    /// is not an answer to it (then it is handled as a new question).
    private func resolve(
        _ pending: PendingQuestion, text: String, match: MatchResult, requested: LanguageCode?, session: inout Session
    ) -> ChatReply? {
        let number = OptionNumber.parse(text)
        switch pending {
        case .clarification(let intentIDs):
            if let number, intentIDs.indices.contains(number - 1) {
                return answer(intentIDs[number - 1], match: match, mentionedCity: nil, requested: requested, session: &session, confidence: 1)
            }
            // The option's own words ("the courses one") pick it when they point at one option.
            if let chosen = match.ranked.first(where: { intentIDs.contains($0.intentID) }),
               match.ranked.first?.intentID == chosen.intentID
            {
                return answer(chosen.intentID, match: match, mentionedCity: nil, requested: requested, session: &session)
            }
            return nil
        case .city(let intentID):
            let city: City? = number.flatMap { City.all.indices.contains($0 - 1) ? City.all[$0 - 1] : nil }
                ?? mentions.city(in: match.analyzed)
            guard let city else { return nil }
            session.city = city
            return answer(intentID, match: match, mentionedCity: nil, session: &session, confidence: 1)
        case .language(let languages):
            let language = number.flatMap { languages.indices.contains($0 - 1) ? languages[$0 - 1] : nil }
                ?? requested
            guard let language else { return nil }
            return switchLanguage(to: language, session: &session, confidence: 1)
        }
    }

    private func answer(
        _ intentID: String, match: MatchResult, mentionedCity: City?, requested: LanguageCode? = nil, session: inout Session,
        confidence: Double? = nil
    ) -> ChatReply {
        let confidence = confidence ?? match.confidence
        switch intentID {
        case DialogueAction.changeLanguage:
            guard let language = requested else { return askLanguage(session: &session) }
            return switchLanguage(to: language, session: &session, confidence: confidence)
        case DialogueAction.setCity:
            guard let city = mentionedCity else { return askCity(for: nil, session: &session, confidence: confidence) }
            if let reply = cityFollowUp(city, session: &session, match: match) { return reply }
            session.city = city
            let locale = locale(session.language)
            return ChatReply(
                language: locale.code, intent: intentID, confidence: confidence,
                answer: locale.string(.citySet, ["city": locale.cityName(city)]), kind: .notice, options: [], sources: [], links: [])
        default:
            break
        }
        guard let intent = knowledge.intent(intentID) else { return fallback(confidence: 0, session: session) }
        if let mentionedCity, intent.dependsOnCity { session.city = mentionedCity }
        let (language, answerText) = answerText(of: intent, in: session.language)
        guard let text = answerText.text(for: session.city) else {
            return askCity(for: intent.id, session: &session, confidence: confidence)
        }
        session.lastIntent = intent.id
        var body = text
        if intent.id == DialogueAction.help {
            let locale = locale(language)
            body += "\n" + topicList(locale)
        }
        return ChatReply(
            language: language, intent: intent.id, confidence: confidence, answer: body, kind: .answer,
            options: [], sources: replySources(intent, language: language, city: session.city),
            links: replyLinks(intent, city: session.city))
    }

    /// "And in Vaasa?": the last city-dependent answer again, for the newly named city.
    private func cityFollowUp(_ city: City, session: inout Session, match: MatchResult) -> ChatReply? {
        guard let last = session.lastIntent, let intent = knowledge.intent(last), intent.dependsOnCity,
              match.analyzed.keys.count <= 5
        else { return nil }
        session.city = city
        return answer(last, match: match, mentionedCity: city, session: &session, confidence: 1)
    }

    private func askCity(for intentID: String?, session: inout Session, confidence: Double) -> ChatReply {
        if let intentID { session.pending = .city(intentID: intentID) }
        let locale = locale(session.language)
        let options = City.all.enumerated().map { ReplyOption(number: $0 + 1, label: locale.cityName($1), value: $1.rawValue) }
        return ChatReply(
            language: locale.code, intent: intentID, confidence: confidence,
            answer: [intentID.map { title(of: $0, in: locale.code) },
                     intentID.flatMap { matcher.policy.safetyIntents.contains($0) ? locale.string(.safetyLine) : nil },
                     locale.string(.cityQuestion), numbered(options)]
                .compactMap { $0 }.joined(separator: "\n"),
            kind: .city, options: options,
            // The sources of the answer to come: the question is already about that service.
            sources: intentID.flatMap { knowledge.intent($0) }.map { replySources($0, language: locale.code) } ?? [],
            links: [])
    }

    private func askLanguage(session: inout Session) -> ChatReply {
        let languages = knowledge.languages
        session.pending = .language(languages)
        let locale = locale(session.language)
        let options = languages.enumerated().map { ReplyOption(number: $0 + 1, label: knowledge.locales[$1]?.name ?? $1.rawValue, value: $1.rawValue) }
        return ChatReply(
            language: locale.code, intent: DialogueAction.changeLanguage, confidence: 1,
            answer: [locale.string(.languageQuestion), numbered(options), locale.string(.clarifyHint)].joined(separator: "\n"),
            kind: .clarify, options: options, sources: [], links: [])
    }

    /// Switches the session language for good and says so in the new language.
    public func switchLanguage(to language: LanguageCode, session: inout Session, confidence: Double) -> ChatReply {
        session.language = language
        session.languageIsExplicit = true
        let locale = locale(language)
        return ChatReply(
            language: locale.code, intent: DialogueAction.changeLanguage, confidence: confidence,
            answer: locale.string(.languageSet), kind: .language, options: [], sources: [], links: [])
    }

    /// The answer in the session language, else English, else Finnish, else any.
    private func answerText(of intent: Intent, in language: LanguageCode?) -> (LanguageCode, AnswerText) {
        if let language, let text = intent.answers[language] { return (language, text) }
        if let text = intent.answers["en"] { return ("en", text) }
        if let text = intent.answers["fi"] { return ("fi", text) }
        // Validation guarantees every intent with answers has them in every locale language.
        let first = intent.answers.sorted { $0.key < $1.key }.first
        return (first?.key ?? defaultLanguage, first?.value ?? .everyCity(""))
    }

    /// The intent's sources, in the reply's language; for an answer given for one city,
    /// only that city's programme (and sources tied to no city).
    private func replySources(_ intent: Intent, language: LanguageCode, city: City? = nil) -> [ReplySource] {
        let cited = citedSources[CitedSourcesKey(intentID: intent.id, language: language)]
            ?? CitedSources(intent, documents: locale(language).documents)
        guard let city, intent.dependsOnCity else { return cited.sources }
        let relevant = cited.sources.indices.filter { cited.cities[$0].map { $0 == city } ?? true }
        return relevant.isEmpty ? cited.sources : relevant.map { cited.sources[$0] }
    }

    /// The intent's links; for an answer given for one city, without the other city's pages
    /// (a link belongs to a city when its host names it: www.vaasa.fi, www.helsinkikanava.fi),
    /// as its sources leave out the other city's programme.
    private func replyLinks(_ intent: Intent, city: City?) -> [String] {
        guard let city, intent.dependsOnCity else { return intent.links }
        return intent.links.filter { link in linkCities[link]?.allSatisfy { $0 == city } ?? true }
    }

    /// A link belongs to a city when its host names it (www.vaasa.fi, www.helsinkikanava.fi).
    private static func linkCities(_ knowledge: KnowledgeBase) -> [String: [City]] {
        var cities: [String: [City]] = [:]
        for link in Set(knowledge.intents.flatMap(\.links)) {
            let host = host(of: link)
            let named = City.all.filter { Self.bytes(of: host, contain: $0.rawValue) }
            if !named.isEmpty { cities[link] = named }
        }
        return cities
    }

    /// Whether `text` contains `part`, compared as bytes: Foundation's `contains` (through
    /// `range(of:)`) brought about 2 MB more of the program into memory at start.
    private static func bytes(of text: String, contain part: String) -> Bool {
        let text = Array(text.utf8), part = Array(part.utf8)
        guard !part.isEmpty, part.count <= text.count else { return part.isEmpty }
        return (0...(text.count - part.count)).contains { start in text[start..<(start + part.count)].elementsEqual(part) }
    }

    /// A web address's host, lowercased ("https://www.Vaasa.fi/x" → "www.vaasa.fi").
    static func host(of link: String) -> String {
        let bytes = link.utf8
        var start = bytes.startIndex
        // After "scheme://", when there is one.
        var index = bytes.startIndex
        while index != bytes.endIndex, bytes[index] != UInt8(ascii: "/") {
            if bytes[index] == UInt8(ascii: ":"), bytes[bytes.index(after: index)...].starts(with: "//".utf8) {
                start = bytes.index(index, offsetBy: 3)
                break
            }
            index = bytes.index(after: index)
        }
        let host = bytes[start...].prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        // ASCII letters lowercased; other bytes (an internationalised name) kept as they are.
        return String(decoding: host.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    private func title(of intentID: String, in language: LanguageCode) -> String {
        let intent = knowledge.intent(intentID)
        return intent?.titles[language] ?? intent?.titles["en"] ?? intentID
    }

    private func topicList(_ locale: LocaleStrings) -> String {
        let topics = knowledge.intents.map(\.topic).filter { $0 != "dialogue" && $0 != "none" }
        var seen = Set<String>()
        return topics.filter { seen.insert($0).inserted }.map { "• " + (locale.topics[$0] ?? $0) }.joined(separator: "\n")
    }

    private func numbered(_ options: [ReplyOption]) -> String {
        options.map { "\($0.number). \($0.label)" }.joined(separator: "\n")
    }
}

/// The results of the two start-up jobs that run in parallel.
private final class ParallelParts: Sendable {
    let index = Mutex<IntentIndex?>(nil)
    let identifier = Mutex<LanguageIdentifier?>(nil)
    let classifier = Mutex<LinearClassifier?>(nil)
}

/// Reads "1", " 2.", "٢" or "۲" as an option number.
enum OptionNumber {
    static func parse(_ text: String) -> Int? {
        // Pure Swift: Foundation's `trimmingCharacters(in:)` bridged through NSString, a
        // hundredth of every reply to a session with a question pending.
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return nil }
        let last = scalars.lastIndex(where: { !isTrimmed($0) }) ?? first
        let trimmed = Substring(scalars[first...last])
        guard trimmed.count == 1, let digit = trimmed.first?.wholeNumberValue, digit > 0 else { return nil }
        return digit
    }

    /// What `CharacterSet.whitespaces.union(.punctuationCharacters)` holds: tab, the space
    /// separators (Zs), the zero-width space (as Foundation's set has it), and punctuation (P*).
    private static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\u{200B}" { return true }
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}

/// An intent's sources as a reply cites them, with the documents' titles in one locale, and
/// the city each is about (nil: both).
private struct CitedSources: Sendable {
    let sources: [ReplySource]
    let cities: [City?]

    /// - Parameter jsonTails: the sources' shared encoded parts (`ReplySource.jsonTail`), if
    ///   worked out already.
    init(_ intent: Intent, documents: [String: String], jsonTails: [[UInt8]]? = nil) {
        let tails = jsonTails ?? intent.sources.map { ReplySource.jsonTail(seed: $0.seed, location: $0.location, says: $0.says) }
        sources = zip(intent.sources, tails).map { source, tail in
            ReplySource(seed: source.seed, document: documents[source.seed] ?? source.seed, location: source.location, says: source.says, jsonTail: tail)
        }
        cities = intent.sources.map(\.city)
    }
}

/// The intent and language an intent's cited sources are kept under.
private struct CitedSourcesKey: Hashable, Sendable {
    let intentID: String
    let language: LanguageCode
}
