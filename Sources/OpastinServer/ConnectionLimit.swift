import Synchronization

/// Counts open connections against the configured maximum, across all listeners.
final class ConnectionLimit: Sendable {
    /// Most connections served at once.
    let maximum: Int
    private let open = Atomic<Int>(0)
    /// The most connections open at once since ``takePeak()`` was last called.
    private let peak = Atomic<Int>(0)

    init(maximum: Int) {
        self.maximum = max(maximum, 0)
    }

    /// Takes a place for a new connection; false when all places are taken.
    func acquire() -> Bool {
        var current = open.load(ordering: .relaxed)
        while current < maximum {
            let (exchanged, original) = open.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                peak.max(current + 1, ordering: .relaxed)
                return true
            }
            current = original
        }
        return false
    }

    /// Gives back a place taken by ``acquire()``.
    func release() {
        open.subtract(1, ordering: .acquiringAndReleasing)
    }

    /// Connections open now.
    var count: Int { open.load(ordering: .relaxed) }

    /// The most connections open at once since the last call (or the start), and the
    /// connections open now, which become the next call's starting peak.
    func takePeak() -> (peak: Int, open: Int) {
        let now = count
        return (peak.exchange(now, ordering: .relaxed), now)
    }
}
