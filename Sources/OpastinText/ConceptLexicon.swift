internal import CPrefetch
/// Words that mean the same thing, across languages and spellings: "landlord",
/// "vuokranantaja", "арендодатель", "صاحب البيت", "sa7eb el bet" all name the concept
/// `landlord`. A message that uses any of them gets the concept as a matching feature, so it
/// meets examples written in other languages and words — where character n-grams alone
/// only meet examples that share letters with it.
///
/// Entries are single words, matched on the analyzer's lexical forms (Latin-script words by
/// their Latin key, so spelling variants meet; other scripts as written); an entry ending in
/// `*` matches every word that starts with it. An entry starting with `=` (`=rädd`) is an
/// exact word: matched only as written (case aside), before the folded entries, for the words
/// folding merges with another (rädd "afraid" and råd "advice" are both `rad`).
///
/// A class, though immutable: the index, the matcher and the feature extraction pass it on
/// per message, and each copy of a struct retained and released every one of its tables.
public final class ConceptLexicon: Sendable {
    /// Which languages' lists an entry came from, one bit per language in `languages` (all
    /// bits: any language). All Latin-letter entries share one table, and folded spellings
    /// collide across languages (Somali "koriyaa", raises children, and Finnish "korjaa",
    /// repairs, are both `koria`): an entry counts only for a message in its own language, or
    /// for any message when the language is not known.
    typealias LanguageMask = UInt16
    static let anyLanguage = LanguageMask.max

    /// Up to two concepts (indices into `concepts`) for one key, each with the languages whose
    /// lists name it; `none` in an empty half.
    struct Match: BitwiseCopyable, Sendable {
        static let none = UInt16.max
        var first: UInt16
        var second: UInt16
        var firstLanguages: LanguageMask
        var secondLanguages: LanguageMask

        init(_ concept: UInt16, languages: LanguageMask) {
            first = concept
            second = Self.none
            firstLanguages = languages
            secondLanguages = 0
        }

        /// Adds a concept, or a language to one it has; a third concept is left out.
        mutating func add(_ concept: UInt16, languages: LanguageMask) {
            if first == concept {
                firstLanguages |= languages
            } else if second == concept {
                secondLanguages |= languages
            } else if second == Self.none {
                second = concept
                secondLanguages = languages
            }
        }

        func allows(_ allowed: LanguageMask) -> Bool {
            firstLanguages & allowed != 0 || (second != Self.none && secondLanguages & allowed != 0)
        }

        func forEach(allowed: LanguageMask, _ body: (Int) -> Void) {
            if firstLanguages & allowed != 0 { body(Int(first)) }
            if second != Self.none && secondLanguages & allowed != 0 { body(Int(second)) }
        }
    }

    /// The concept ids, in the order their features are numbered.
    public let concepts: [String]
    /// Each concept's matching feature (a hash of its id, of its own kind).
    let features: [UInt64]
    /// The languages of the lists, in bit order of `LanguageMask` (at most 16 are told apart).
    public let languages: [LanguageCode]
    /// Whole-word keys, and stem keys (`*` entries), each hashed with its own seed; exact
    /// words (`=` entries) are whole-word keys of their written form, with a third seed.
    private let words: FeatureTable<Match>
    private let stems: FeatureTable<Match>
    /// The shortest stem: shorter prefixes of a word are not looked up.
    private let shortestStem: Int
    /// A bit per (first byte, length) of the exact entries' written forms: a word whose bit
    /// is clear is not hashed and looked up again (no exact entries: 0, and nothing is).
    private let exactFilter: UInt64

    public static let empty = ConceptLexicon(
        concepts: [], languages: [], words: FeatureTable([]), stems: FeatureTable([]), shortestStem: 0, exactFilter: 0)

    private init(
        concepts: [String], languages: [LanguageCode], words: FeatureTable<Match>, stems: FeatureTable<Match>, shortestStem: Int,
        exactFilter: UInt64
    ) {
        self.concepts = concepts
        features = concepts.map { MatchFeatures.hash(.concept, Array($0.utf8), 0, $0.utf8.count) }
        self.languages = languages
        self.words = words
        self.stems = stems
        self.shortestStem = shortestStem
        self.exactFilter = exactFilter
    }

    /// Builds the lexicon from (concept, entry, language) triples (a nil language: any);
    /// entries are keyed by `analyzer`, as messages are. A key may name at most two concepts;
    /// further ones are ignored, as are entries of more than one word, stems shorter than
    /// four Latin or three other letters, and exact stems (`=rädd*`). Entries in other scripts
    /// than Latin count for every language: matched as written, they cannot meet another
    /// language's Latin words.
    public convenience init(entries: [(concept: String, entry: String, language: LanguageCode?)], analyzer: Analyzer) {
        var concepts: [String] = []
        var numbers: [String: UInt16] = [:]
        var languages: [LanguageCode] = []
        var words: [UInt64: Match] = [:]
        var stems: [UInt64: Match] = [:]
        var shortestStem = Int.max
        var exactFilter: UInt64 = 0
        for (concept, entry, language) in entries {
            let isStem = entry.hasSuffix("*")
            let isExact = entry.hasPrefix("=")
            if isExact && isStem { continue }
            let analyzed = analyzer.analyze(String(entry.dropFirst(isExact ? 1 : 0).dropLast(isStem ? 1 : 0)))
            let keys = isExact ? analyzed.writtenForms : analyzed.lexicalForms
            guard keys.count == 1, let key = keys.first else { continue }
            if isExact { exactFilter |= Self.exactFilterBit(key) }
            let isLatin = key.utf8.first.map { $0 < 0x80 } == true
            // A stem folded short (`sha22*` is `sha`) would catch words of every language.
            if isStem && key.unicodeScalars.count < (isLatin ? 4 : 3) { continue }
            let number = numbers[concept] ?? {
                concepts.append(concept)
                numbers[concept] = UInt16(concepts.count - 1)
                return UInt16(concepts.count - 1)
            }()
            var mask = Self.anyLanguage
            if isLatin, let language {
                if !languages.contains(language) { languages.append(language) }
                if let bit = languages.firstIndex(of: language), bit < LanguageMask.bitWidth { mask = 1 << bit }
            }
            let hash = Self.hash(key.utf8, seed: isExact ? Self.exactSeed : isStem ? Self.stemSeed : Self.wordSeed)
            if isStem { shortestStem = min(shortestStem, key.utf8.count) }
            func add(to table: inout [UInt64: Match]) {
                guard var match = table[hash] else { return table[hash] = Match(number, languages: mask) }
                match.add(number, languages: mask)
                table[hash] = match
            }
            if isStem { add(to: &stems) } else { add(to: &words) }
        }
        self.init(
            concepts: concepts, languages: languages, words: FeatureTable(words.map { ($0.key, $0.value) }),
            stems: FeatureTable(stems.map { ($0.key, $0.value) }), shortestStem: shortestStem == .max ? 0 : shortestStem,
            exactFilter: exactFilter)
    }

    /// Builds the lexicon from (concept, entry) pairs of no particular language.
    public convenience init(entries: [(concept: String, entry: String)], analyzer: Analyzer) {
        self.init(entries: entries.map { ($0.concept, $0.entry, nil) }, analyzer: analyzer)
    }

    public var isEmpty: Bool { concepts.isEmpty }

    /// The entries a message in `language` may use: its language's, or all when the language
    /// is not known (or has no list).
    func allowed(for language: LanguageCode?) -> LanguageMask {
        guard let language, let bit = languages.firstIndex(of: language), bit < LanguageMask.bitWidth else { return Self.anyLanguage }
        return 1 << bit
    }

    /// Calls `body` with the feature of each concept a word names (by its lexical and its
    /// written form).
    @inline(__always)
    func forEachConcept(of form: String, written: String, allowed: LanguageMask, _ body: (UInt64) -> Void) {
        forEachConceptNumber(of: form, written: written, allowed: allowed) { body(features[$0]) }
    }

    /// Asks for every table slot that looking up these words' forms will read (the whole word,
    /// and each prefix long enough to be a stem), so that their cache misses overlap instead
    /// of queueing one after another.
    func prefetch(_ analyzed: AnalyzedText) {
        guard !concepts.isEmpty else { return }
        if exactFilter != 0 {
            for written in analyzed.writtenForms where exactFilter & Self.exactFilterBit(written) != 0 {
                words.prefetch(Self.exactHash(written), with: cprefetch_read)
            }
        }
        for form in analyzed.lexicalForms {
            var wordHash = FNV1a(seed: Self.wordSeed)
            var stemHash = FNV1a(seed: Self.stemSeed)
            var length = 0
            for byte in form.utf8 {
                wordHash.mix(UInt64(byte))
                stemHash.mix(UInt64(byte))
                length += 1
                if length >= shortestStem { stems.prefetch(stemHash.value, with: cprefetch_read) }
            }
            words.prefetch(wordHash.value, with: cprefetch_read)
        }
    }

    /// The features of the concepts a message in `language` names, once per word, and of
    /// each pair of them (which helped the classifier tell intents apart on the dev sets).
    public func features(in analyzed: AnalyzedText, language: LanguageCode?) -> [UInt64] {
        var found: [UInt64] = []
        let allowed = allowed(for: language)
        var named: [UInt64] = []
        for (form, written) in zip(analyzed.lexicalForms, analyzed.writtenForms) {
            forEachConcept(of: form, written: written, allowed: allowed) { concept in
                found.append(concept)
                if !named.contains(concept) { named.append(concept) }
            }
        }
        MatchFeatures.forEachPair(of: named) { found.append($0) }
        return found
    }

    /// The concepts a message in `language` names, in order, for the staff view.
    public func names(in analyzed: AnalyzedText, language: LanguageCode?) -> [String] {
        var names: [String] = []
        let allowed = allowed(for: language)
        for (form, written) in zip(analyzed.lexicalForms, analyzed.writtenForms) {
            forEachConceptNumber(of: form, written: written, allowed: allowed) { names.append(concepts[$0]) }
        }
        return names
    }

    /// The concepts one word (by its position in `analyzed.lexicalForms`) names, in a message
    /// in `language`.
    public func names(ofWordAt position: Int, in analyzed: AnalyzedText, language: LanguageCode?) -> [String] {
        var names: [String] = []
        forEachConceptNumber(of: analyzed.lexicalForms[position], written: analyzed.writtenForms[position], allowed: allowed(for: language)) {
            names.append(concepts[$0])
        }
        return names
    }

    /// Each concept (by number) a word names: its exact entry (by the written form), else its
    /// whole-word entry, else its longest matching stem. An Arabic word that names none is tried again without one or two
    /// letters written onto its front: the clitics و ب ل ف ك ("وشغل", the article is
    /// stripped already) and the verb prefixes ي ت ن س ("يشتغل", "تتزوج").
    @inline(__always)
    private func forEachConceptNumber(of form: String, written: String, allowed: LanguageMask, _ body: (Int) -> Void) {
        guard !concepts.isEmpty else { return }
        if exactFilter & Self.exactFilterBit(written) != 0, let exact = words[Self.exactHash(written)], exact.allows(allowed) {
            return exact.forEach(allowed: allowed, body)
        }
        let utf8 = form.utf8
        if lookup(utf8, allowed, body) { return }
        // Arabic letters are two bytes in UTF-8; at least three letters must remain.
        var scalars = form.unicodeScalars.makeIterator()
        guard utf8.count >= 8, let first = scalars.next(), Self.frontLetters.contains(first) else { return }
        if lookup(utf8.dropFirst(2), allowed, body) { return }
        guard utf8.count >= 10, let second = scalars.next(), Self.frontLetters.contains(second) else { return }
        _ = lookup(utf8.dropFirst(4), allowed, body)
    }

    /// Letters written onto the front of an Arabic word: the clitics و ب ل ف ك and the verb
    /// prefixes ي ت ن س.
    private static let frontLetters: Set<Unicode.Scalar> = [
        "\u{0648}", "\u{0628}", "\u{0644}", "\u{0641}", "\u{0643}", "\u{064A}", "\u{062A}", "\u{0646}", "\u{0633}",
    ]

    /// The concepts of a key's whole-word entry, else of its longest stem, that `allowed`
    /// languages name; false when there are none.
    private func lookup(_ key: some Collection<UInt8>, _ allowed: LanguageMask, _ body: (Int) -> Void) -> Bool {
        var wordHash = FNV1a(seed: Self.wordSeed)
        var stemHash = FNV1a(seed: Self.stemSeed)
        var longestStem: Match?
        var length = 0
        for byte in key {
            wordHash.mix(UInt64(byte))
            stemHash.mix(UInt64(byte))
            length += 1
            if length >= shortestStem, let match = stems[stemHash.value], match.allows(allowed) { longestStem = match }
        }
        let word = words[wordHash.value].flatMap { $0.allows(allowed) ? $0 : nil }
        guard let match = word ?? longestStem else { return false }
        match.forEach(allowed: allowed, body)
        return true
    }

    private static let wordSeed: UInt64 = 0xC0_4CE9_7000_0001
    private static let stemSeed: UInt64 = 0xC0_4CE9_7000_0002
    private static let exactSeed: UInt64 = 0xC0_4CE9_7000_0003

    /// The filter bit of a written form: its first byte and its length.
    @inline(__always)
    private static func exactFilterBit(_ written: String) -> UInt64 {
        let utf8 = written.utf8
        return 1 << ((UInt64(utf8.first ?? 0) &* 7 &+ UInt64(truncatingIfNeeded: utf8.count)) & 63)
    }

    /// The key of a written form among the exact entries (byte by byte, as `lookup` hashes:
    /// the generic `mix` over a string's bytes was not specialised).
    private static func exactHash(_ written: String) -> UInt64 {
        var hash = FNV1a(seed: exactSeed)
        for byte in written.utf8 { hash.mix(UInt64(byte)) }
        return hash.value
    }

    private static func hash(_ bytes: some Sequence<UInt8>, seed: UInt64) -> UInt64 {
        var hash = FNV1a(seed: seed)
        hash.mix(bytes)
        return hash.value
    }

    // MARK: Binary form

    public func encode(into writer: inout BinaryWriter) {
        writer.write(concepts)
        writer.write(languages.map(\.rawValue))
        let words = words.entries, stems = stems.entries
        writer.write(words.map(\.key))
        writer.write(words.map(\.value))
        writer.write(stems.map(\.key))
        writer.write(stems.map(\.value))
        writer.write(shortestStem)
        writer.write(Int(bitPattern: UInt(exactFilter)))
    }

    public convenience init(decoding reader: inout BinaryReader) throws(BinaryReader.Corrupt) {
        let concepts = try reader.readStrings()
        let languages = try reader.readStrings().map { LanguageCode($0) }
        let wordKeys = try reader.readArray(of: UInt64.self)
        let wordMatches = try reader.readArray(of: Match.self)
        let stemKeys = try reader.readArray(of: UInt64.self)
        let stemMatches = try reader.readArray(of: Match.self)
        let shortestStem = try reader.readInt()
        let exactFilter = UInt64(UInt(bitPattern: try reader.readInt()))
        let valid = { (match: Match) in
            Int(match.first) < concepts.count && (match.second == Match.none || Int(match.second) < concepts.count)
        }
        guard wordKeys.count == wordMatches.count, stemKeys.count == stemMatches.count,
              wordMatches.allSatisfy(valid), stemMatches.allSatisfy(valid), shortestStem >= 0
        else { throw BinaryReader.Corrupt() }
        self.init(
            concepts: concepts, languages: languages, words: FeatureTable(Array(zip(wordKeys, wordMatches)).map { ($0.0, $0.1) }),
            stems: FeatureTable(Array(zip(stemKeys, stemMatches)).map { ($0.0, $0.1) }), shortestStem: shortestStem,
            exactFilter: exactFilter)
    }
}

