internal import Foundation
import Synchronization

/// The named sessions (`"session"` in the protocol), shared by every connection.
///
/// Bounded in number and expired after idle time, so clients inventing session ids cannot
/// grow memory. A mutex rather than an actor: every access is a short dictionary operation
/// on the request path, and callers stay synchronous (the same code serves stdin and sockets).
public final class SessionStore: Sendable {
    private struct Entry {
        var session: Session
        var lastUsed: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Most sessions kept; beyond it the least recently used one is dropped.
    public let capacity: Int
    /// A session unused this long is forgotten.
    public let timeToLive: Duration

    public init(capacity: Int = 10_000, timeToLive: Duration = .seconds(30 * 60)) {
        self.capacity = max(capacity, 1)
        self.timeToLive = timeToLive
    }

    /// The session with this name, or a new one.
    public func session(named name: String) -> Session {
        entries.withLock { entries in
            guard let entry = entries[name], ContinuousClock.now - entry.lastUsed < timeToLive else { return Session() }
            return entry.session
        }
    }

    /// Stores a session after a reply changed it.
    public func store(_ session: Session, named name: String) {
        entries.withLock { entries in
            let now = ContinuousClock.now
            entries[name] = Entry(session: session, lastUsed: now)
            guard entries.count > capacity else { return }
            // Over capacity: drop expired sessions, then the least recently used.
            entries = entries.filter { now - $0.value.lastUsed < timeToLive }
            while entries.count > capacity, let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                entries[oldest.key] = nil
            }
        }
    }

    /// How many sessions are held now.
    public var count: Int { entries.withLock { $0.count } }
}
