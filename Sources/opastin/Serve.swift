import ArgumentParser
import Foundation
import Logging
import OpastinChat
import OpastinServer
import ServiceLifecycle
import UnixSignals

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the line protocol (docs/protocol.md) over TCP and, optionally, a Unix socket.",
        discussion: """
            Prints one line on stdout once it accepts connections: `opastin listening on tcp://HOST:PORT` \
            (plus ` unix://PATH`, and ` web=http://HOST:PORT` with --web: the chat widget's page and its \
            WebSocket at /ws). SIGTERM or SIGINT: stop accepting, answer the lines already \
            received, exit 0. SIGHUP: reload Knowledge/ and Locales/; a broken edit is logged and \
            the old knowledge keeps serving. Needs `ulimit -n` above --max-connections; the soft \
            limit is raised to the hard limit at start.
            """)

    @OptionGroup var knowledge: KnowledgeOptions

    @Option(help: "TCP address to listen on, HOST:PORT (port 0: any free port, shown in the ready line).")
    var tcp = "127.0.0.1:7700"

    @Option(help: "Also listen on this Unix domain socket (a stale socket file there is replaced).")
    var unix: String?

    @Option(help: "Also serve the web chat widget (HTTP, WebSocket at /ws) on HOST:PORT, e.g. 127.0.0.1:7701 (port 0: any free port, shown in the ready line as web=http://HOST:PORT).")
    var web: String?

    @Option(help: "Most connections at once; one more gets a too_many_connections error line.")
    var maxConnections = 10_000

    @Option(help: "Seconds a connection may send nothing before it is closed (0 = never).")
    var idleTimeout = 300

    @Option(help: "Most named sessions (the request's \"session\") remembered at once.")
    var maxSessions = 10_000

    @Flag(help: "Log every request and reply line. Without it, message text is never logged.")
    var logMessages = false

    func validate() throws {
        _ = try Self.parseAddress(tcp)
        if let web { _ = try Self.parseAddress(web, option: "--web") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be at least 1") }
        guard idleTimeout >= 0 else { throw ValidationError("--idle-timeout must be 0 (never) or more seconds") }
        guard maxSessions > 0 else { throw ValidationError("--max-sessions must be at least 1") }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "opastin.serve")
        let (host, port) = try Self.parseAddress(tcp)
        let webAddress = try web.map { try Self.parseAddress($0, option: "--web") }

        // Two event-loop threads serve everything: more malloc arenas only hold freed memory.
        Malloc.limitArenas(to: 2)
        let openFiles = OpenFileLimit.raiseToHardLimit()
        if openFiles < maxConnections + 100 {
            logger.warning("the open-file limit is below --max-connections; raise it with `ulimit -n`", metadata: [
                "limit": "\(openFiles)", "max-connections": "\(maxConnections)",
            ])
        }

        let root = OpastinSetup.resolveRoot(knowledge.root)
        // A cold start or a reload of edited knowledge builds the engine in a child process,
        // so the server's heap never holds the build's garbage.
        let helper = EngineBuildHelper(executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(), logger: logger)
        let engine: ReloadableEngine
        do {
            helper.prepareCache(root: root)
            engine = ReloadableEngine(try OpastinSetup.buildEngine(root: root), prepare: { helper.prepareCache(root: $0) })
            Malloc.releaseFreeMemory()
        } catch {
            FileHandle.standardError.write(Data("opastin: cannot load the knowledge:\n\(error)\n".utf8))
            throw ExitCode(2)
        }

        let configuration = ServerConfiguration(
            host: host, port: port, unixSocketPath: unix, maximumConnections: maxConnections,
            idleTimeout: idleTimeout > 0 ? .seconds(idleTimeout) : nil, maximumSessions: maxSessions,
            logMessages: logMessages, webHost: webAddress?.host, webPort: webAddress?.port ?? 7701,
            webFolder: root.appendingPathComponent("Web", isDirectory: true).path)
        let reloader = KnowledgeReloader(engine: engine, root: root, logger: logger)
        let server = OpastinServer(configuration: configuration, engine: engine, logger: logger) { addresses in
            FileHandle.standardOutput.write(Data((addresses.readyLine + "\n").utf8))
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: [server, reloader], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.drainTimeout + .seconds(5)
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch {
            FileHandle.standardError.write(Data("opastin: cannot serve: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Splits `HOST:PORT` (IPv6 as `[::1]:7700`).
    static func parseAddress(_ address: String, option: String = "--tcp") throws -> (host: String, port: Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (0...65_535).contains(port)
        else {
            throw ValidationError("\(option) must be HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:7700")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("\(option) needs a host, e.g. 127.0.0.1:7700 or 0.0.0.0:7700") }
        return (host, port)
    }
}
