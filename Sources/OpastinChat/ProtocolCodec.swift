internal import Foundation
internal import OpastinKnowledge
internal import OpastinMatch
internal import OpastinText

/// A protocol error: a line that is not a usable request, with a stable code.
public struct ProtocolError: Error, Equatable, Sendable {
    public let code: String
    public let message: String
    /// The request's id, when it could be read.
    public let id: JSONValue?

    public init(code: String, message: String, id: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.id = id
    }

    public static func lineTooLong(limit: Int) -> ProtocolError {
        ProtocolError(code: "line_too_long", message: "the line is longer than \(limit) bytes; it was discarded")
    }
}

/// The line-delimited JSON protocol (docs/protocol.md): decodes request lines and encodes
/// replies and errors. Shared by `chat --json` and the socket server.
public enum ProtocolCodec {
    /// Decodes one line (without its newline) into a request.
    public static func decode(_ line: [UInt8]) -> Result<ChatRequest, ProtocolError> {
        guard let text = String(validating: line, as: UTF8.self) else {
            return .failure(ProtocolError(code: "invalid_utf8", message: "the line is not valid UTF-8"))
        }
        guard !isBlank(line, text) else {
            return .failure(ProtocolError(code: "empty_line", message: "the line is empty; send one JSON object per line"))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            return .failure(ProtocolError(code: "invalid_json", message: "the line is not valid JSON"))
        }
        guard case .object(let fields) = value else {
            return .failure(ProtocolError(code: "not_an_object", message: "the line must be a JSON object"))
        }
        let id = fields["id"]
        guard let textValue = fields["text"], textValue != .null else {
            return .failure(ProtocolError(code: "missing_text", message: "the request has no `text`", id: id))
        }
        guard case .string(let message) = textValue else {
            return .failure(ProtocolError(code: "invalid_text", message: "`text` must be a string", id: id))
        }
        /// An optional string field; a field of another type is an error.
        func optionalString(_ field: String) throws(ProtocolError) -> String? {
            guard let fieldValue = fields[field], fieldValue != .null else { return nil }
            guard case .string(let string) = fieldValue else {
                throw ProtocolError(code: "invalid_\(field)", message: "`\(field)` must be a string", id: id)
            }
            return string
        }
        do {
            return .success(ChatRequest(
                id: id, session: try optionalString("session"), text: message,
                language: try optionalString("lang"), city: try optionalString("city")))
        } catch {
            return .failure(error)
        }
    }

    /// Whether a line holds only whitespace, decided on its bytes unless its first byte that
    /// is not ASCII whitespace is not ASCII at all (the usual `{` ends it at once).
    private static func isBlank(_ line: [UInt8], _ text: String) -> Bool {
        guard let first = line.first(where: { $0 != 0x20 && !(0x09...0x0D).contains($0) }) else { return true }
        return first >= 0x80 && text.trimmingWhitespace().isEmpty
    }

    /// Encodes a reply as one JSON line (without the newline).
    public static func encode(_ reply: ChatReply, includeDiagnostics: Bool = false) -> String {
        String(decoding: encodedBytes(reply, includeDiagnostics: includeDiagnostics), as: UTF8.self)
    }

    /// The same line as UTF-8 bytes, for a socket: no `String` is made of them.
    public static func encodedBytes(_ reply: ChatReply, includeDiagnostics: Bool = false) -> [UInt8] {
        // Written member by member, in protocol order: building a `JSONValue` tree first (a
        // dictionary per source, its keys sorted) cost more than the writing.
        // Room for the whole line, so the buffer is not copied as it grows.
        var writer = JSONWriter(capacity: estimatedLength(of: reply))
        writer.writeObject { object in
            object.member("id", reply.id ?? .null)
            object.member("session", reply.session.map { .string($0) } ?? .null)
            object.member("lang", .string(reply.language.rawValue))
            object.member("intent", reply.intent.map { .string($0) } ?? .null)
            object.member("confidence", .number(reply.confidence))
            object.member("kind", .string(reply.kind.rawValue))
            object.member("answer", .string(reply.answer))
            if !reply.options.isEmpty {
                object.member("options") { array in
                    array.writeArray(reply.options) { item, option in
                        item.writeObject { object in
                            object.member("label", .string(option.label))
                            object.member("number", .integer(option.number))
                            object.member("value", .string(option.value))
                        }
                    }
                }
            }
            object.member("sources") { array in array.writeArray(reply.sources) { item, source in item.writeEncoded(source.jsonHead, source.jsonTail) } }
            object.member("links") { array in array.writeArray(reply.links) { item, link in item.write(.string(link)) } }
            object.member("city", reply.city.map { .string($0.rawValue) } ?? .null)
            if includeDiagnostics, let diagnostics = reply.diagnostics {
                object.member("staff", diagnostics.json)
            }
        }
        return writer.outputBytes
    }

    /// A little more than the reply's JSON line usually takes: its texts, and room for the
    /// names, quotes, escapes and numbers.
    private static func estimatedLength(of reply: ChatReply) -> Int {
        let sources = reply.sources.reduce(0) { $0 + $1.document.utf8.count + $1.says.utf8.count + $1.seed.utf8.count + $1.location.utf8.count + 64 }
        let options = reply.options.reduce(0) { $0 + $1.label.utf8.count + $1.value.utf8.count + 48 }
        return 512 + reply.answer.utf8.count * 9 / 8 + sources + options + reply.links.reduce(0) { $0 + $1.utf8.count + 3 }
    }

    /// Encodes an error as one JSON line.
    public static func encode(_ error: ProtocolError) -> String {
        var writer = JSONWriter()
        var members: [(String, JSONValue)] = []
        if let id = error.id { members.append(("id", id)) }
        members.append(("error", .object(["code": .string(error.code), "message": .string(error.message)])))
        writer.writeObject(members)
        return writer.output
    }
}

extension Diagnostics {
    /// The staff view as JSON.
    var json: JSONValue {
        .object([
            "detected_lang": detectedLanguage.map { .string($0.language.rawValue) } ?? .null,
            "script": .string(match.analyzed.script.code),
            "normalized": .string(match.analyzed.normalized),
            "latin_key": .string(match.analyzed.latinKey),
            "coverage": .number((match.coverage * 1000).rounded() / 1000),
            "second_opinion": match.secondOpinion.map { .string($0) } ?? .null,
            "alternatives": .array(match.ranked.prefix(3).map {
                .object([
                    "intent": .string($0.intentID), "score": .number(($0.score * 1000).rounded() / 1000),
                    "closest_example": .string($0.closestExample),
                ])
            }),
            "microseconds": .number(microseconds.rounded()),
        ])
    }
}

/// One engine, held by reference by every conversation that answers with it.
public final class SharedEngine: Sendable {
    public let engine: ChatEngine

    public init(_ engine: ChatEngine) {
        self.engine = engine
    }

    /// Answers through the shared engine in place. Called as `shared.engine.reply(…)` from a
    /// conversation, Swift copied the engine first (a retain and a release of each of its
    /// references, per request); inside the class's own method the stored `let` is borrowed.
    func reply(to request: ChatRequest, in session: inout Session) throws(ChatError) -> ChatReply {
        try engine.reply(to: request, in: &session)
    }
}

/// Handles protocol lines for one stream of requests (a connection, or stdin). Requests
/// naming a `session` use the shared store; the others share the stream's own session.
public struct LineConversation: Sendable {
    private let shared: SharedEngine
    public let sessions: SessionStore
    public var includeDiagnostics = false
    private var streamSession = Session()

    public var engine: ChatEngine { shared.engine }

    public init(engine: ChatEngine, sessions: SessionStore) {
        self.init(shared: SharedEngine(engine), sessions: sessions)
    }

    /// A conversation on an engine many conversations share (a server's connections): each
    /// holds a reference, not its own copy of the engine's fields.
    public init(shared: SharedEngine, sessions: SessionStore) {
        self.shared = shared
        self.sessions = sessions
    }

    /// One request line in, one reply line out (without newline).
    public mutating func handle(line: [UInt8]) -> String {
        String(decoding: replyBytes(to: line), as: UTF8.self)
    }

    /// The same reply line as UTF-8 bytes, for a socket.
    public mutating func replyBytes(to line: [UInt8]) -> [UInt8] {
        switch ProtocolCodec.decode(line) {
        case .failure(let error):
            return Array(ProtocolCodec.encode(error).utf8)
        case .success(let request):
            return replyBytes(to: request)
        }
    }

    /// Answers a decoded request in its session.
    public mutating func handle(_ request: ChatRequest) -> String {
        String(decoding: replyBytes(to: request), as: UTF8.self)
    }

    private mutating func replyBytes(to request: ChatRequest) -> [UInt8] {
        var session = request.session.map { sessions.session(named: $0) } ?? streamSession
        do {
            let reply = try shared.reply(to: request, in: &session)
            if let name = request.session { sessions.store(session, named: name) } else { streamSession = session }
            return ProtocolCodec.encodedBytes(reply, includeDiagnostics: includeDiagnostics)
        } catch {
            return Array(ProtocolCodec.encode(ProtocolError(code: error.code, message: error.message, id: request.id)).utf8)
        }
    }
}
