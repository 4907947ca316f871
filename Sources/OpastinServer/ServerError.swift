/// Why the server could not start, with a stable code like the protocol's errors.
public enum ServerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another server already answers on this Unix socket.
    case unixSocketInUse(path: String)
    /// The TCP listener has no local address after binding (should not happen).
    case noLocalAddress

    public var code: String {
        switch self {
        case .unixSocketInUse: "unix_socket_in_use"
        case .noLocalAddress: "no_local_address"
        }
    }

    public var description: String {
        switch self {
        case .unixSocketInUse(let path): "another server is listening on \(path); stop it or choose another --unix path"
        case .noLocalAddress: "the TCP listener reports no local address"
        }
    }
}
