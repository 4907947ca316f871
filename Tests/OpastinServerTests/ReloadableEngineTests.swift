import Foundation
import OpastinChat
import OpastinServer
import Testing

extension ServerSuites {
    /// Reloading knowledge: a good reload is served, a broken one leaves the old knowledge serving.
    @Suite struct ReloadableEngineTests {
        /// A copy of Knowledge/ and Locales/ that a test may break.
        private func copiedRoot() throws -> URL {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("opastin-reload-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            for folder in ["Knowledge", "Locales"] {
                try FileManager.default.copyItem(
                    at: TestKnowledge.packageRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
            }
            return root
        }

        @Test func brokenKnowledgeIsRefusedAndTheOldEngineKeepsServing() throws {
            let root = try copiedRoot()
            defer { try? FileManager.default.removeItem(at: root) }
            let engine = ReloadableEngine(try TestKnowledge.engine())
            let knowledge = root.appendingPathComponent("Knowledge")
            let file = try #require(try FileManager.default.contentsOfDirectory(atPath: knowledge.path).sorted().first { $0.hasSuffix(".yaml") })
            try Data("id: [unclosed\n  : : :\n".utf8).write(to: knowledge.appendingPathComponent(file))

            let result = engine.reload(root: root)
            #expect(throws: (any Error).self) { try result.get() }
            #expect(engine.generation == 0)
            var conversation = LineConversation(engine: engine.current, sessions: SessionStore())
            let reply = conversation.handle(line: Array(#"{"text":"Miten pääsen suomen kielen kurssille?"}"#.utf8))
            #expect(reply.contains(#""intent":"finnish-courses""#))
        }

        @Test func goodKnowledgeIsServedAfterReload() throws {
            let root = try copiedRoot()
            defer { try? FileManager.default.removeItem(at: root) }
            let engine = ReloadableEngine(try TestKnowledge.engine())
            let result = engine.reload(root: root)
            #expect(throws: Never.self) { try result.get() }
            #expect(engine.generation == 1)
            #expect(engine.snapshot().generation == 1)
        }

        @Test func openConnectionAnswersWithTheReplacedEngineFromItsNextLine() async throws {
            try await withDeadline {
                try await TestServer.with { server in
                    try await TestClient.connect(to: server).session { client in
                        #expect(try await client.ask(#"{"id":1,"text":"hei"}"#)["id"] as? Int == 1)
                        var english = try TestKnowledge.engine()
                        english.maximumTextLength = 3
                        server.engine.replace(with: english)
                        // The replaced engine's shorter limit shows it is the one answering.
                        let refused = try await client.ask(#"{"id":2,"text":"kiitos"}"#)
                        #expect(refused.errorCode == "text_too_long")
                    }
                }
            }
        }
    }
}
