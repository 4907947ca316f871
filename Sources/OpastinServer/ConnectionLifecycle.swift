import NIOCore

/// Decides when a connection closes, so that no reply a client is owed is lost: after the
/// idle timeout only when nothing is owed, and on graceful shutdown only after every line
/// received has been answered.
///
/// It sits between the line decoder and `LineConversationHandler` and counts lines in and
/// replies out.
///
/// - Idle: the event loop's `IdleSweeper` reports that nothing was read for the idle timeout
///   (any bytes count, also part of a line). A client waiting for replies is not idle, so the
///   report is ignored while replies are owed (it comes again one timeout later).
/// - Graceful shutdown: on `ChannelShouldQuiesceEvent` (from NIOExtras' `ServerQuiescingHelper`)
///   the connection stays open until every line received has been answered, the connection is
///   writable (while it is not, nothing is read: see `LineConversationHandler`) and nothing was
///   read between two checks a short quiet period apart — so lines a client sent just before
///   the signal, still in the socket buffer, are answered too. Then the replies are flushed and the server shuts its
///   sending side (the client reads every reply, then end of file); the connection closes when
///   the client closes or after a linger time. A deadline bounds the whole drain for clients
///   that keep sending or never read.
final class ConnectionLifecycle: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = LineFrame
    typealias InboundOut = LineFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The drain's timings, shared by every connection of a listener.
    private let timing: DrainTiming
    private var received = 0
    private var answered = 0
    /// While draining: whether bytes were read since the last check. Not a clock: an event
    /// loop busy answering may take longer than the quiet period to come back to a connection
    /// whose next lines already wait in its socket buffer; a check always runs one loop
    /// iteration (one round of reads) after the previous one.
    private var readSinceCheck = false
    private var finishing = false
    /// The drain's timers, made only once the connection drains: most connections never do.
    private var drain: DrainTimers?
    /// Watches for the idle timeout; nil: no idle timeout.
    private let idleSweeper: IdleSweeper?
    /// When bytes last arrived (or the connection opened); read by the idle sweeper.
    private(set) var lastActivity = NIODeadline.now()
    /// Set while the handler is in a pipeline, for the idle sweeper's report.
    private var context: ChannelHandlerContext?

    /// The limit this connection holds a place under, given back when the handler leaves the
    /// pipeline (which NIO does once, when the connection closes).
    private let place: ConnectionLimit

    init(timing: DrainTiming, idleSweeper: IdleSweeper?, place: ConnectionLimit) {
        self.timing = timing
        self.idleSweeper = idleSweeper
        self.place = place
    }

    /// Whether every line received so far has been answered.
    private var nothingOwed: Bool { received == answered }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += 1
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // After every read from the socket, also of part of a line.
        lastActivity = .now()
        readSinceCheck = true
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Empty writes are flush markers (see `finish`), not replies.
        if unwrapOutboundIn(data).readableBytes > 0 { answered += 1 }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            startDraining(context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// From the idle sweeper: nothing was read for the idle timeout.
    func idleTimeoutReached(now: NIODeadline) {
        if nothingOwed {
            context?.close(promise: nil)
        } else {
            // Waiting for its replies is not idle: look again one timeout later.
            lastActivity = now
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        lastActivity = .now()
        idleSweeper?.add(self)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // Reading resumes now: give the lines still in the socket buffer a quiet period to come.
        if context.channel.isWritable { readSinceCheck = true }
        context.fireChannelWritabilityChanged()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
        idleSweeper?.remove(self)
        self.context = nil
        place.release()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        idleSweeper?.remove(self)
        context.fireChannelInactive()
    }

    // MARK: Draining

    private func startDraining(context: ChannelHandlerContext) {
        guard drain == nil else { return }
        let drain = DrainTimers()
        self.drain = drain
        readSinceCheck = true
        drain.deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timing.deadline) { [self] in
            // Past the deadline replies may be stuck behind a client that does not read.
            finishing = true
            drain.check?.cancel()
            context.close(promise: nil)
        }
        scheduleCheck(context: context, drain: drain)
    }

    private func scheduleCheck(context: ChannelHandlerContext, drain: DrainTimers) {
        drain.check = context.eventLoop.assumeIsolated().scheduleTask(in: timing.quietPeriod) { [self] in
            // While the connection is not writable the server reads nothing (backpressure):
            // lines may still wait in the socket buffer, so it is not finished then.
            let quiet = !readSinceCheck
            readSinceCheck = false
            if nothingOwed, context.channel.isWritable, quiet {
                finish(context: context)
            } else {
                scheduleCheck(context: context, drain: drain)
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
        let lingerTime = timing.lingerTime
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: lingerTime) { channel.close(promise: nil) }
        }
    }

    private func cancelTimers() {
        drain?.check?.cancel()
        drain?.deadline?.cancel()
    }
}

/// How a connection drains on graceful shutdown: made once per listener, not per connection.
final class DrainTiming: Sendable {
    /// How long no new bytes may arrive before a draining connection counts as finished.
    let quietPeriod: TimeAmount
    /// After the server shut its sending side, how long the client has to close.
    let lingerTime: TimeAmount
    /// The longest a draining connection is kept open.
    let deadline: TimeAmount

    init(quietPeriod: TimeAmount = .milliseconds(100), lingerTime: TimeAmount = .seconds(2), deadline: TimeAmount) {
        self.quietPeriod = quietPeriod
        self.lingerTime = lingerTime
        self.deadline = deadline
    }
}

/// A draining connection's two timers; touched only on its event loop.
private final class DrainTimers {
    var check: Scheduled<Void>?
    var deadline: Scheduled<Void>?
}
