import NIOCore
import Synchronization

/// A new connection on its way from NIO to the accept loop.
///
/// If the listener closes in the very moment a connection is accepted, NIO drops the
/// connection before the accept loop sees it; a dropped `NIOAsyncChannel` whose writer was
/// never finished traps. This box finishes and closes such a connection when it is dropped.
final class PendingConnection: Sendable {
    private let channel: Mutex<OpastinServer.ConnectionChannel?>

    init(_ channel: OpastinServer.ConnectionChannel) {
        self.channel = Mutex(channel)
    }

    /// The connection, to the one caller that serves it; nil after the first call.
    func take() -> OpastinServer.ConnectionChannel? {
        channel.withLock { channel in
            let taken = channel
            channel = nil
            return taken
        }
    }

    deinit {
        guard let untaken = take() else { return }
        // Scoped use finishes the writer and closes the connection.
        Task { try? await untaken.executeThenClose { _, _ in } }
    }
}
