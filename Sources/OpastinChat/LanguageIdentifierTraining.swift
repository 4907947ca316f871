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
            var texts: [String] = []
            for intent in knowledge.intents {
                texts += intent.examples[language] ?? []
                texts += intent.answers[language]?.allTexts ?? []
                if let title = intent.titles[language] { texts.append(title) }
            }
            texts += locale.strings.values.sorted()
            texts += locale.topics.values.sorted()
            for text in texts { identifier.train(text, language: language, analyzer: analyzer) }
            if let id = locale.romanization, let romanizer = try? Transliterator(id + "; Latin-ASCII") {
                for text in texts where Script.dominant(in: text) == locale.script {
                    identifier.train(romanizer.transliterate(text), language: language, analyzer: analyzer)
                }
            }
        }
        identifier.finish()
        return identifier
    }
}
