public import OpastinKnowledge
public import OpastinText

/// Finds names of cities and languages in a message ("Vaasassa", "по-английски"), from the
/// aliases in `Knowledge/set-city.yaml` and `Locales/*.yaml`, compared as Latin keys.
public struct MentionFinder: Sendable {
    private let cityKeys: AliasIndex<City>
    private let languageKeys: AliasIndex<LanguageCode>

    public init(knowledge: KnowledgeBase, analyzer: Analyzer) {
        var cities: [(String, City)] = []
        for intent in knowledge.intents {
            for (city, aliases) in intent.cityAliases {
                for alias in aliases + [city.rawValue] {
                    for key in analyzer.analyze(alias).keys where key.count >= 3 { cities.append((key, city)) }
                }
            }
        }
        for locale in knowledge.locales.values {
            for (city, name) in locale.cities {
                for key in analyzer.analyze(name).keys where key.count >= 3 { cities.append((key, city)) }
            }
        }
        var languages: [(String, LanguageCode)] = []
        for locale in knowledge.locales.values {
            for alias in locale.aliases + [locale.name, locale.englishName] {
                let keys = analyzer.analyze(alias).keys
                // Multi-word aliases ("på svenska") are matched by their longest word.
                if let key = keys.max(by: { $0.count < $1.count }), key.count >= 3 { languages.append((key, locale.code)) }
            }
        }
        cityKeys = AliasIndex(cities)
        languageKeys = AliasIndex(languages)
    }

    /// The city a message names, if exactly one.
    public func city(in analyzed: AnalyzedText) -> City? {
        let found = cityKeys.values(namedIn: analyzed.keys)
        return found.count == 1 ? found.first : nil
    }

    /// The language a message asks for, if it names exactly one. When it names two, one of
    /// them the language it is written in, the conversation so far decides:
    /// - "mun suomi ei oo hyvä, vastaa englanniksi" (written in Finnish, the session in Finnish
    ///   or new): the resident writes their weak language and asks for the other;
    /// - "я плохо понимаю английский, пишите по-русски" (written in Russian, the bot has been
    ///   answering in English): they ask for the language they write in.
    public func language(in analyzed: AnalyzedText, writtenIn written: LanguageCode? = nil, before: LanguageCode? = nil) -> LanguageCode? {
        let found = languageKeys.values(namedIn: analyzed.keys)
        if found.count == 2, let written, found.contains(written) {
            let other = found.first { $0 != written }
            return before == other ? written : other
        }
        return found.count == 1 ? found.first : nil
    }
}

/// Aliases (Latin keys) with what they name, grouped by their first three bytes (every alias has
/// at least three letters), so a word is compared only with the few aliases that could match
/// it. The groups are found through a `FeatureTable` keyed by those bytes packed in a number:
/// a `String` prefix as a dictionary key, hashed twice per word, was a tenth of a reply.
struct AliasIndex<Value: Hashable & Sendable>: Sendable {
    /// Each group longest alias first, so an inflected form matches its longest alias.
    private let groups: [[(key: String, value: Value)]]
    private let groupOfPrefix: FeatureTable<Int32>

    init(_ aliases: [(String, Value)]) {
        let grouped = Dictionary(grouping: aliases.sorted { $0.0.count > $1.0.count }, by: { Self.prefixKey($0.0) })
        let prefixes = grouped.keys.sorted()
        groups = prefixes.map { prefix in grouped[prefix]!.map { (key: $0.0, value: $0.1) } }
        groupOfPrefix = FeatureTable(prefixes.enumerated().map { (UInt64($0.element), Int32($0.offset)) })
    }

    /// The distinct values the words name, in the order first named.
    func values(namedIn words: [String]) -> [Value] {
        var found: [Value] = []
        for word in words {
            guard let group = groupOfPrefix[UInt64(Self.prefixKey(word))],
                  let alias = groups[Int(group)].first(where: { Self.matches(word, $0.key) }),
                  !found.contains(alias.value)
            else { continue }
            found.append(alias.value)
        }
        return found
    }

    /// A word's first three UTF-8 bytes in one number (fewer bytes for a shorter word). A word
    /// that names an alias starts with the alias, so it shares the alias's key.
    static func prefixKey(_ word: String) -> UInt32 {
        var key: UInt32 = 0, taken = 0
        for byte in word.utf8 {
            key = key << 8 | UInt32(byte)
            taken += 1
            if taken == 3 { break }
        }
        return key
    }

    /// A word names an alias when equal, or an inflected form of it (Finnish "vaasassa",
    /// Russian "хельсинки"): the alias is a prefix and at most four letters follow. Latin keys
    /// are ASCII, so letters are counted as bytes (counting characters took longer than the
    /// rest of the lookup).
    static func matches(_ word: String, _ alias: String) -> Bool {
        let wordLength = word.utf8.count, aliasLength = alias.utf8.count
        return word == alias || (aliasLength >= 4 && wordLength - aliasLength <= 4 && word.hasPrefix(alias))
    }
}
