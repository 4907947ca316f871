public import OpastinText

/// What staff see of the knowledge: per intent, the languages with an answer and the
/// number of examples per language.
public struct CoverageReport: Sendable {
    public struct Row: Sendable {
        public let intentID: String
        public let topic: String
        public let answerLanguages: [LanguageCode]
        public let examplesPerLanguage: [LanguageCode: Int]
        public let dependsOnCity: Bool
    }

    public let rows: [Row]
    public let languages: [LanguageCode]

    public init(knowledge: KnowledgeBase) {
        languages = knowledge.languages
        rows = knowledge.intents.map { intent in
            Row(
                intentID: intent.id, topic: intent.topic, answerLanguages: intent.answers.keys.sorted(),
                examplesPerLanguage: intent.examples.mapValues(\.count), dependsOnCity: intent.dependsOnCity)
        }
    }
}
