import NIOCore
import NIOEmbedded
import OpastinServer
import Testing

/// `LineFrameDecoder` through a real `ByteToMessageHandler` on an `EmbeddedChannel`.
@Suite struct LineFrameDecoderTests {
    /// A channel decoding with a small limit, so over-long lines are cheap to make.
    private func channel(limit: Int = 16, maximumBufferSize: Int? = nil) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: limit), maximumBufferSize: maximumBufferSize))
        return channel
    }

    private func send(_ chunks: String..., to channel: EmbeddedChannel) throws {
        for chunk in chunks { try channel.writeInbound(ByteBuffer(string: chunk)) }
    }

    private func frames(from channel: EmbeddedChannel) throws -> [LineFrame] {
        var frames: [LineFrame] = []
        while let frame = try channel.readInbound(as: LineFrame.self) { frames.append(frame) }
        return frames
    }

    private func line(_ text: String) -> LineFrame { .line(Array(text.utf8)) }

    @Test func linesSplitAcrossReadsAreJoined() throws {
        let channel = try channel()
        try send("hel", "lo\nwor", "ld", "\n", to: channel)
        #expect(try frames(from: channel) == [line("hello"), line("world")])
        #expect(try channel.finish().isClean)
    }

    @Test func manyLinesInOneReadComeOutInOrder() throws {
        let channel = try channel()
        try send("a\nbb\nccc\n\n", to: channel)
        #expect(try frames(from: channel) == [line("a"), line("bb"), line("ccc"), line("")])
    }

    @Test func carriageReturnBeforeNewlineIsStripped() throws {
        let channel = try channel()
        try send("one\r\ntwo\r", "\n", "in\rside\n", to: channel)
        #expect(try frames(from: channel) == [line("one"), line("two"), line("in\rside")])
    }

    @Test func lineAtTheLimitIsAcceptedAndOneByteMoreIsTooLong() throws {
        let channel = try channel(limit: 16)
        let atLimit = String(repeating: "x", count: 16)
        try send(atLimit + "\n" + atLimit + "y\n", to: channel)
        #expect(try frames(from: channel) == [line(atLimit), .tooLong])
    }

    @Test func overLongLineIsReportedOnceAndTheNextLineStillComes() throws {
        let channel = try channel(limit: 16)
        try send("0123456789", "0123456789", "0123456789", "0123456789", "\nok\n", to: channel)
        #expect(try frames(from: channel) == [.tooLong, line("ok")])
    }

    @Test func overLongLineInOneReadWithItsNewline() throws {
        let channel = try channel(limit: 16)
        try send(String(repeating: "z", count: 40) + "\nnext\n", to: channel)
        #expect(try frames(from: channel) == [.tooLong, line("next")])
    }

    @Test func overLongLineIsDiscardedWhileItArrivesNotBuffered() throws {
        // The handler fails with PayloadTooLargeError if its buffer ever grows past this,
        // so a megabyte line passing proves the decoder drops bytes as they come.
        let chunk = String(repeating: "a", count: 4_096)
        let channel = try channel(limit: 1_024, maximumBufferSize: 1_024 + 2 * chunk.utf8.count)
        for _ in 0..<256 { try send(chunk, to: channel) }
        try send("\n{\"text\":\"hei\"}\n", to: channel)
        #expect(try frames(from: channel) == [.tooLong, line(#"{"text":"hei"}"#)])
    }

    @Test func lastLineWithoutNewlineIsDeliveredAtEndOfInput() throws {
        let channel = try channel()
        try send("first\nlast", to: channel)
        #expect(try frames(from: channel) == [line("first")])
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try frames(from: channel) == [line("last")])
    }

    @Test func lastLineWithCarriageReturnAtEndOfInputIsStripped() throws {
        let channel = try channel()
        try send("last\r", to: channel)
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try frames(from: channel) == [line("last")])
    }

    @Test func overLongLastLineAtEndOfInputIsOnlyReportedOnce() throws {
        let channel = try channel(limit: 16)
        try send(String(repeating: "q", count: 30), to: channel)
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try frames(from: channel) == [.tooLong])
    }

    @Test func invalidUTF8BytesPassThroughUntouched() throws {
        let channel = try channel()
        var buffer = ByteBuffer()
        buffer.writeBytes([0xFF, 0xFE, 0x0A])
        try channel.writeInbound(buffer)
        #expect(try frames(from: channel) == [.line([0xFF, 0xFE])])
    }
}
