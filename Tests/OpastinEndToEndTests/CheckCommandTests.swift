import Foundation
import Testing

/// `opastin check`, `examples` and `evaluate` on the bundled knowledge and on broken copies.
@Suite struct CheckCommandTests {
    @Test func bundledKnowledgePassesCheck() throws {
        let output = try BinaryRunner.run(["check"])
        #expect(output.status == 0, "\(output.stdout)")
    }

    @Test func checkJSONReportsCoveragePerIntent() throws {
        let output = try BinaryRunner.run(["check", "--json"])
        let report = try BinaryRunner.object(output.stdout)
        let intents = try #require(report["intents"] as? [[String: Any]])
        #expect(intents.count >= 10)
        for intent in intents {
            let examples = intent["examples"] as? [String: Int] ?? [:]
            for language in ["fi", "sv", "en", "ru", "ar", "so"] { #expect((examples[language] ?? 0) >= 15, "\(intent["id"] ?? "")") }
        }
    }

    @Test func brokenKnowledgeNamesFileLineAndProblemAndExitsNonZero() throws {
        let root = try TemporaryKnowledge.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("Knowledge/finnish-courses.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "https://www.finnishcourses.fi", with: "https://example.com/courses")
        try text.write(to: file, atomically: true, encoding: .utf8)
        try "id: broken\n  topic: [unclosed\n".write(to: root.appendingPathComponent("Knowledge/broken.yaml"), atomically: true, encoding: .utf8)
        let output = try BinaryRunner.run(["check", "--root", root.path], root: root)
        #expect(output.status == 1)
        #expect(output.stdout.contains("Knowledge/broken.yaml:"))
        #expect(output.stdout.contains("not valid YAML"))
        #expect(output.stdout.range(of: #"Knowledge/finnish-courses.yaml:\d+: error: link `https://example.com/courses`"#, options: .regularExpression) != nil)
    }

    @Test func examplesPrintsJSONLines() throws {
        let output = try BinaryRunner.run(["examples"])
        #expect(output.lines.count > 500)
        let first = try BinaryRunner.object(output.lines[0])
        #expect(first["intent"] is String && first["lang"] is String && first["text"] is String)
    }
}

enum TemporaryKnowledge {
    /// A scratch copy of Knowledge/ and Locales/ to break on purpose.
    static func copy() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("opastin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for folder in ["Knowledge", "Locales"] {
            try FileManager.default.copyItem(at: BinaryRunner.packageRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
        }
        return root
    }
}
