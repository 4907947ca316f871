import NIOCore

/// Lets a connection finish its work on graceful shutdown instead of being cut.
///
/// It sits between the line decoder and the connection's async stream and counts lines in
/// and replies out. On `ChannelShouldQuiesceEvent` (sent by NIOExtras' `ServerQuiescingHelper`
/// when the server stops) it keeps the connection open until every line received has been
/// answered and no new line has arrived for a short quiet period — so requests a client sent
/// just before the signal, still in the socket buffer, are answered too — then flushes and
/// closes. A deadline bounds the wait for clients that keep sending or never read.
final class ConnectionDrain: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = LineFrame
    typealias InboundOut = LineFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How long no new line may arrive before a draining connection counts as finished.
    private let quietPeriod: TimeAmount
    /// The longest a draining connection is kept open.
    private let deadline: TimeAmount
    private var received = 0
    private var answered = 0
    private var lastReceived = NIODeadline.now()
    private var draining = false
    private var closing = false
    private var checkTask: Scheduled<Void>?
    private var deadlineTask: Scheduled<Void>?

    init(quietPeriod: TimeAmount = .milliseconds(50), deadline: TimeAmount) {
        self.quietPeriod = quietPeriod
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += 1
        if draining { lastReceived = .now() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Empty writes are flush markers (see `close`), not replies.
        if unwrapOutboundIn(data).readableBytes > 0 { answered += 1 }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard !draining else { return }
        draining = true
        lastReceived = .now()
        let loop = context.eventLoop.assumeIsolated()
        deadlineTask = loop.scheduleTask(in: deadline) { [self] in
            // Past the deadline replies may be stuck behind a client that does not read.
            closing = true
            checkTask?.cancel()
            context.close(promise: nil)
        }
        scheduleCheck(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        checkTask?.cancel()
        deadlineTask?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        checkTask?.cancel()
        deadlineTask?.cancel()
        context.fireChannelInactive()
    }

    private func scheduleCheck(context: ChannelHandlerContext) {
        checkTask = context.eventLoop.assumeIsolated().scheduleTask(in: quietPeriod) { [self] in
            if received == answered, NIODeadline.now() - lastReceived >= quietPeriod {
                close(context: context)
            } else {
                scheduleCheck(context: context)
            }
        }
    }

    /// Closes once every reply written so far has reached the socket: an empty write
    /// completes only after the writes queued before it.
    private func close(context: ChannelHandlerContext) {
        guard !closing else { return }
        closing = true
        checkTask?.cancel()
        deadlineTask?.cancel()
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
