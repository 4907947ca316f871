import Logging
import NIOCore
import NIOExtras
import NIOWebSocket
import OpastinChat

/// One WebSocket connection of the widget: each text message is a request line, answered by
/// the connection's own `LineConversation` with one text frame — the same code path as the
/// line protocol, so one connection is one session unless a request names a session.
final class WebSocketConversationHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let settings: ConversationSettings
    private var generation: Int
    private var conversation: LineConversation

    /// What a fragmented message being received is.
    private enum Fragments {
        case none
        case text([UInt8])
        /// A text message over the limit: the rest of it is dropped, then it is refused once.
        case tooLongText
        case binary
    }
    private var fragments = Fragments.none
    private var closeSent = false

    init(settings: ConversationSettings) {
        self.settings = settings
        let current = settings.engine.snapshot()
        self.generation = current.generation
        self.conversation = LineConversation(shared: current.shared, sessions: settings.sessions)
    }

    private var maximumLineBytes: Int { settings.maximumLineBytes }
    private var logger: Logger { settings.logger }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let bytes = frame.unmaskedData.readableBytesView
            if frame.fin {
                fragments = .none
                answerText(bytes.count > maximumLineBytes ? nil : Array(bytes), context: context)
            } else {
                fragments = bytes.count > maximumLineBytes ? .tooLongText : .text(Array(bytes))
            }
        case .binary:
            fragments = frame.fin ? .none : .binary
            if frame.fin { answerBinary(context: context) }
        case .continuation:
            continueMessage(frame, context: context)
        case .ping:
            guard !closeSent else { return }
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            break
        case .connectionClose:
            receivedClose(frame, context: context)
        default:
            close(context: context, code: .protocolError)
        }
    }

    private func continueMessage(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        let bytes = frame.unmaskedData.readableBytesView
        switch fragments {
        case .none:
            close(context: context, code: .protocolError)
        case .text(var collected):
            if collected.count + bytes.count > maximumLineBytes {
                fragments = .tooLongText
            } else {
                collected.append(contentsOf: bytes)
                fragments = .text(collected)
            }
        case .tooLongText, .binary:
            break
        }
        guard frame.fin else { return }
        let finished = fragments
        fragments = .none
        switch finished {
        case .text(let collected): answerText(collected, context: context)
        case .tooLongText: answerText(nil, context: context)
        case .binary: answerBinary(context: context)
        case .none: break
        }
    }

    /// Answers one complete text message; nil: it was over the line limit.
    private func answerText(_ line: [UInt8]?, context: ChannelHandlerContext) {
        guard !closeSent else { return }
        if settings.engine.generation != generation {
            // Reloaded knowledge, as on the line protocol: the connection's own session starts over.
            let current = settings.engine.snapshot()
            generation = current.generation
            conversation = LineConversation(shared: current.shared, sessions: settings.sessions)
        }
        let reply: String
        if let line {
            reply = conversation.handle(line: line)
        } else {
            reply = ProtocolCodec.encode(ProtocolError.lineTooLong(limit: maximumLineBytes))
        }
        if settings.logMessages {
            let request = line.map { String(decoding: $0.prefix(2_000), as: UTF8.self) } ?? "(message over \(maximumLineBytes) bytes)"
            logger.info("message", metadata: ["request": "\(request)", "reply": "\(reply.prefix(2_000))", "via": "websocket"])
        }
        send(reply, context: context)
    }

    private func answerBinary(context: ChannelHandlerContext) {
        guard !closeSent else { return }
        send(ProtocolCodec.encode(ProtocolError(
            code: "binary_frame", message: "send each request as a text frame holding one JSON object")), context: context)
    }

    private func send(_ text: String, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: buffer)), promise: nil)
    }

    /// The client closes: answer with a close frame (echoing its code), then close.
    private func receivedClose(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        guard !closeSent else {
            context.close(promise: nil)
            return
        }
        closeSent = true
        var data = frame.unmaskedData
        let code = data.readSlice(length: 2) ?? context.channel.allocator.buffer(capacity: 0)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: code)))
            .whenComplete { _ in channel.close(promise: nil) }
    }

    /// The server closes with `code`; the connection closes once the frame is written.
    private func close(context: ChannelHandlerContext, code: WebSocketErrorCode) {
        guard !closeSent else { return }
        closeSent = true
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)))
            .whenComplete { _ in channel.close(promise: nil) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // Graceful shutdown: replies are written as soon as a message is read, so none is owed.
            close(context: context, code: .goingAway)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("websocket connection ended", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
