import NIOCore

/// Decides when a connection closes, so that no reply a client is owed is lost: after the
/// idle timeout only when nothing is owed, and on graceful shutdown only after every line
/// received has been answered.
///
/// It sits between the line decoder and `LineConversationHandler` and counts lines in and
/// replies out.
///
/// - Idle: `IdleStateHandler` reports that nothing was read for the read timeout. A client
///   waiting for replies is not idle, so the event is ignored while replies are owed (the
///   handler reports again one timeout later).
/// - Graceful shutdown: on `ChannelShouldQuiesceEvent` (from NIOExtras' `ServerQuiescingHelper`)
///   the connection stays open until every line received has been answered, the connection is
///   writable (while it is not, nothing is read: see `LineConversationHandler`) and no new line
///   has arrived for a short quiet period — so lines a client sent just before the signal, still
///   in the socket buffer, are answered too. Then the replies are flushed and the server shuts its
///   sending side (the client reads every reply, then end of file); the connection closes when
///   the client closes or after a linger time. A deadline bounds the whole drain for clients
///   that keep sending or never read.
final class ConnectionLifecycle: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = LineFrame
    typealias InboundOut = LineFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How long no new line may arrive before a draining connection counts as finished.
    private let quietPeriod: TimeAmount
    /// After the server shut its sending side, how long the client has to close.
    private let lingerTime: TimeAmount
    /// The longest a draining connection is kept open.
    private let drainDeadline: TimeAmount
    private var received = 0
    private var answered = 0
    private var lastReceived = NIODeadline.now()
    private var draining = false
    private var finishing = false
    private var checkTask: Scheduled<Void>?
    private var deadlineTask: Scheduled<Void>?

    init(
        quietPeriod: TimeAmount = .milliseconds(100), lingerTime: TimeAmount = .seconds(2),
        drainDeadline: TimeAmount
    ) {
        self.quietPeriod = quietPeriod
        self.lingerTime = lingerTime
        self.drainDeadline = drainDeadline
    }

    /// Whether every line received so far has been answered.
    private var nothingOwed: Bool { received == answered }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += 1
        if draining { lastReceived = .now() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Empty writes are flush markers (see `finish`), not replies.
        if unwrapOutboundIn(data).readableBytes > 0 { answered += 1 }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case IdleStateHandler.IdleStateEvent.read:
            if nothingOwed { context.close(promise: nil) }
        case is ChannelShouldQuiesceEvent:
            startDraining(context: context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // Reading resumes now: give the lines still in the socket buffer a quiet period to come.
        if draining, context.channel.isWritable { lastReceived = .now() }
        context.fireChannelWritabilityChanged()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        context.fireChannelInactive()
    }

    // MARK: Draining

    private func startDraining(context: ChannelHandlerContext) {
        guard !draining else { return }
        draining = true
        lastReceived = .now()
        deadlineTask = context.eventLoop.assumeIsolated().scheduleTask(in: drainDeadline) { [self] in
            // Past the deadline replies may be stuck behind a client that does not read.
            finishing = true
            checkTask?.cancel()
            context.close(promise: nil)
        }
        scheduleCheck(context: context)
    }

    private func scheduleCheck(context: ChannelHandlerContext) {
        checkTask = context.eventLoop.assumeIsolated().scheduleTask(in: quietPeriod) { [self] in
            // While the connection is not writable the server reads nothing (backpressure):
            // lines may still wait in the socket buffer, so it is not finished then.
            if nothingOwed, context.channel.isWritable, NIODeadline.now() - lastReceived >= quietPeriod {
                finish(context: context)
            } else {
                scheduleCheck(context: context)
            }
        }
    }

    /// Shuts the sending side once every reply written so far has reached the socket (an empty
    /// write completes only after the writes queued before it). A full close now could reset
    /// the connection and destroy replies the client has not read yet.
    private func finish(context: ChannelHandlerContext) {
        guard !finishing else { return }
        finishing = true
        let channel = context.channel
        let lingerTime = lingerTime
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: lingerTime) { channel.close(promise: nil) }
        }
    }

    private func cancelTimers() {
        checkTask?.cancel()
        deadlineTask?.cancel()
    }
}
