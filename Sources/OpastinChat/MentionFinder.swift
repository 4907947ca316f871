public import OpastinKnowledge
public import OpastinText

/// Finds names of cities and languages in a message ("Vaasassa", "по-английски"), from the
/// aliases in `Knowledge/set-city.yaml` and `Locales/*.yaml`, compared as Latin keys.
public struct MentionFinder: Sendable {
    /// Aliases by their first three bytes (every alias has at least three letters), so a word
    /// is compared only with the few aliases that could match it. The bytes packed in a number
    /// cost a tenth of a `String` prefix as a key (the two lookups per word were a tenth of a
    /// reply).
    private let cityKeys: [UInt32: [(key: String, city: City)]]
    private let languageKeys: [UInt32: [(key: String, language: LanguageCode)]]

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
        cityKeys = Dictionary(grouping: cities.sorted { $0.0.count > $1.0.count }, by: { Self.prefixKey($0.0) })
            .mapValues { $0.map { (key: $0.0, city: $0.1) } }
        languageKeys = Dictionary(grouping: languages.sorted { $0.0.count > $1.0.count }, by: { Self.prefixKey($0.0) })
            .mapValues { $0.map { (key: $0.0, language: $0.1) } }
    }

    /// The city a message names, if exactly one.
    public func city(in analyzed: AnalyzedText) -> City? {
        let found = Set(analyzed.keys.compactMap { word in cityKeys[Self.prefixKey(word)]?.first { matches(word, $0.key) }?.city })
        return found.count == 1 ? found.first : nil
    }

    /// The language a message asks for, if it names exactly one. When it names two, one of
    /// them the language it is written in, the conversation so far decides:
    /// - "mun suomi ei oo hyvä, vastaa englanniksi" (written in Finnish, the session in Finnish
    ///   or new): the resident writes their weak language and asks for the other;
    /// - "я плохо понимаю английский, пишите по-русски" (written in Russian, the bot has been
    ///   answering in English): they ask for the language they write in.
    public func language(in analyzed: AnalyzedText, writtenIn written: LanguageCode? = nil, before: LanguageCode? = nil) -> LanguageCode? {
        let found = Set(analyzed.keys.compactMap { word in languageKeys[Self.prefixKey(word)]?.first { matches(word, $0.key) }?.language })
        if found.count == 2, let written, found.contains(written) {
            let other = found.first { $0 != written }
            return before == other ? written : other
        }
        return found.count == 1 ? found.first : nil
    }

    /// A word's first three UTF-8 bytes in one number (fewer bytes for a shorter word). A word
    /// that names an alias starts with the alias, so it shares the alias's key.
    private static func prefixKey(_ word: String) -> UInt32 {
        var key: UInt32 = 0
        for byte in word.utf8.prefix(3) { key = key << 8 | UInt32(byte) }
        return key
    }

    /// A word names an alias when equal, or an inflected form of it (Finnish "vaasassa",
    /// Russian "хельсинки"): the alias is a prefix and at most four letters follow.
    private func matches(_ word: String, _ alias: String) -> Bool {
        word == alias || (alias.count >= 4 && word.hasPrefix(alias) && word.count - alias.count <= 4)
    }
}
