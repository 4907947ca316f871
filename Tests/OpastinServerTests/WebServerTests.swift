import Foundation
import OpastinServer
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ServerSuites {
    /// The web widget's listener: its files over HTTP, and the line protocol over a WebSocket,
    /// spoken by hand over a raw TCP socket.
    @Suite struct WebServerTests {
        static func withWebServer<T: Sendable>(_ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
            try await withDeadline {
                try await TestServer.with({ configuration in
                    configuration.webHost = "127.0.0.1"
                    configuration.webPort = 0
                    configuration.webFolder = TestKnowledge.packageRoot.appendingPathComponent("Web").path
                }) { server in
                    let port = try #require(server.addresses.webPort)
                    #expect(server.addresses.readyLine.hasSuffix(" web=http://127.0.0.1:\(port)"))
                    return try await body(port)
                }
            }
        }

        @Test func rootServesTheWidgetPage() async throws {
            try await Self.withWebServer { port in
                let socket = try RawSocket(port: port)
                try socket.write(Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
                let response = String(decoding: try socket.readToEnd(), as: UTF8.self)
                #expect(response.hasPrefix("HTTP/1.1 200 OK"))
                #expect(response.lowercased().contains("content-type: text/html; charset=utf-8"))
                #expect(response.contains("widget.js"))
                #expect(response.contains("aria-live=\"polite\""))
            }
        }

        @Test func unknownPathsAre404() async throws {
            try await Self.withWebServer { port in
                for path in ["/nope", "/../Package.swift", "/Web/index.html", "/%2e%2e/Package.swift"] {
                    let socket = try RawSocket(port: port)
                    try socket.write(Array("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
                    let response = String(decoding: try socket.readToEnd(), as: UTF8.self)
                    #expect(response.hasPrefix("HTTP/1.1 404"), "\(path)")
                }
            }
        }

        @Test func webSocketConversation() async throws {
            try await Self.withWebServer { port in
                let socket = try RawSocket(port: port)
                try socket.upgradeToWebSocket()
                try socket.sendFrame(opcode: 0x1, Array(#"{"text":"Miten pääsen suomen kielen kurssille?"}"#.utf8))
                let reply = try socket.readJSONFrame()
                #expect(reply["intent"] as? String == "finnish-courses")
                #expect(reply["lang"] as? String == "fi")

                try socket.sendFrame(opcode: 0x1, Array("not json".utf8))
                #expect(try socket.readJSONFrame().errorCode == "invalid_json")

                try socket.sendFrame(opcode: 0x2, [1, 2, 3])
                #expect(try socket.readJSONFrame().errorCode == "binary_frame")

                let long = Array(("{\"text\":\"" + String(repeating: "a", count: 70_000) + "\"}").utf8)
                try socket.sendFrame(opcode: 0x1, long)
                #expect(try socket.readJSONFrame().errorCode == "line_too_long")

                try socket.sendFrame(opcode: 0x9, Array("hi".utf8))
                let pong = try socket.readFrame()
                #expect(pong.opcode == 0xA && pong.payload == Array("hi".utf8))

                // Still open after the errors: another request is answered.
                try socket.sendFrame(opcode: 0x1, Array(#"{"id":2,"text":"hei"}"#.utf8))
                #expect(try socket.readJSONFrame()["id"] as? Int == 2)

                try socket.sendFrame(opcode: 0x8, [0x03, 0xE8])
                let close = try socket.readFrame()
                #expect(close.opcode == 0x8)
            }
        }
    }
}

/// A blocking TCP client with a receive timeout, speaking HTTP and WebSocket frames by hand.
final class RawSocket: @unchecked Sendable {
    private let descriptor: Int32
    private var buffered: [UInt8] = []

    init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw TestFailure("socket() failed") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw TestFailure("connect() failed")
        }
    }

    deinit { close(descriptor) }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { throw TestFailure("send() failed") }
            offset += written
        }
    }

    /// Reads more bytes into the buffer; false at end of file.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw TestFailure("recv() failed or timed out") }
        buffered += chunk.prefix(count)
        return count > 0
    }

    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { buffered = [] }
        return buffered
    }

    private func read(count: Int) throws -> [UInt8] {
        while buffered.count < count {
            guard try fill() else { throw TestFailure("connection closed early") }
        }
        defer { buffered.removeFirst(count) }
        return Array(buffered.prefix(count))
    }

    /// Sends the HTTP upgrade request and reads the 101 response.
    func upgradeToWebSocket() throws {
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        try write(Array(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
        let end = Array("\r\n\r\n".utf8)
        while true {
            if let range = buffered.firstRange(of: end) {
                let head = String(decoding: buffered[..<range.lowerBound], as: UTF8.self)
                buffered.removeFirst(range.upperBound)
                guard head.hasPrefix("HTTP/1.1 101") else { throw TestFailure("no upgrade: \(head)") }
                return
            }
            guard try fill() else { throw TestFailure("closed during the upgrade") }
        }
    }

    /// Sends one final, masked client frame.
    func sendFrame(opcode: UInt8, _ payload: [UInt8]) throws {
        var frame: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            frame += (0..<8).reversed().map { UInt8((UInt64(payload.count) >> (UInt64($0) * 8)) & 0xFF) }
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try write(frame)
    }

    /// Reads one (unmasked, unfragmented) server frame.
    func readFrame() throws -> (opcode: UInt8, payload: [UInt8]) {
        let header = try read(count: 2)
        var length = Int(header[1] & 0x7F)
        if length == 126 {
            length = try read(count: 2).reduce(0) { $0 << 8 | Int($1) }
        } else if length == 127 {
            length = try read(count: 8).reduce(0) { $0 << 8 | Int($1) }
        }
        return (header[0] & 0x0F, try read(count: length))
    }

    /// Reads one text frame holding a JSON object.
    func readJSONFrame() throws -> [String: Any] {
        let frame = try readFrame()
        guard frame.opcode == 0x1 else { throw TestFailure("expected a text frame, got opcode \(frame.opcode)") }
        guard let object = try JSONSerialization.jsonObject(with: Data(frame.payload)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(String(decoding: frame.payload, as: UTF8.self))")
        }
        return object
    }
}
