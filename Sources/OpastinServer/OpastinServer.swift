import Foundation
public import Logging
public import NIOCore
import NIOExtras
import NIOPosix
import OpastinChat
public import ServiceLifecycle

/// The socket server: the line protocol (docs/protocol.md) over TCP and, optionally, a Unix
/// domain socket, one `LineConversation` per connection — the same code path as `chat --json`.
///
/// Run it in a `ServiceGroup`: on graceful shutdown (SIGTERM, SIGINT) it stops accepting,
/// answers every line already received, closes the connections and returns.
public struct OpastinServer: Service {
    /// The inbound and outbound types of one connection.
    typealias ConnectionChannel = NIOAsyncChannel<LineFrame, ByteBuffer>

    /// What the accept loop gets for a new connection.
    enum Connection: Sendable {
        case accepted(PendingConnection)
        /// Over the connection limit: it is being told so and closed by `ConnectionRefusal`.
        case refused
    }

    /// A bound listener and what stops it.
    private struct Listener: Sendable {
        let channel: NIOAsyncChannel<Connection, Never>
        let quiescing: ServerQuiescingHelper
    }

    public let configuration: ServerConfiguration
    /// The engine answering requests; reloading it affects every connection from its next line.
    public let engine: ReloadableEngine
    private let sessions: SessionStore
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let onListening: @Sendable (ListeningAddresses) async -> Void

    /// - Parameters:
    ///   - eventLoopGroup: the NIO threads; by default the process-wide singleton.
    ///   - onListening: called once every listener accepts connections, with the real addresses.
    public init(
        configuration: ServerConfiguration,
        engine: ReloadableEngine,
        logger: Logger,
        eventLoopGroup: (any EventLoopGroup)? = nil,
        onListening: @escaping @Sendable (ListeningAddresses) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.engine = engine
        self.sessions = SessionStore(capacity: configuration.maximumSessions, timeToLive: configuration.sessionTimeToLive)
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        self.onListening = onListening
    }

    /// Listens until graceful shutdown, then drains the open connections and returns.
    public func run() async throws {
        let limit = ConnectionLimit(maximum: configuration.maximumConnections)
        var listeners = [try await bindTCP(limit: limit)]
        guard let address = listeners[0].channel.channel.localAddress, let port = address.port else {
            try? await listeners[0].channel.channel.close()
            throw ServerError.noLocalAddress
        }
        if let path = configuration.unixSocketPath {
            do {
                listeners.append(try await bindUnix(path: path, limit: limit))
            } catch {
                try? await listeners[0].channel.channel.close()
                throw error
            }
        }
        defer {
            if let path = configuration.unixSocketPath { UnixSocketFile.remove(path) }
        }
        let web: WebServer.Listener?
        do {
            web = try await configuration.webHost.asyncMap { try await bindWeb(host: $0, limit: limit) }
        } catch {
            for listener in listeners { try? await listener.channel.channel.close() }
            throw error
        }
        let webAddress = web?.channel.localAddress

        let addresses = ListeningAddresses(
            host: address.ipAddress ?? configuration.host, port: port, unixSocketPath: configuration.unixSocketPath,
            webHost: web.map { _ in webAddress?.ipAddress ?? configuration.webHost ?? "" }, webPort: webAddress?.port)
        logger.info("listening", metadata: [
            "address": "\(addresses)", "max-connections": "\(limit.maximum)",
            "idle-timeout": "\(configuration.idleTimeout.map { "\($0)" } ?? "none")",
        ])
        await onListening(addresses)

        let quiescing = listeners.map(\.quiescing)
        // Completed once the web listener and all its connections have closed.
        let webStopped = web?.channel.eventLoop.makePromise(of: Void.self)
        let logger = logger
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    for listener in listeners {
                        group.addTask { await accept(on: listener) }
                    }
                    if let webStopped {
                        group.addTask { try? await webStopped.futureResult.get() }
                    }
                }
            } onGracefulShutdown: {
                logger.info("shutting down: no new connections; answering the lines already received")
                web?.quiescing.initiateShutdown(promise: webStopped)
                for helper in quiescing { helper.initiateShutdown(promise: nil) }
            }
        } onCancel: {
            web?.quiescing.initiateShutdown(promise: webStopped)
        }
        logger.info("stopped")
    }

    // MARK: Listening

    private func bindTCP(limit: ConnectionLimit) async throws -> Listener {
        let quiescing = ServerQuiescingHelper(group: eventLoopGroup)
        let channel = try await bootstrap(quiescing: quiescing)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: configuration.host, port: configuration.port) { child in
                initialize(child, limit: limit)
            }
        return Listener(channel: channel, quiescing: quiescing)
    }

    private func bindUnix(path: String, limit: ConnectionLimit) async throws -> Listener {
        guard !UnixSocketFile.isServed(path) else { throw ServerError.unixSocketInUse(path: path) }
        let quiescing = ServerQuiescingHelper(group: eventLoopGroup)
        let channel = try await bootstrap(quiescing: quiescing)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { child in
                initialize(child, limit: limit)
            }
        return Listener(channel: channel, quiescing: quiescing)
    }

    /// The web widget's listener: HTTP for its files, WebSocket at `/ws` (see `WebServer`).
    private func bindWeb(host: String, limit: ConnectionLimit) async throws -> WebServer.Listener {
        let server = WebServer(
            host: host, port: configuration.webPort,
            files: WebStaticFiles(folder: URL(fileURLWithPath: configuration.webFolder, isDirectory: true)),
            engine: engine, sessions: sessions, maximumLineBytes: configuration.maximumLineBytes,
            idleTimeout: configuration.idleTimeout, logMessages: configuration.logMessages, logger: logger)
        return try await server.bind(group: eventLoopGroup, limit: limit)
    }

    private func bootstrap(quiescing: ServerQuiescingHelper) -> ServerBootstrap {
        ServerBootstrap(group: eventLoopGroup)
            // A deep backlog: thousands of clients may connect in the same moment.
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            // A client may send its lines and shut down its side; it still gets every reply.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
    }

    /// Sets up a new connection's pipeline, or refuses it when the limit is reached.
    /// Runs on the connection's event loop.
    private func initialize(_ channel: any Channel, limit: ConnectionLimit) -> EventLoopFuture<Connection> {
        let configuration = configuration
        return channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            guard limit.acquire() else {
                try pipeline.addHandler(ConnectionRefusal(maximum: limit.maximum))
                return .refused
            }
            channel.closeFuture.whenComplete { _ in limit.release() }
            if let idleTimeout = configuration.idleTimeout {
                // Before the decoder: bytes of a line still arriving count as activity.
                try pipeline.addHandler(IdleStateHandler(readTimeout: TimeAmount(idleTimeout)))
            }
            try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: configuration.maximumLineBytes)))
            try pipeline.addHandler(ConnectionLifecycle(drainDeadline: TimeAmount(configuration.drainTimeout)))
            return .accepted(PendingConnection(try ConnectionChannel(wrappingChannelSynchronously: channel)))
        }
    }

    /// Accepts connections until the listener closes, serving each in its own child task;
    /// returns when every connection it accepted has finished.
    private func accept(on listener: Listener) async {
        await withDiscardingTaskGroup { group in
            do {
                try await listener.channel.executeThenClose { inbound in
                    for try await connection in inbound {
                        guard case .accepted(let pending) = connection, let channel = pending.take() else {
                            logger.warning("connection refused: the connection limit is reached")
                            continue
                        }
                        group.addTask { await serve(channel) }
                    }
                }
            } catch {
                logger.error("accepting connections failed", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: Connections

    /// Answers one connection's lines in order until it closes. Its errors end it alone.
    private func serve(_ connection: ConnectionChannel) async {
        let channel = connection.channel
        var logger = logger
        logger[metadataKey: "peer"] = "\(channel.remoteAddress.map { "\($0)" } ?? "unix")"
        logger.debug("connection opened")
        do {
            try await connection.executeThenClose { inbound, outbound in
                var current = engine.snapshot()
                var conversation = LineConversation(engine: current.engine, sessions: sessions)
                for try await frame in inbound {
                    if engine.generation != current.generation {
                        // Reloaded knowledge: the next line is answered with it. The stream's own
                        // session starts over; named sessions live in the shared store and carry on.
                        current = engine.snapshot()
                        conversation = LineConversation(engine: current.engine, sessions: sessions)
                    }
                    let reply = answer(frame, with: &conversation)
                    if configuration.logMessages { log(frame, reply: reply, logger: logger) }
                    var buffer = channel.allocator.buffer(capacity: reply.utf8.count + 1)
                    buffer.writeString(reply)
                    buffer.writeInteger(UInt8(ascii: "\n"))
                    try await outbound.write(buffer)
                    // A pipelining client would otherwise keep this task busy with its whole
                    // buffer while other connections wait: yield after every reply for fairness.
                    await Task.yield()
                }
                // Closing discards unsent data: wait until every reply has reached the socket.
                try await channel.writeAndFlush(channel.allocator.buffer(capacity: 0))
            }
            logger.debug("connection closed")
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func answer(_ frame: LineFrame, with conversation: inout LineConversation) -> String {
        switch frame {
        case .line(let bytes): conversation.handle(line: bytes)
        case .tooLong: ProtocolCodec.encode(ProtocolError.lineTooLong(limit: configuration.maximumLineBytes))
        }
    }

    /// Only with `logMessages`: the request line and the reply, for staff debugging.
    private func log(_ frame: LineFrame, reply: String, logger: Logger) {
        let request: String
        switch frame {
        case .line(let bytes): request = String(decoding: bytes.prefix(2_000), as: UTF8.self)
        case .tooLong: request = "(line over \(configuration.maximumLineBytes) bytes)"
        }
        logger.info("message", metadata: ["request": "\(request)", "reply": "\(reply.prefix(2_000))"])
    }
}

extension Optional {
    fileprivate func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

extension TimeAmount {
    /// A NIO time amount from a Swift duration, to the nanosecond; durations beyond NIO's
    /// range (about 292 years) are clamped rather than overflowing.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else {
            self = .nanoseconds(seconds < 0 ? .min : .max)
            return
        }
        self = .nanoseconds(nanoseconds.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
    }
}
