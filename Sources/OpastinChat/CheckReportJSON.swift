public import OpastinKnowledge
internal import OpastinText

/// `opastin check --json`: coverage and problems as one JSON object.
public enum CheckReportJSON {
    public static func render(_ report: CoverageReport?, problems: [KnowledgeProblem]) -> String {
        let intents: [JSONValue] = (report?.rows ?? []).map { row in
            .object([
                "id": .string(row.intentID),
                "topic": .string(row.topic),
                "answers": .array(row.answerLanguages.map { .string($0.rawValue) }),
                "examples": .object(Dictionary(uniqueKeysWithValues: row.examplesPerLanguage.map { ($0.key.rawValue, .integer($0.value)) })),
                "city_variants": .bool(row.dependsOnCity),
            ])
        }
        let problemValues: [JSONValue] = problems.map {
            .object([
                "severity": .string($0.severity.rawValue), "file": .string($0.file),
                "line": $0.line.map { .integer($0) } ?? .null, "message": .string($0.message),
            ])
        }
        var writer = JSONWriter()
        writer.writeObject([
            ("ok", .bool(!problems.contains { $0.severity == .error })),
            ("languages", .array((report?.languages ?? []).map { .string($0.rawValue) })),
            ("intent_count", .integer(intents.count)),
            ("intents", .array(intents)),
            ("problems", .array(problemValues)),
        ])
        return writer.output
    }
}
