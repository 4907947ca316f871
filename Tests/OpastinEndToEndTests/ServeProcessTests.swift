import Foundation
import Testing

/// `opastin serve` as a real process: the ready line, SIGTERM draining, SIGHUP reloading.
@Suite(.serialized) struct ServeProcessTests {
    @Test func readyLineIsTheOnlyStdoutLineAndNamesTheRealPort() throws {
        let server = try ServeProcess.start()
        defer { server.kill() }
        #expect(server.readyLine == "opastin listening on tcp://127.0.0.1:\(server.port)")
        let client = try LineSocket(port: server.port)
        try client.send(#"{"id":1,"text":"Miten pääsen suomen kielen kurssille?"}"# + "\n")
        let reply = try BinaryRunner.object(try #require(try client.readLine()))
        #expect(reply["intent"] as? String == "finnish-courses")
        client.close()
        #expect(try server.terminate() == 0)
        #expect(server.stdout.split(separator: "\n").count == 1)
    }

    @Test func aColdStartBuildsTheEngineInAHelperProcessAndAWarmOneReadsTheCache() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("opastin-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: cache) }
        for start in ["cold", "warm"] {
            let server = try ServeProcess.start(environment: ["OPASTIN_CACHE_DIR": cache.path])
            defer { server.kill() }
            let client = try LineSocket(port: server.port)
            try client.send(#"{"text":"paivakoti"}"# + "\n")
            #expect(try BinaryRunner.object(try #require(try client.readLine()))["intent"] as? String == "daycare")
            client.close()
            // The helper's line comes before the "listening" line in stderr.
            #expect(server.waitForStderr(containing: "listening"))
            #expect(server.stderr.contains("engine built in a helper process") == (start == "cold"), "\(start): \(server.stderr)")
            let files = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasPrefix("engine-") }
            #expect(files.count == 1, "\(start): the child stored the engine once")
            #expect(try server.terminate() == 0)
        }
    }

    @Test func sigtermAnswersEveryRequestAlreadySentThenExitsZero() throws {
        let server = try ServeProcess.start()
        defer { server.kill() }
        let clients = 20, requests = 150
        let texts = ["Var hittar jag svenskakurser?", "kak zapisatsya na kursy finskogo yazyka", "hei", "paivakoti"]
        var sockets: [LineSocket] = []
        for _ in 0..<clients {
            // One round trip first: the server has accepted the connection, not just the kernel.
            let socket = try LineSocket(port: server.port)
            try socket.send(#"{"id":"hello","text":"hei"}"# + "\n")
            #expect(try BinaryRunner.object(try #require(try socket.readLine()))["id"] as? String == "hello")
            sockets.append(socket)
        }
        for (number, socket) in sockets.enumerated() {
            var batch = ""
            for id in 0..<requests { batch += #"{"id":\#(id),"text":"\#(texts[(number + id) % texts.count])"}"# + "\n" }
            try socket.send(batch)
        }
        // Every request is now in the server's socket buffers, most of them unanswered.
        try server.signal(SIGTERM)
        var answered = 0
        for socket in sockets {
            var expected = 0
            while let line = try socket.readLine() {
                let reply = try BinaryRunner.object(line)
                #expect(reply["id"] as? Int == expected)
                #expect(reply["answer"] is String)
                expected += 1
            }
            answered += expected
            socket.close()
        }
        #expect(answered == clients * requests)
        #expect(try server.waitForExit() == 0)
    }

    @Test func sighupWithBrokenKnowledgeKeepsTheOldKnowledgeServing() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("opastin-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["Knowledge", "Locales"] {
            try FileManager.default.copyItem(
                at: BinaryRunner.packageRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
        }
        let server = try ServeProcess.start(["--root", root.path])
        defer { server.kill() }
        let client = try LineSocket(port: server.port)
        let question = #"{"id":1,"text":"Miten pääsen suomen kielen kurssille?"}"# + "\n"
        try client.send(question)
        let before = try BinaryRunner.object(try #require(try client.readLine()))
        #expect(before["intent"] as? String == "finnish-courses")

        let file = root.appendingPathComponent("Knowledge/finnish-courses.yaml")
        let original = try Data(contentsOf: file)
        try Data("id: finnish-courses\nexamples: [unclosed\n".utf8).write(to: file)
        try server.signal(SIGHUP)
        #expect(server.waitForStderr(containing: "knowledge reload failed"))

        // The same connection and a new one still get the old knowledge's answer.
        try client.send(question)
        let after = try BinaryRunner.object(try #require(try client.readLine()))
        #expect(after["intent"] as? String == "finnish-courses")
        #expect(after["answer"] as? String == before["answer"] as? String)
        let second = try LineSocket(port: server.port)
        try second.send(question)
        #expect(try BinaryRunner.object(try #require(try second.readLine()))["intent"] as? String == "finnish-courses")

        // Mended, the next SIGHUP is accepted.
        try original.write(to: file)
        try server.signal(SIGHUP)
        #expect(server.waitForStderr(containing: "knowledge reloaded"))
        try second.send(question)
        #expect(try BinaryRunner.object(try #require(try second.readLine()))["intent"] as? String == "finnish-courses")
        client.close()
        second.close()
        #expect(try server.terminate() == 0)
    }

    @Test func brokenKnowledgeAtStartExitsTwoWithAClearMessage() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("opastin-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Knowledge"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Locales"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let output = try BinaryRunner.run(["serve", "--tcp", "127.0.0.1:0", "--root", root.path])
        #expect(output.status == 2)
        #expect(output.stderr.contains("cannot load the knowledge"))
        #expect(output.stdout.isEmpty)
    }
}

// MARK: - The server process

/// A running `opastin serve`, with its stdout and stderr collected as they come.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let readyLine: String
    let port: Int
    private let output: Collected
    private let errors: Collected

    /// Collects a pipe's bytes on a background thread (unchecked: guarded by the lock).
    final class Collected: @unchecked Sendable {
        private let lock = NSCondition()
        private var data = Data()
        private var ended = false

        init(_ pipe: Pipe) {
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread { [self] in
                while true {
                    let chunk = handle.availableData
                    lock.lock()
                    if chunk.isEmpty { ended = true } else { data.append(chunk) }
                    lock.broadcast()
                    lock.unlock()
                    if chunk.isEmpty { return }
                }
            }
        }

        var text: String {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: data, as: UTF8.self)
        }

        /// Waits until the text satisfies `condition` or the time is up.
        func wait(seconds: Double, until condition: (String) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            lock.lock()
            defer { lock.unlock() }
            while !condition(String(decoding: data, as: UTF8.self)) {
                if ended || !lock.wait(until: deadline) { return condition(String(decoding: data, as: UTF8.self)) }
            }
            return true
        }
    }

    /// - Parameter environment: variables set for the server on top of the test's own.
    static func start(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> ServeProcess {
        try ServeProcess(arguments: ["serve", "--tcp", "127.0.0.1:0"] + arguments, environment: environment)
    }

    private init(arguments: [String], environment: [String: String]) throws {
        process.executableURL = BinaryRunner.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = BinaryRunner.packageRoot
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        output = Collected(stdout)
        errors = Collected(stderr)
        try process.run()
        _ = output.wait(seconds: 30) { $0.contains("\n") }
        readyLine = output.text.split(separator: "\n").first.map(String.init) ?? ""
        guard let portText = readyLine.split(separator: ":").last, let port = Int(portText) else {
            process.terminate()
            throw ServeError.notReady(stdout: output.text, stderr: errors.text)
        }
        self.port = port
    }

    enum ServeError: Error { case notReady(stdout: String, stderr: String), stillRunning }

    var stdout: String { output.text }
    var stderr: String { errors.text }

    func signal(_ number: Int32) throws {
        guard Foundation.kill(process.processIdentifier, number) == 0 else { throw ServeError.stillRunning }
    }

    func waitForStderr(containing text: String, seconds: Double = 20) -> Bool {
        errors.wait(seconds: seconds) { $0.contains(text) }
    }

    /// Waits for the process to end on its own; its exit status.
    func waitForExit(seconds: Double = 30) throws -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            guard Date() < deadline else { throw ServeError.stillRunning }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return process.terminationStatus
    }

    /// SIGTERM, then the exit status.
    func terminate() throws -> Int32 {
        try signal(SIGTERM)
        return try waitForExit()
    }

    /// Ends a server a failed test left running.
    func kill() {
        if process.isRunning { _ = Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}

// MARK: - A plain POSIX client

/// A blocking TCP client on 127.0.0.1 reading `\n`-terminated lines, with a receive timeout so
/// a test never hangs.
final class LineSocket {
    private let descriptor: Int32
    private var pending: [UInt8] = []
    private var closed = false

    enum SocketError: Error { case failed(String, Int32) }

    init(port: Int, timeoutSeconds: Int = 20) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SocketError.failed("socket", errno) }
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
            let error = errno
            Glibc.close(descriptor)
            throw SocketError.failed("connect", error)
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw SocketError.failed("send", errno) }
            sent += count
        }
    }

    /// The next line, or nil at end of file.
    func readLine() throws -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return nil }
            guard count > 0 else { throw SocketError.failed("recv", errno) }
            pending += chunk[..<count]
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }
}
