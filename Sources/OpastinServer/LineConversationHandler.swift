import Logging
import NIOCore
import OpastinChat

/// Answers one line-protocol connection: each `LineFrame` from the decoder gets one reply line
/// from the connection's own `LineConversation` — the same code path as `chat --json`.
///
/// It runs synchronously on the connection's event loop: replies to the lines of one read are
/// written as they are made and flushed once when the read is done, so a pipelining client
/// gets many replies per system call. It also applies backpressure: while the connection is
/// not writable (the client does not read its replies) it does not ask for more input, so the
/// server never buffers an unbounded amount for one client.
final class LineConversationHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = LineFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What every connection of the listener shares: one reference instead of copies of its
    /// fields (a `Logger` alone is tens of bytes) in each of thousands of connections.
    private let settings: ConversationSettings
    /// This connection's own logger (with its peer), only when debug logging is on.
    private let connectionLogger: ConnectionLogger?
    private var generation: Int
    private var conversation: LineConversation
    /// Replies written since the last flush.
    private var unflushed = false
    /// A read was asked for while the connection was not writable; it is issued once it is.
    private var readHeldBack = false

    /// - Parameter connectionLogger: a logger for this connection alone; by default the shared one.
    init(settings: ConversationSettings, connectionLogger: Logger? = nil) {
        self.settings = settings
        self.connectionLogger = connectionLogger.map(ConnectionLogger.init)
        let current = settings.engine.snapshot()
        self.generation = current.generation
        self.conversation = LineConversation(shared: current.shared, sessions: settings.sessions)
    }

    /// - Parameters:
    ///   - logMessages: log every request and reply line (`--log-messages`).
    ///   - logger: the connection's logger.
    convenience init(engine: ReloadableEngine, sessions: SessionStore, maximumLineBytes: Int, logMessages: Bool, logger: Logger) {
        self.init(settings: ConversationSettings(
            engine: engine, sessions: sessions, maximumLineBytes: maximumLineBytes, logMessages: logMessages, logger: logger))
    }

    private var logger: Logger { connectionLogger?.logger ?? settings.logger }

    // MARK: Answering

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if settings.engine.generation != generation {
            // Reloaded knowledge: this line is answered with it. The connection's own session
            // starts over; named sessions live in the shared store and carry on.
            let current = settings.engine.snapshot()
            generation = current.generation
            conversation = LineConversation(shared: current.shared, sessions: settings.sessions)
        }
        var buffer = reply(to: frame, allocator: context.channel.allocator)
        buffer.writeInteger(UInt8(ascii: "\n"))
        context.write(wrapOutboundOut(buffer), promise: nil)
        unflushed = true
    }

    /// The reply line to one frame, without its newline but with room for it.
    ///
    /// The one place a request becomes reply bytes: `LineConversation.replyBytes(to:)` returns
    /// the line's UTF-8, copied here into the connection's buffer.
    private func reply(to frame: LineFrame, allocator: ByteBufferAllocator) -> ByteBuffer {
        let reply: [UInt8]
        switch frame {
        case .line(let bytes): reply = conversation.replyBytes(to: bytes)
        case .tooLong: reply = Array(ProtocolCodec.encode(ProtocolError.lineTooLong(limit: settings.maximumLineBytes)).utf8)
        }
        if settings.logMessages { log(frame, reply: String(decoding: reply, as: UTF8.self)) }
        var buffer = allocator.buffer(capacity: reply.count + 1)
        buffer.writeBytes(reply)
        return buffer
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // One flush for all the replies of this read.
        flushIfNeeded(context: context)
        context.fireChannelReadComplete()
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        guard unflushed else { return }
        unflushed = false
        context.flush()
    }

    // MARK: Backpressure

    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readHeldBack = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            if readHeldBack {
                readHeldBack = false
                context.read()
            }
        } else {
            // Over the high-water mark: get what is written so far moving.
            flushIfNeeded(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: End of the connection

    func channelActive(context: ChannelHandlerContext) {
        logger.debug("connection opened")
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        logger.debug("connection closed")
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? ChannelEvent == .inputClosed {
            // The client shut its sending side (`nc -N`): the decoder has passed on its last
            // line; once every reply has reached the socket, the connection closes.
            let channel = context.channel
            unflushed = false
            context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection ended", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Only with `--log-messages`: the request line and the reply, for staff debugging.
    private func log(_ frame: LineFrame, reply: String) {
        let request: String
        switch frame {
        case .line(let bytes): request = String(decoding: bytes.prefix(2_000), as: UTF8.self)
        case .tooLong: request = "(line over \(settings.maximumLineBytes) bytes)"
        }
        logger.info("message", metadata: ["request": "\(request)", "reply": "\(reply.prefix(2_000))"])
    }
}

/// A connection's own logger, boxed: most connections have none, and pay one pointer for it.
private final class ConnectionLogger {
    let logger: Logger

    init(_ logger: Logger) {
        self.logger = logger
    }
}
