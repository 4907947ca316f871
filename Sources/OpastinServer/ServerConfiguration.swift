/// What the socket server listens on and how it treats connections.
public struct ServerConfiguration: Sendable {
    /// TCP host to bind (`127.0.0.1` keeps the server local; `0.0.0.0` or `::` for all interfaces).
    public var host: String
    /// TCP port; 0 lets the system choose (the chosen port is in the ready line).
    public var port: Int
    /// A Unix domain socket to listen on as well; a stale socket file there is replaced.
    public var unixSocketPath: String?
    /// Most connections served at once; one more gets a `too_many_connections` error line.
    public var maximumConnections: Int
    /// A connection that sends nothing for this long is closed; `nil` never closes it.
    public var idleTimeout: Duration?
    /// Most named sessions (`"session"` in requests) remembered at once.
    public var maximumSessions: Int
    /// A named session unused this long is forgotten.
    public var sessionTimeToLive: Duration
    /// Longest request line, in bytes (the protocol says 64 KiB).
    public var maximumLineBytes: Int
    /// On shutdown, the longest the server waits for open connections to finish their lines.
    public var drainTimeout: Duration
    /// Log every request and reply line. Off by default: residents' messages stay out of logs.
    public var logMessages: Bool
    /// Host of the web chat widget's HTTP/WebSocket listener; `nil`: no web listener.
    public var webHost: String?
    /// Port of the web listener; 0 lets the system choose (shown in the ready line).
    public var webPort: Int
    /// The folder holding the widget's files (`index.html`, `widget.js`, …): `Web/` under the
    /// knowledge root.
    public var webFolder: String

    /// A configuration with the protocol's defaults.
    public init(
        host: String = "127.0.0.1",
        port: Int = 7700,
        unixSocketPath: String? = nil,
        maximumConnections: Int = 10_000,
        idleTimeout: Duration? = .seconds(300),
        maximumSessions: Int = 10_000,
        sessionTimeToLive: Duration = .seconds(30 * 60),
        maximumLineBytes: Int = 64 * 1024,
        drainTimeout: Duration = .seconds(10),
        logMessages: Bool = false,
        webHost: String? = nil,
        webPort: Int = 7701,
        webFolder: String = "Web"
    ) {
        self.host = host
        self.port = port
        self.unixSocketPath = unixSocketPath
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
        self.maximumSessions = maximumSessions
        self.sessionTimeToLive = sessionTimeToLive
        self.maximumLineBytes = maximumLineBytes
        self.drainTimeout = drainTimeout
        self.logMessages = logMessages
        self.webHost = webHost
        self.webPort = webPort
        self.webFolder = webFolder
    }
}
