import NIOCore

/// Splits a connection's bytes into `LineFrame`s with a `LineFrameDecoder`: what NIO's
/// `ByteToMessageHandler` does, for this one decoder, with less memory per connection.
///
/// Between reads it holds nothing when the last read ended with a complete line (the common
/// case), and only the bytes of the unfinished line otherwise, copied out of the receive buffer
/// so that buffer can be reused for the next read. `ByteToMessageHandler` keeps a buffer queue
/// and an empty buffer per connection: about 500 bytes more, 5 MB for 10,000 connections.
final class LineFramer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = LineFrame

    private var decoder: LineFrameDecoder
    /// The start of a line still arriving; nil when there is none.
    private var unfinished: ByteBuffer?

    init(maximumLineBytes: Int) {
        decoder = LineFrameDecoder(maximumLineBytes: maximumLineBytes)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if var buffer = unfinished.take() {
            buffer.writeBuffer(&bytes)
            decode(&buffer, context: context, atEnd: false)
        } else {
            decode(&bytes, context: context, atEnd: false)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? ChannelEvent == .inputClosed, var buffer = unfinished.take() {
            // The client finished sending: a last line without its newline still counts.
            decode(&buffer, context: context, atEnd: true)
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Passes on every complete line of `buffer` and keeps the rest.
    private func decode(_ buffer: inout ByteBuffer, context: ChannelHandlerContext, atEnd: Bool) {
        do {
            while try decoder.decode(context: context, buffer: &buffer) == .continue {}
            if atEnd { _ = try decoder.decodeLast(context: context, buffer: &buffer, seenEOF: true) }
        } catch {
            context.fireErrorCaught(error)
            return
        }
        guard buffer.readableBytes > 0 else { return }
        var rest = context.channel.allocator.buffer(capacity: buffer.readableBytes)
        rest.writeBuffer(&buffer)
        unfinished = rest
    }
}
