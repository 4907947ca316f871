internal import Foundation
internal import CByteScan

/// Any JSON value, kept as it came so a request's `id` is echoed exactly.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Compact JSON text of the value (object keys sorted, for stable output).
    public var jsonText: String {
        var writer = JSONWriter()
        writer.write(self)
        return writer.output
    }

    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }
}

/// Writes compact JSON with keys in the order given, so replies read in protocol order.
///
/// It writes UTF-8 bytes, copying runs of text that need no escaping whole: building a
/// `String` scalar by scalar was a fifth of the server's time per request.
struct JSONWriter {
    private var bytes: [UInt8] = []

    /// Room for a typical reply, so the buffer is not copied as it grows.
    init(capacity: Int = 2_048) {
        bytes.reserveCapacity(capacity)
    }

    /// The JSON text written so far.
    var output: String { String(decoding: bytes, as: UTF8.self) }

    /// The JSON text written so far, as UTF-8.
    var outputBytes: [UInt8] { bytes }

    fileprivate mutating func append(_ literal: StaticString) {
        // Most are one byte (quotes, commas, colons): appended as a byte, which costs a tenth
        // of appending a buffer.
        if literal.utf8CodeUnitCount == 1 {
            bytes.append(literal.utf8Start.pointee)
            return
        }
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Not named `append`: a string literal would then pick this overload over the
    /// `StaticString` one, and every comma and quote went through a `String`'s UTF-8 view.
    private mutating func appendText(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .integer(let number): appendText(String(number))
        case .number(let number):
            appendText(number.isFinite ? (number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)) : "null")
        case .string(let text): writeString(text)
        case .array(let items):
            append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { append(",") }
                write(item)
            }
            append("]")
        case .object(let members):
            writeObject(members.keys.sorted().map { ($0, members[$0] ?? .null) })
        }
    }

    /// An object whose members `body` writes with `member(_:_:)`, in that order.
    mutating func writeObject(_ body: (inout ObjectWriter) -> Void) {
        append("{")
        // The buffer is swapped into the member writer and back, never shared: an assignment
        // left the member writer holding it too, so the next append copied the whole line.
        var object = ObjectWriter(writer: JSONWriter(capacity: 0))
        swap(&self, &object.writer)
        body(&object)
        swap(&self, &object.writer)
        append("}")
    }

    /// JSON written before (by a `JSONWriter`), in parts, copied as it is.
    mutating func writeEncoded(_ head: [UInt8], _ tail: [UInt8]) {
        bytes.append(contentsOf: head)
        bytes.append(contentsOf: tail)
    }

    /// The start of an object and its first member, to be completed by `writeObjectClosing`
    /// (a source's title, and the rest shared by the source's other languages).
    mutating func writeObjectOpening(firstMember name: String, _ value: JSONValue) {
        append("{")
        writeString(name)
        append(":")
        write(value)
    }

    /// The members after an object's first, and its closing brace.
    mutating func writeObjectClosing(_ members: [(String, JSONValue)]) {
        for (name, value) in members {
            append(",")
            writeString(name)
            append(":")
            write(value)
        }
        append("}")
    }

    /// An array of `items`, each written by `body`.
    mutating func writeArray<Item>(_ items: [Item], _ body: (inout JSONWriter, Item) -> Void) {
        append("[")
        for (index, item) in items.enumerated() {
            if index > 0 { append(",") }
            body(&self, item)
        }
        append("]")
    }

    /// Writes the members of one object, with the commas between them.
    struct ObjectWriter {
        fileprivate var writer: JSONWriter
        private var first = true

        fileprivate init(writer: JSONWriter) {
            self.writer = writer
        }

        mutating func member(_ name: String, _ value: JSONValue) {
            member(name) { $0.write(value) }
        }

        mutating func member(_ name: String, _ body: (inout JSONWriter) -> Void) {
            if !first { writer.append(",") }
            first = false
            writer.writeString(name)
            writer.append(":")
            body(&writer)
        }
    }

    mutating func writeObject(_ members: [(String, JSONValue)]) {
        append("{")
        for (index, member) in members.enumerated() {
            if index > 0 { append(",") }
            writeString(member.0)
            append(":")
            write(member.1)
        }
        append("}")
    }

    /// A JSON string: quote, backslash and control characters escaped, and U+2028/U+2029
    /// too (JavaScript treats them as line ends); everything else copied as it is.
    fileprivate mutating func writeString(_ text: String) {
        append("\"")
        // A native string's bytes are read in place (copying it to call `withUTF8` cost a
        // retain and a release per string); only another kind is copied first.
        if text.utf8.withContiguousStorageIfAvailable({ writeEscaped($0) }) == nil {
            var text = text
            text.withUTF8 { writeEscaped($0) }
        }
        append("\"")
    }

    /// The bytes of a string, escaped as JSON requires.
    private mutating func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var position = 0
        while position < utf8.count {
            // Most of a reply is plain text: skipped sixteen bytes at a time up to the first
            // that may need escaping.
            position += cbytescan_json_plain_length(utf8.baseAddress! + position, utf8.count - position)
            guard position < utf8.count else { break }
            let byte = utf8[position]
            let escape: StaticString?
            var length = 1
            switch byte {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case UInt8(ascii: "\n"): escape = "\\n"
            case UInt8(ascii: "\r"): escape = "\\r"
            case UInt8(ascii: "\t"): escape = "\\t"
            case 0xE2 where position + 2 < utf8.count && utf8[position + 1] == 0x80 && (utf8[position + 2] == 0xA8 || utf8[position + 2] == 0xA9):
                escape = utf8[position + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                length = 3
            case 0..<0x20, 0x7F: escape = nil
            default:
                position += 1
                continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<position]))
            if let escape {
                append(escape)
            } else {
                appendText(String(format: "\\u%04x", UInt32(byte)))
            }
            position += length
            runStart = position
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
    }
}
