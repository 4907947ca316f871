import Foundation
import OpastinChat

/// The engine on the bundled knowledge, built once for all tests in this target.
enum EngineFixture {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let engine: ChatEngine = {
        do {
            return try OpastinSetup.buildEngine(root: root, cache: EngineCache(directory: nil))
        } catch {
            fatalError("the bundled knowledge must load: \(error)")
        }
    }()

    /// Replies to each message in one session, in order.
    static func conversation(_ messages: [String], session: inout Session) throws -> [ChatReply] {
        try messages.map { try engine.reply(to: ChatRequest(text: $0), in: &session) }
    }
}
