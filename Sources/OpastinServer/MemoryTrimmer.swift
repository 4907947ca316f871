import NIOCore

/// Gives freed heap back to the system once many connections have gone.
///
/// glibc's malloc keeps what it frees for reuse. After a burst of 10,000 connections the
/// server held about 80 MiB for the rest of its life although it needed 50. Every few seconds
/// this compares the connections open now with the most open since the last look: when at
/// least `minimumDrop` have closed and at most half the peak remain, it trims the heap. Under
/// steady load it does nothing, so it costs no time there.
final class MemoryTrimmer: Sendable {
    /// How many connections must have gone before a trim is worth it.
    static let minimumDrop = 256

    private let sampling: RepeatedTask

    init(limit: ConnectionLimit, eventLoop: any EventLoop, interval: TimeAmount = .seconds(5),
         trim: @escaping @Sendable () -> Void = Malloc.releaseFreeMemory) {
        sampling = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let (peak, open) = limit.takePeak()
            if Self.shouldTrim(peak: peak, open: open) { trim() }
        }
    }

    /// True once enough of the peak's connections have closed.
    static func shouldTrim(peak: Int, open: Int) -> Bool {
        peak - open >= minimumDrop && open <= peak / 2
    }

    /// Stops sampling (the server has stopped).
    func stop() {
        sampling.cancel()
    }
}
