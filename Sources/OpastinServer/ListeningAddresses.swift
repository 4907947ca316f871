/// Where a running server listens, with the real TCP port when port 0 was asked for.
public struct ListeningAddresses: Sendable, Equatable, CustomStringConvertible {
    /// The TCP address bound (an IP address, as the system reports it).
    public let host: String
    /// The TCP port bound.
    public let port: Int
    /// The Unix domain socket, when one is used.
    public let unixSocketPath: String?

    public init(host: String, port: Int, unixSocketPath: String?) {
        self.host = host
        self.port = port
        self.unixSocketPath = unixSocketPath
    }

    /// `tcp://127.0.0.1:7700 unix:///tmp/opastin.sock`; IPv6 hosts are bracketed.
    public var description: String {
        let tcpHost = host.contains(":") ? "[\(host)]" : host
        return "tcp://\(tcpHost):\(port)" + (unixSocketPath.map { " unix://\($0)" } ?? "")
    }

    /// The one line `opastin serve` prints on stdout once it accepts connections; scripts
    /// and tests wait for it and read the port from it.
    public var readyLine: String { "opastin listening on \(description)" }
}
