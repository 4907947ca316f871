internal import Foundation

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
struct JSONWriter {
    private(set) var output = ""

    /// Room for a typical reply, so the text is not copied as it grows.
    init(capacity: Int = 2_048) {
        output.reserveCapacity(capacity)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .integer(let number): output += String(number)
        case .number(let number):
            output += number.isFinite ? (number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)) : "null"
        case .string(let text): writeString(text)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                write(item)
            }
            output += "]"
        case .object(let members):
            writeObject(members.keys.sorted().map { ($0, members[$0] ?? .null) })
        }
    }

    mutating func writeObject(_ members: [(String, JSONValue)]) {
        output += "{"
        for (index, member) in members.enumerated() {
            if index > 0 { output += "," }
            writeString(member.0)
            output += ":"
            write(member.1)
        }
        output += "}"
    }

    private mutating func writeString(_ text: String) {
        output += "\""
        // Most text needs no escaping: append it whole (appending scalar by scalar was a
        // quarter of the server's time under load).
        if !text.utf8.contains(where: Self.mayNeedEscaping) {
            output += text
        } else {
            for scalar in text.unicodeScalars { writeEscaped(scalar) }
        }
        output += "\""
    }

    /// Bytes that start something to escape: controls, quote, backslash, DEL, and the lead
    /// byte of U+2028/U+2029 (checked exactly in `writeEscaped`).
    private static func mayNeedEscaping(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F || byte == 0xE2
    }

    private mutating func writeEscaped(_ scalar: Unicode.Scalar) {
        switch scalar {
        case "\"": output += "\\\""
        case "\\": output += "\\\\"
        case "\n": output += "\\n"
        case "\r": output += "\\r"
        case "\t": output += "\\t"
        case "\u{2028}": output += "\\u2028"
        case "\u{2029}": output += "\\u2029"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                output += String(format: "\\u%04x", scalar.value)
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
    }

}
