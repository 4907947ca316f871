import NIOCore
import NIOEmbedded
@testable import OpastinServer
import Synchronization
import Testing

/// The server trims its heap once after many connections have gone, and not under steady load.
@Suite struct MemoryTrimmerTests {
    @Test func trimsOnceAfterMostConnectionsCloseAndNotUnderSteadyLoad() {
        let loop = EmbeddedEventLoop()
        let limit = ConnectionLimit(maximum: 10_000)
        let trims = Atomic<Int>(0)
        let trimmer = MemoryTrimmer(limit: limit, eventLoop: loop, interval: .seconds(1)) { trims.add(1, ordering: .relaxed) }
        defer { trimmer.stop() }

        for _ in 0..<1_000 { #expect(limit.acquire()) }
        loop.advanceTime(by: .seconds(1))
        #expect(trims.load(ordering: .relaxed) == 0, "all connections still open")

        for _ in 0..<900 { limit.release() }
        loop.advanceTime(by: .seconds(1))
        #expect(trims.load(ordering: .relaxed) == 1, "900 of 1,000 gone")

        loop.advanceTime(by: .seconds(3))
        #expect(trims.load(ordering: .relaxed) == 1, "nothing more has gone since")

        // A burst between two looks still counts: the limit remembers its peak.
        for _ in 0..<400 { #expect(limit.acquire()) }
        for _ in 0..<400 { limit.release() }
        loop.advanceTime(by: .seconds(1))
        #expect(trims.load(ordering: .relaxed) == 2)
    }

    @Test func smallDropsDoNotTrim() {
        #expect(!MemoryTrimmer.shouldTrim(peak: 200, open: 0), "fewer than 256 gone")
        #expect(!MemoryTrimmer.shouldTrim(peak: 2_000, open: 1_500), "most are still open")
        #expect(MemoryTrimmer.shouldTrim(peak: 2_000, open: 1_000))
        #expect(MemoryTrimmer.shouldTrim(peak: 10_000, open: 0))
    }
}
