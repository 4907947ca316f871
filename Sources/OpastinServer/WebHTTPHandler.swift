import Logging
import NIOCore
import NIOHTTP1

/// Answers plain HTTP requests on the web listener: GET (or HEAD) of the widget's files,
/// 404 for any other path, 405 for other methods.
final class WebHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let files: WebStaticFiles
    private let logger: Logger
    private var head: HTTPRequestHead?

    init(files: WebStaticFiles, logger: Logger) {
        self.files = files
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break  // Request bodies are not used.
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard head.method == .GET || head.method == .HEAD else {
            send(status: .methodNotAllowed, contentType: "text/plain; charset=utf-8",
                 body: Array("method not allowed\n".utf8), extraHeaders: [("Allow", "GET, HEAD")], head: head, context: context)
            return
        }
        guard let file = WebStaticFiles.route(for: head.uri), let body = files.contents(of: file) else {
            if head.uri.split(separator: "?").first.map(String.init) == WebServer.webSocketPath {
                send(status: .upgradeRequired, contentType: "text/plain; charset=utf-8",
                     body: Array("use a WebSocket here\n".utf8), extraHeaders: [], head: head, context: context)
            } else {
                send(status: .notFound, contentType: "text/plain; charset=utf-8",
                     body: Array("not found\n".utf8), extraHeaders: [], head: head, context: context)
            }
            return
        }
        var extra: [(String, String)] = [("Cache-Control", "no-cache")]
        if file.name == "index.html" {
            extra.append(("Content-Security-Policy",
                          "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'"))
            extra.append(("Referrer-Policy", "no-referrer"))
        }
        send(status: .ok, contentType: file.contentType, body: body, extraHeaders: extra, head: head, context: context)
    }

    private func send(
        status: HTTPResponseStatus, contentType: String, body: [UInt8], extraHeaders: [(String, String)],
        head: HTTPRequestHead, context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        let keepAlive = head.isKeepAlive
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("web connection ended", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
