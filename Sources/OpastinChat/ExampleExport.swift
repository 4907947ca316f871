public import OpastinKnowledge
internal import OpastinText

/// Every example utterance as JSONL, intents and languages in a stable order.
public enum ExampleExport {
    public static func lines(_ knowledge: KnowledgeBase) -> [String] {
        var lines: [String] = []
        for intent in knowledge.intents {
            for language in intent.examples.keys.sorted() {
                for text in intent.examples[language] ?? [] {
                    var writer = JSONWriter()
                    writer.writeObject([("intent", .string(intent.id)), ("lang", .string(language.rawValue)), ("text", .string(text))])
                    lines.append(writer.output)
                }
            }
        }
        return lines
    }
}
