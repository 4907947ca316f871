public import OpastinKnowledge
public import OpastinText

/// Finds names of cities and languages in a message ("Vaasassa", "по-английски"), from the
/// aliases in `Knowledge/set-city.yaml` and `Locales/*.yaml`, compared as Latin keys.
public struct MentionFinder: Sendable {
    /// Aliases by their first three letters (every alias has at least three), so a word is
    /// compared only with the few aliases that could match it.
    private let cityKeys: [String: [(key: String, city: City)]]
    private let languageKeys: [String: [(key: String, language: LanguageCode)]]

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
        cityKeys = Dictionary(grouping: cities.sorted { $0.0.count > $1.0.count }, by: { String($0.0.prefix(3)) })
            .mapValues { $0.map { (key: $0.0, city: $0.1) } }
        languageKeys = Dictionary(grouping: languages.sorted { $0.0.count > $1.0.count }, by: { String($0.0.prefix(3)) })
            .mapValues { $0.map { (key: $0.0, language: $0.1) } }
    }

    /// The city a message names, if exactly one.
    public func city(in analyzed: AnalyzedText) -> City? {
        let found = Set(analyzed.keys.compactMap { word in cityKeys[String(word.prefix(3))]?.first { matches(word, $0.key) }?.city })
        return found.count == 1 ? found.first : nil
    }

    /// The language a message asks for, if it names exactly one. When it names two, one of
    /// them the language it is written in, the conversation so far decides:
    /// - "mun suomi ei oo hyvä, vastaa englanniksi" (written in Finnish, the session in Finnish
    ///   or new): the resident writes their weak language and asks for the other;
    /// - "я плохо понимаю английский, пишите по-русски" (written in Russian, the bot has been
    ///   answering in English): they ask for the language they write in.
    public func language(in analyzed: AnalyzedText, writtenIn written: LanguageCode? = nil, before: LanguageCode? = nil) -> LanguageCode? {
        let found = Set(analyzed.keys.compactMap { word in languageKeys[String(word.prefix(3))]?.first { matches(word, $0.key) }?.language })
        if found.count == 2, let written, found.contains(written) {
            let other = found.first { $0 != written }
            return before == other ? written : other
        }
        return found.count == 1 ? found.first : nil
    }

    /// A word names an alias when equal, or an inflected form of it (Finnish "vaasassa",
    /// Russian "хельсинки"): the alias is a prefix and at most four letters follow.
    private func matches(_ word: String, _ alias: String) -> Bool {
        word == alias || (alias.count >= 4 && word.hasPrefix(alias) && word.count - alias.count <= 4)
    }
}
