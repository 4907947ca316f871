public import OpastinKnowledge
public import OpastinText

/// Trains the language identifier on the project's own text: every example utterance,
/// answer, title and UI string, plus each language romanised with its locale's transform
/// (so Russian typed in Latin letters is recognised as Russian).
public enum LanguageIdentifierTraining {
    public static func train(knowledge: KnowledgeBase, analyzer: Analyzer) -> LanguageIdentifier {
        var identifier = LanguageIdentifier()
        for language in knowledge.languages {
            guard let locale = knowledge.locales[language] else { continue }
            // Short texts (what residents type) and the long answers (whole sentences).
            var short: [String] = []
            var answers: [String] = []
            for intent in knowledge.intents {
                short += intent.examples[language] ?? []
                if let title = intent.titles[language] { short.append(title) }
                answers += intent.answers[language]?.allTexts ?? []
            }
            short += locale.topics.values.sorted()
            answers += locale.strings.values.sorted()
            for text in short + answers { identifier.train(text, language: language, analyzer: analyzer) }
            // Romanised copies of the short texts only: residents type short messages in
            // Latin letters, and transliterating every answer would double start-up time.
            if let id = locale.romanization, let romanizer = try? Transliterator(id + "; Latin-ASCII") {
                for text in short where Script.dominant(in: text) == locale.script {
                    identifier.train(romanizer.transliterate(text), language: language, analyzer: analyzer)
                }
            }
        }
        identifier.finish()
        return identifier
    }
}
