import Foundation
import Logging
import NIOCore
import NIOPosix
import OpastinChat
import OpastinServer
import ServiceLifecycle
import Testing

/// The suites that run real servers, one at a time: they measure time (idle timeout, drain)
/// and one of them loads the CPU with a hundred clients, so running them side by side would
/// make the timing ones flaky on a two-core machine.
@Suite(.serialized) enum ServerSuites {}

/// The bundled knowledge, built once per test process.
enum TestKnowledge {
    /// The package root: three levels up from this file.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static let built = Result { try OpastinSetup.buildEngine(root: packageRoot) }

    static func engine() throws -> ChatEngine { try built.get() }
}

/// An in-process server on 127.0.0.1 port 0 (and optionally a Unix socket), run in a
/// `ServiceGroup` as `opastin serve` runs it.
struct TestServer {
    let addresses: ListeningAddresses
    let engine: ReloadableEngine
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    static let quietLogger = Logger(label: "opastin.test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func start(
        _ configure: (inout ServerConfiguration) -> Void = { _ in }, unixSocket: Bool = false
    ) async throws -> TestServer {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        if unixSocket { configuration.unixSocketPath = temporarySocketPath() }
        configure(&configuration)
        let engine = ReloadableEngine(try TestKnowledge.engine())
        let (ready, readyContinuation) = AsyncStream.makeStream(of: ListeningAddresses.self)
        let server = OpastinServer(configuration: configuration, engine: engine, logger: quietLogger) { addresses in
            readyContinuation.yield(addresses)
            readyContinuation.finish()
        }
        let group = ServiceGroup(services: [server], logger: quietLogger)
        let running = Task { try await group.run() }
        var iterator = ready.makeAsyncIterator()
        guard let addresses = await iterator.next() else {
            try await running.value
            throw TestFailure("the server stopped before listening")
        }
        return TestServer(addresses: addresses, engine: engine, group: group, running: running)
    }

    /// Graceful shutdown, as on SIGTERM; returns when the server has stopped.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// Runs `body` against a fresh server and always stops it.
    static func with<T: Sendable>(
        _ configure: (inout ServerConfiguration) -> Void = { _ in }, unixSocket: Bool = false,
        _ body: (TestServer) async throws -> T
    ) async throws -> T {
        let server = try await start(configure, unixSocket: unixSocket)
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    private static func temporarySocketPath() -> String {
        // Unix socket paths are limited to about 100 bytes: keep it short.
        "/tmp/opastin-test-\(getpid())-\(UUID().uuidString.prefix(8)).sock"
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A protocol client over a real socket (NIO `ClientBootstrap`), reading reply lines.
struct TestClient: Sendable {
    typealias Channel = NIOAsyncChannel<LineFrame, ByteBuffer>
    let channel: Channel

    static func connect(to server: TestServer) async throws -> TestClient {
        try await connect(port: server.addresses.port)
    }

    static func connect(port: Int) async throws -> TestClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in initialize(channel) }
        return TestClient(channel: channel)
    }

    static func connect(unixSocketPath: String) async throws -> TestClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: unixSocketPath) { channel in initialize(channel) }
        return TestClient(channel: channel)
    }

    private static func initialize(_ channel: any NIOCore.Channel) -> EventLoopFuture<Channel> {
        channel.eventLoop.makeCompletedFuture {
            // Replies can be long; the client side has no reason to limit them.
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: 1 << 24)))
            return try Channel(
                wrappingChannelSynchronously: channel,
                configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    /// Talks over the connection, then closes it.
    func session<T: Sendable>(_ body: (inout Conversation) async throws -> T) async throws -> T {
        try await channel.executeThenClose { inbound, outbound in
            var conversation = Conversation(replies: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&conversation)
        }
    }

    /// One side of a connection: send raw bytes or lines, read reply lines.
    struct Conversation {
        var replies: NIOAsyncChannelInboundStream<LineFrame>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        func send(bytes: [UInt8]) async throws {
            try await outbound.write(ByteBuffer(bytes: bytes))
        }

        func send(_ line: String) async throws {
            try await outbound.write(ByteBuffer(string: line + "\n"))
        }

        /// Shuts the client's sending side, as `nc -N` does at the end of its input.
        func finishSending() {
            outbound.finish()
        }

        /// The next reply line as text, or nil when the server closed the connection.
        mutating func nextLine() async throws -> String? {
            guard let frame = try await replies.next() else { return nil }
            guard case .line(let bytes) = frame else { throw TestFailure("reply line too long") }
            return String(decoding: bytes, as: UTF8.self)
        }

        /// The next reply as a JSON object.
        mutating func next() async throws -> [String: Any] {
            guard let line = try await nextLine() else { throw TestFailure("the server closed the connection") }
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestFailure("reply is not a JSON object: \(line)")
            }
            return object
        }

        /// Sends one request and reads its reply.
        mutating func ask(_ line: String) async throws -> [String: Any] {
            try await send(line)
            return try await next()
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The `error.code` of an error reply.
    var errorCode: String? { (self["error"] as? [String: Any])?["code"] as? String }
}

/// Fails a test that takes longer than `seconds` instead of hanging the suite.
func withDeadline<T: Sendable>(
    seconds: Double = 20, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
            throw TestFailure("timed out after \(seconds) s")
        }
        return result
    }
}

/// JSON text for a request, escaping as needed.
func request(_ fields: [String: Any]) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}
