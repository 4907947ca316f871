/// Where a running server listens, with the real TCP port when port 0 was asked for.
public struct ListeningAddresses: Sendable, Equatable, CustomStringConvertible {
    /// The TCP address bound (an IP address, as the system reports it).
    public let host: String
    /// The TCP port bound.
    public let port: Int
    /// The Unix domain socket, when one is used.
    public let unixSocketPath: String?
    /// The web widget's listener (HTTP and WebSocket), when one is used.
    public let webHost: String?
    /// The web listener's port, when one is used.
    public let webPort: Int?

    public init(host: String, port: Int, unixSocketPath: String?, webHost: String? = nil, webPort: Int? = nil) {
        self.host = host
        self.port = port
        self.unixSocketPath = unixSocketPath
        self.webHost = webHost
        self.webPort = webPort
    }

    /// `http://127.0.0.1:7701`, the web widget's address, when there is a web listener.
    public var webURL: String? {
        guard let webHost, let webPort else { return nil }
        return "http://\(webHost.contains(":") ? "[\(webHost)]" : webHost):\(webPort)"
    }

    /// `tcp://127.0.0.1:7700 unix:///tmp/opastin.sock web=http://127.0.0.1:7701`; IPv6 hosts are bracketed.
    public var description: String {
        let tcpHost = host.contains(":") ? "[\(host)]" : host
        return "tcp://\(tcpHost):\(port)" + (unixSocketPath.map { " unix://\($0)" } ?? "")
            + (webURL.map { " web=\($0)" } ?? "")
    }

    /// The one line `opastin serve` prints on stdout once it accepts connections; scripts
    /// and tests wait for it and read the port from it.
    public var readyLine: String { "opastin listening on \(description)" }
}
