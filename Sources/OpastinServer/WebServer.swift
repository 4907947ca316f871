import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import OpastinChat

/// The web chat widget's listener (`opastin serve --web HOST:PORT`): HTTP/1.1 serving the
/// widget's files from `Web/` under the knowledge root, and a WebSocket endpoint at `/ws`
/// carrying the line protocol's JSON objects, one per text frame.
///
/// Each connection runs on its own channel pipeline and handles its own errors; a failing
/// connection is closed without affecting the others.
struct WebServer: Sendable {
    /// The path of the WebSocket endpoint.
    static let webSocketPath = "/ws"
    /// The largest WebSocket frame the decoder accepts at all; frames between the line limit
    /// and this get a `line_too_long` error object, larger ones close the connection (1009).
    static let maximumFrameBytes = 1 << 20
    /// The name of the HTTP handler in the pipeline, removed on upgrade.
    static let httpHandlerName = "opastin.web.http"

    let host: String
    let port: Int
    let files: WebStaticFiles
    /// What each WebSocket conversation shares.
    let settings: ConversationSettings
    let idleTimeout: Duration?

    private var logger: Logger { settings.logger }

    /// A bound listener and what stops it.
    struct Listener: Sendable {
        let channel: any Channel
        let quiescing: ServerQuiescingHelper
    }

    /// Binds the listener; connections over `limit` are closed at once.
    func bind(group: any EventLoopGroup, limit: ConnectionLimit) async throws -> Listener {
        let quiescing = ServerQuiescingHelper(group: group)
        let server = self
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try server.initialize(channel, limit: limit)
                }
            }
            .bind(host: host, port: port)
            .get()
        return Listener(channel: channel, quiescing: quiescing)
    }

    /// Sets up a new connection's pipeline. Runs on the connection's event loop.
    private func initialize(_ channel: any Channel, limit: ConnectionLimit) throws {
        guard limit.acquire() else {
            logger.warning("web connection refused: the connection limit is reached")
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { _ in limit.release() }
        let pipeline = channel.pipeline.syncOperations
        if let idleTimeout {
            try pipeline.addHandler(IdleStateHandler(readTimeout: TimeAmount(idleTimeout)))
        }
        try pipeline.addHandler(WebConnectionGuard())

        let settings = settings
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: Self.maximumFrameBytes,
            automaticErrorHandling: true,
            shouldUpgrade: { channel, head in
                let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                return channel.eventLoop.makeSucceededFuture(path == Self.webSocketPath ? HTTPHeaders() : nil)
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    // From now on frames, not HTTP requests, flow: the HTTP handler must go first.
                    let pipeline = channel.pipeline.syncOperations
                    pipeline.removeHandler(context: try pipeline.context(name: Self.httpHandlerName), promise: nil)
                    try pipeline.addHandler(WebSocketConversationHandler(settings: settings))
                }
            })
        try pipeline.configureHTTPServerPipeline(withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
        try pipeline.addHandler(WebHTTPHandler(files: files, logger: logger), name: Self.httpHandlerName)
    }
}
