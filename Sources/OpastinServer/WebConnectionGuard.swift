import NIOCore
import NIOExtras

/// First handler of every web connection: closes it when it was idle for the idle timeout,
/// and makes sure it closes soon after graceful shutdown begins (the HTTP and WebSocket
/// handlers close it themselves first, politely; this is the backstop).
final class WebConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// How long a connection may stay open after graceful shutdown began.
    static let shutdownGrace = TimeAmount.seconds(2)

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case IdleStateHandler.IdleStateEvent.read:
            context.close(promise: nil)
        case is ChannelShouldQuiesceEvent:
            let channel = context.channel
            channel.eventLoop.scheduleTask(in: Self.shutdownGrace) { channel.close(promise: nil) }
            context.fireUserInboundEventTriggered(event)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.fireErrorCaught(error)
    }
}
