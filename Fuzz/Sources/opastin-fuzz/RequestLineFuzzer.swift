import Foundation
import OpastinChat

/// The engine and a conversation, built once for the whole run (from the repository's
/// Knowledge/ and Locales/, one folder up, or OPASTIN_ROOT).
nonisolated(unsafe) private var conversation: LineConversation = {
    let root = ProcessInfo.processInfo.environment["OPASTIN_ROOT"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).deletingLastPathComponent()
    do {
        let engine = try OpastinSetup.buildEngine(root: root)
        return LineConversation(engine: engine, sessions: SessionStore(capacity: 64))
    } catch {
        fatalError("cannot build the engine from \(root.path): \(error)")
    }
}()

/// What an input is: with OPASTIN_FUZZ=text, the text of a request (its bytes read as UTF-8,
/// invalid sequences repaired), so that every input reaches the analyzer and the engine; else
/// a whole request line, so that the protocol decoder sees every kind of bad input.
private let inputIsText = ProcessInfo.processInfo.environment["OPASTIN_FUZZ"] == "text"

/// One input is one request line (without its newline), or its text. Every line must get
/// exactly one reply line: a JSON object, with no newline inside it. A crash, a hang or a
/// failed check is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let line: [UInt8]
    if inputIsText {
        let text = String(decoding: bytes, as: UTF8.self)
        line = Array(((try? JSONSerialization.data(withJSONObject: ["text": text, "session": "fuzz"])) ?? Data()))
    } else {
        line = Array(bytes).filter { $0 != UInt8(ascii: "\n") }
    }
    let reply = conversation.replyBytes(to: line)
    precondition(reply.first == UInt8(ascii: "{") && reply.last == UInt8(ascii: "}"), "a reply that is not one JSON object")
    precondition(!reply.contains(UInt8(ascii: "\n")), "a newline inside a reply line")
    precondition((try? JSONSerialization.jsonObject(with: Data(reply))) is [String: Any], "a reply that does not parse")
    return 0
}

/// libFuzzer's driver, which its own `main` would call.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// The entry point: SwiftPM links an executable's `main` to `<module>_main`, which a module
/// parsed as a library (as libFuzzer needs) does not emit; it starts libFuzzer's driver.
@_cdecl("opastin_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzRequestLine(data, size) }
}
