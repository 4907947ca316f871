import Logging
import OpastinChat

/// What every conversation connection of a listener shares (line protocol or WebSocket): made
/// once, held by each connection as one reference rather than as copies of its fields (a
/// `Logger` alone is tens of bytes), which adds up over thousands of connections.
final class ConversationSettings: Sendable {
    let engine: ReloadableEngine
    let sessions: SessionStore
    let maximumLineBytes: Int
    /// Log every request and reply line (`--log-messages`).
    let logMessages: Bool
    let logger: Logger

    init(engine: ReloadableEngine, sessions: SessionStore, maximumLineBytes: Int, logMessages: Bool, logger: Logger) {
        self.engine = engine
        self.sessions = sessions
        self.maximumLineBytes = maximumLineBytes
        self.logMessages = logMessages
        self.logger = logger
    }
}
