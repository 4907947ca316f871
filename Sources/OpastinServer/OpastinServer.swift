import Foundation
public import Logging
public import NIOCore
import NIOExtras
import NIOPosix
import OpastinChat
public import ServiceLifecycle
import Synchronization

/// The socket server: the line protocol (docs/protocol.md) over TCP and, optionally, a Unix
/// domain socket, one `LineConversation` per connection — the same code path as `chat --json`.
///
/// Run it in a `ServiceGroup`: on graceful shutdown (SIGTERM, SIGINT) it stops accepting,
/// answers every line already received, closes the connections and returns.
public struct OpastinServer: Service {
    /// How much one read of a connection may deliver: it bounds the lines answered in one go
    /// before the event loop serves other connections, and starts small, since most
    /// connections send one short line at a time and each keeps its last receive buffer.
    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 128, maximum: 16 * 1_024)

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
        let idleSweepers = configuration.idleTimeout.map { IdleSweepers(timeout: TimeAmount($0), group: eventLoopGroup) }
        defer { idleSweepers?.stop() }
        let trimmer = MemoryTrimmer(limit: limit, eventLoop: eventLoopGroup.next())
        defer { trimmer.stop() }
        let connections = Connections(
            limit: limit, idleSweepers: idleSweepers,
            settings: ConversationSettings(
                engine: engine, sessions: sessions, maximumLineBytes: configuration.maximumLineBytes,
                logMessages: configuration.logMessages, logger: logger),
            drainTiming: DrainTiming(deadline: TimeAmount(configuration.drainTimeout)))
        var listeners = [try await bindTCP(connections)]
        guard let address = listeners[0].channel.localAddress, let port = address.port else {
            await listeners[0].stop()
            throw ServerError.noLocalAddress
        }
        if let path = configuration.unixSocketPath {
            do {
                listeners.append(try await bindUnix(path: path, connections))
            } catch {
                await listeners[0].stop()
                throw error
            }
        }
        defer {
            if let path = configuration.unixSocketPath { UnixSocketFile.remove(path) }
        }
        let web: WebServer.Listener?
        do {
            web = try await configuration.webHost.asyncMap {
                try await bindWeb(host: $0, limit: limit, settings: connections.settings)
            }
        } catch {
            for listener in listeners { await listener.stop() }
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

        // Completed once the web listener and all its connections have closed.
        let webStopped = web?.channel.eventLoop.makePromise(of: Void.self)
        let logger = logger
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                for listener in listeners { await listener.stopped() }
                if let webStopped { try? await webStopped.futureResult.get() }
            } onGracefulShutdown: { [listeners] in
                logger.info("shutting down: no new connections; answering the lines already received")
                web?.quiescing.initiateShutdown(promise: webStopped)
                for listener in listeners { listener.initiateShutdown() }
            }
        } onCancel: { [listeners] in
            web?.quiescing.initiateShutdown(promise: webStopped)
            for listener in listeners { listener.initiateShutdown() }
        }
        logger.info("stopped")
    }

    // MARK: Listening

    private func bindTCP(_ connections: Connections) async throws -> LineListener {
        let quiescing = ServerQuiescingHelper(group: eventLoopGroup)
        let channel = try await bootstrap(quiescing: quiescing, connections)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: configuration.host, port: configuration.port)
            .get()
        return LineListener(channel: channel, quiescing: quiescing)
    }

    private func bindUnix(path: String, _ connections: Connections) async throws -> LineListener {
        guard !UnixSocketFile.isServed(path) else { throw ServerError.unixSocketInUse(path: path) }
        let quiescing = ServerQuiescingHelper(group: eventLoopGroup)
        let channel = try await bootstrap(quiescing: quiescing, connections)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true)
            .get()
        return LineListener(channel: channel, quiescing: quiescing)
    }

    /// The web widget's listener: HTTP for its files, WebSocket at `/ws` (see `WebServer`).
    private func bindWeb(host: String, limit: ConnectionLimit, settings: ConversationSettings) async throws -> WebServer.Listener {
        let server = WebServer(
            host: host, port: configuration.webPort,
            files: WebStaticFiles(folder: URL(fileURLWithPath: configuration.webFolder, isDirectory: true)),
            settings: settings, idleTimeout: configuration.idleTimeout)
        return try await server.bind(group: eventLoopGroup, limit: limit)
    }

    private func bootstrap(quiescing: ServerQuiescingHelper, _ connections: Connections) -> ServerBootstrap {
        let server = self
        return ServerBootstrap(group: eventLoopGroup)
            // A deep backlog: thousands of clients may connect in the same moment.
            .serverChannelOption(.backlog, value: 4096)
            // Connections are served on the event loops, which may be busy answering: accept a
            // whole burst per wake-up (NIO's default is 4), or clients wait long to be accepted.
            .serverChannelOption(.maxMessagesPerRead, value: 256)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            // A client may send its lines and shut down its side; it still gets every reply.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.recvAllocator, value: Self.receiveBuffers)
            // One read per wake-up: a pipelining client gets at most one buffer of lines answered
            // before the other connections of the event loop get their turn.
            .childChannelOption(.maxMessagesPerRead, value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try server.initialize(channel, connections) }
            }
    }

    // MARK: Connections

    /// Sets up a new connection's pipeline, or refuses it when the limit is reached.
    /// Runs on the connection's event loop.
    ///
    /// Line decoder → `ConnectionLifecycle` (drain and idle rules) → `LineConversationHandler`
    /// (answers, flushes once per read, backpressure).
    private func initialize(_ channel: any Channel, _ connections: Connections) throws {
        let pipeline = channel.pipeline.syncOperations
        let limit = connections.limit
        guard limit.acquire() else {
            logger.warning("connection refused: the connection limit is reached")
            try pipeline.addHandler(ConnectionRefusal(maximum: limit.maximum))
            return
        }
        do {
            try pipeline.addHandler(LineFramer(maximumLineBytes: configuration.maximumLineBytes))
            // From here the lifecycle handler gives the place back when the connection ends (a
            // handler field, where a close-future callback cost a closure and a list per connection).
            try pipeline.addHandler(ConnectionLifecycle(
                timing: connections.drainTiming, idleSweeper: connections.idleSweepers?.sweeper(for: channel.eventLoop),
                place: limit))
        } catch {
            limit.release()
            throw error
        }
        var connectionLogger: Logger?
        if logger.logLevel <= .debug {
            // Only when it is logged: formatting the peer for every connection costs memory.
            connectionLogger = logger
            connectionLogger?[metadataKey: "peer"] = "\(channel.remoteAddress.map { "\($0)" } ?? "unix")"
        }
        try pipeline.addHandler(LineConversationHandler(settings: connections.settings, connectionLogger: connectionLogger))
    }
}

/// What every line-protocol connection shares: the connection limit and the idle sweepers.
private struct Connections: Sendable {
    let limit: ConnectionLimit
    /// Nil without an idle timeout.
    let idleSweepers: IdleSweepers?
    /// What each connection's handlers share, made once rather than per connection.
    let settings: ConversationSettings
    let drainTiming: DrainTiming
}

/// A bound line-protocol listener (TCP or Unix) and what stops it.
private final class LineListener: Sendable {
    let channel: any Channel
    private let quiescing: ServerQuiescingHelper
    /// Completed once the listener and every connection it accepted have closed.
    private let allClosed: EventLoopPromise<Void>
    private let shutdownInitiated = Atomic<Bool>(false)

    init(channel: any Channel, quiescing: ServerQuiescingHelper) {
        self.channel = channel
        self.quiescing = quiescing
        self.allClosed = channel.eventLoop.makePromise()
        // A listener closing on its own (an error) ends the server's wait as well.
        channel.closeFuture.whenComplete { [self] _ in initiateShutdown() }
    }

    /// Stops accepting and tells every open connection to finish (`ChannelShouldQuiesceEvent`).
    /// Safe to call more than once.
    func initiateShutdown() {
        guard !shutdownInitiated.exchange(true, ordering: .acquiringAndReleasing) else { return }
        quiescing.initiateShutdown(promise: allClosed)
    }

    /// Returns once the listener and all its connections have closed.
    func stopped() async {
        try? await allClosed.futureResult.get()
    }

    /// Shuts down and waits for it.
    func stop() async {
        initiateShutdown()
        await stopped()
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
