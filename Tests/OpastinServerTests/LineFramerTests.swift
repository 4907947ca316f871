import NIOCore
import NIOEmbedded
@testable import OpastinServer
import Testing

/// `LineFramer`, the server's framing handler, on an `EmbeddedChannel`: the same lines as
/// `LineFrameDecoder` through NIO's `ByteToMessageHandler`.
@Suite struct LineFramerTests {
    private func channel(limit: Int = 16) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(LineFramer(maximumLineBytes: limit))
        return channel
    }

    private func send(_ chunks: [String], to channel: EmbeddedChannel) throws -> [LineFrame] {
        for chunk in chunks { try channel.writeInbound(ByteBuffer(string: chunk)) }
        var frames: [LineFrame] = []
        while let frame = try channel.readInbound(as: LineFrame.self) { frames.append(frame) }
        return frames
    }

    private func line(_ text: String) -> LineFrame { .line(Array(text.utf8)) }

    @Test(arguments: [
        ["hel", "lo\nwor", "ld", "\n"],
        ["hello\nworld\n"],
        ["h", "e", "l", "l", "o", "\n", "world\r\n"],
    ])
    func linesComeOutWhole(chunks: [String]) throws {
        let channel = try channel()
        #expect(try send(chunks, to: channel) == [line("hello"), line("world")])
        #expect(try channel.finish().isClean)
    }

    @Test func overLongLineIsReportedOnceThenTheNextLineIsRead() throws {
        let channel = try channel(limit: 4)
        let frames = try send(["abcdefgh", "ijklmnop", "qrs\nok\n"], to: channel)
        #expect(frames == [.tooLong, line("ok")])
    }

    @Test func lastLineWithoutNewlineCountsWhenTheClientFinishesSending() throws {
        let channel = try channel()
        #expect(try send(["one\ntw", "o"], to: channel) == [line("one")])
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try channel.readInbound(as: LineFrame.self) == line("two"))
    }
}
