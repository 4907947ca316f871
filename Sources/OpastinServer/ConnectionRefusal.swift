import NIOCore
import OpastinChat

/// Answers a connection over the limit with one `too_many_connections` error line, then
/// closes it: the client learns why, instead of seeing a bare reset.
final class ConnectionRefusal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let maximum: Int
    private var refused = false
    /// How long a refused client may take to close its side before the server closes.
    static let lingerTime = TimeAmount.seconds(1)

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// The error line sent to a refused client (without the newline).
    static func errorLine(maximum: Int) -> String {
        ProtocolCodec.encode(ProtocolError(
            code: "too_many_connections",
            message: "the server is serving its maximum of \(maximum) connections; try again later"))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Whatever the refused client sends is not read.
    }

    private func refuse(context: ChannelHandlerContext) {
        guard !refused else { return }
        refused = true
        let line = Self.errorLine(maximum: maximum) + "\n"
        var buffer = context.channel.allocator.buffer(capacity: line.utf8.count)
        buffer.writeString(line)
        // Half-close after the line and let the client close: closing at once with its
        // request still unread would send a reset, which can destroy the line in transit.
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: Self.lingerTime) { channel.close(promise: nil) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? ChannelEvent == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
