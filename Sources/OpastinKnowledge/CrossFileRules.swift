internal import OpastinText

/// Rules that span files: an example in two intents, missing required intents.
struct CrossFileRules {
    let policy: ContentPolicy

    func check(intents: [Intent], locales: [LanguageCode: LocaleStrings]) -> [KnowledgeProblem] {
        var problems: [KnowledgeProblem] = []
        var owner: [String: String] = [:]
        for intent in intents.sorted(by: { $0.id < $1.id }) {
            for (language, examples) in intent.examples.sorted(by: { $0.key < $1.key }) {
                for (example, key) in zip(examples, intent.exampleKeys[language] ?? examples.map(ExampleKey.make)) {
                    let key = key + "|" + language.rawValue
                    if let other = owner[key], other != intent.id {
                        problems.append(KnowledgeProblem(
                            file: "Knowledge/\(intent.id).yaml", line: nil,
                            "the \(language) example \"\(example)\" is also an example of `\(other)`"))
                    } else {
                        owner[key] = intent.id
                    }
                }
            }
        }
        for intent in intents.sorted(by: { $0.id < $1.id }) {
            for seed in Set(intent.sources.map(\.seed)).sorted() {
                for locale in locales.values.sorted(by: { $0.code < $1.code }) where locale.documents[seed] == nil {
                    problems.append(KnowledgeProblem(
                        file: "Locales/\(locale.code).yaml", line: nil,
                        "no title for the document `\(seed)` (a source of `\(intent.id)`) under `documents`"))
                }
            }
        }
        // A concept links words across languages: an id in one locale only is most likely a typo.
        var conceptLocales: [String: [LanguageCode]] = [:]
        for locale in locales.values {
            for (concept, _) in locale.concepts { conceptLocales[concept, default: []].append(locale.code) }
        }
        if locales.count > 1 {
            for (concept, codes) in conceptLocales.sorted(by: { $0.key < $1.key }) where codes.count == 1 {
                problems.append(KnowledgeProblem(
                    .warning, file: "Locales/\(codes[0]).yaml", line: nil,
                    "the concept `\(concept)` is in no other locale: is its id misspelt?"))
            }
        }
        let ids = Set(intents.map(\.id))
        if !intents.isEmpty {
            for required in [DialogueAction.changeLanguage, DialogueAction.setCity, DialogueAction.help] where !ids.contains(required) {
                problems.append(KnowledgeProblem(file: "Knowledge", line: nil, "the dialogue intent `\(required)` is missing"))
            }
        }
        return problems
    }
}
