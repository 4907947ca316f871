internal import Foundation

/// `chat --json`: the socket protocol over stdin/stdout, one reply line per request line.
public struct JSONLinesChat: Sendable {
    private let engine: ChatEngine
    private let staff: Bool
    /// Longest request line accepted, in bytes (as on the socket).
    public static let maximumLineBytes = 64 * 1024

    public init(engine: ChatEngine, staff: Bool) {
        self.engine = engine
        self.staff = staff
    }

    /// Reads until end of input. Lines are read as raw bytes so invalid UTF-8 gets its own error.
    public func run() {
        var conversation = LineConversation(engine: engine, sessions: SessionStore())
        conversation.includeDiagnostics = staff
        let reader = LineReader(fileDescriptor: STDIN_FILENO, maximumLineBytes: Self.maximumLineBytes)
        while let line = reader.next() {
            let reply: String
            switch line {
            case .line(let bytes): reply = conversation.handle(line: bytes)
            case .tooLong: reply = ProtocolCodec.encode(ProtocolError.lineTooLong(limit: Self.maximumLineBytes))
            }
            FileHandle.standardOutput.write(Data((reply + "\n").utf8))
        }
    }
}

/// Reads `\n`-terminated lines from a file descriptor, refusing (and skipping) lines over a limit.
final class LineReader {
    enum Line { case line([UInt8]), tooLong }

    private let fileDescriptor: Int32
    private let maximumLineBytes: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false

    init(fileDescriptor: Int32, maximumLineBytes: Int) {
        self.fileDescriptor = fileDescriptor
        self.maximumLineBytes = maximumLineBytes
    }

    func next() -> Line? {
        var line: [UInt8] = []
        var overflowed = false
        while true {
            if position >= buffer.count {
                if atEnd || !fill() {
                    if line.isEmpty && !overflowed { return nil }
                    return overflowed ? .tooLong : .line(stripCarriageReturn(line))
                }
            }
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                if !overflowed { line += buffer[position..<newline] }
                position = newline + 1
                if overflowed || line.count > maximumLineBytes { return .tooLong }
                return .line(stripCarriageReturn(line))
            }
            if !overflowed { line += buffer[position...] }
            position = buffer.count
            if line.count > maximumLineBytes {
                overflowed = true
                line = []
            }
        }
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, 65_536) }
        guard count > 0 else {
            atEnd = true
            return false
        }
        buffer = Array(chunk[..<count])
        position = 0
        return true
    }

    private func stripCarriageReturn(_ line: [UInt8]) -> [UInt8] {
        line.last == UInt8(ascii: "\r") ? Array(line.dropLast()) : line
    }
}
