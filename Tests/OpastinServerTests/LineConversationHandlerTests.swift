import Logging
import NIOCore
import NIOEmbedded
import OpastinChat
@testable import OpastinServer
import Testing

/// `LineConversationHandler` on an `EmbeddedChannel`: replies, one flush per read, and the
/// backpressure that keeps a client who never reads from making the server buffer without end.
@Suite struct LineConversationHandlerTests {
    /// Counts the reads and flushes the handler asks the channel for.
    final class OutboundCounter: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var reads = 0
        var flushes = 0

        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }

        func flush(context: ChannelHandlerContext) {
            flushes += 1
            context.flush()
        }
    }

    private func channel() throws -> (EmbeddedChannel, OutboundCounter) {
        let counter = OutboundCounter()
        let handler = LineConversationHandler(
            engine: ReloadableEngine(try TestKnowledge.engine()), sessions: SessionStore(),
            maximumLineBytes: 64 * 1024, logMessages: false, logger: TestServer.quietLogger)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([counter, handler])
        return (channel, counter)
    }

    @Test func repliesToTheLinesOfOneReadAreFlushedOnce() throws {
        let (channel, counter) = try channel()
        for id in 1...3 {
            // One read's lines: channelRead each, then one channelReadComplete.
            channel.pipeline.fireChannelRead(LineFrame.line(Array(#"{"id":\#(id),"text":"hei"}"#.utf8)))
        }
        #expect(counter.flushes == 0)
        channel.pipeline.fireChannelReadComplete()
        #expect(counter.flushes == 1)
        var replies: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            replies.append(String(buffer: buffer))
        }
        #expect(replies.count == 3)
        #expect(replies.allSatisfy { $0.hasSuffix("}\n") })
        #expect(replies.first?.hasPrefix(#"{"id":1,"#) == true)
    }

    @Test func noReadIsAskedForWhileTheClientDoesNotReadItsReplies() throws {
        let (channel, counter) = try channel()
        channel.read()
        #expect(counter.reads == 1)

        // Over the high-water mark: the client is not reading what it is sent.
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        channel.read()
        channel.read()
        #expect(counter.reads == 1)

        // It reads again: one held-back read goes out, and reading goes on as usual.
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(counter.reads == 2)
        channel.read()
        #expect(counter.reads == 3)
    }
}
