/// A strict JSON (RFC 8259) parser for request lines, straight from UTF-8 bytes to `JSONValue`.
///
/// Foundation's `JSONDecoder` through `Codable` was a tenth of the server's time per request;
/// a request is one small object, which a direct recursive-descent parse reads in a fraction
/// of that. Nesting deeper than `maximumDepth` is refused, so a hostile line cannot exhaust
/// the stack.
struct JSONParser {
    struct Invalid: Error {}

    static let maximumDepth = 64

    /// Parses one complete JSON text; anything but whitespace after the value is an error.
    static func parse(_ bytes: [UInt8]) throws(Invalid) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Invalid) -> JSONValue in
            var parser = JSONParser(bytes: buffer)
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.position == buffer.count else { throw Invalid() }
            return value
        }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(Invalid) {
        guard current == byte else { throw Invalid() }
        position += 1
    }

    private mutating func parseValue(depth: Int) throws(Invalid) -> JSONValue {
        guard depth < Self.maximumDepth, let byte = current else { throw Invalid() }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        default: return try parseNumber()
        }
    }

    private mutating func parseLiteral(_ word: StaticString) throws(Invalid) {
        let literal = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard position + literal.count <= bytes.count else { throw Invalid() }
        for (offset, byte) in literal.enumerated() where bytes[position + offset] != byte { throw Invalid() }
        position += literal.count
    }

    private mutating func parseObject(depth: Int) throws(Invalid) -> JSONValue {
        position += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw Invalid() }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members[key] = try parseValue(depth: depth + 1)
            skipWhitespace()
            guard let separator = current else { throw Invalid() }
            position += 1
            if separator == UInt8(ascii: "}") { return .object(members) }
            guard separator == UInt8(ascii: ",") else { throw Invalid() }
        }
    }

    private mutating func parseArray(depth: Int) throws(Invalid) -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard let separator = current else { throw Invalid() }
            position += 1
            if separator == UInt8(ascii: "]") { return .array(items) }
            guard separator == UInt8(ascii: ",") else { throw Invalid() }
        }
    }

    /// A string from its opening quote; the bytes are already known to be valid UTF-8.
    private mutating func parseString() throws(Invalid) -> String {
        position += 1
        let start = position
        // The common case: no escapes, so the string is a slice of the line.
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw Invalid() }
            position += 1
        }
        guard let stop = current else { throw Invalid() }
        var text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if stop == UInt8(ascii: "\"") {
            position += 1
            return text
        }
        while true {
            guard let byte = current else { throw Invalid() }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return text
            case UInt8(ascii: "\\"):
                text.unicodeScalars.append(try parseEscape())
            default:
                guard byte >= 0x20 else { throw Invalid() }
                // Copy a run of plain bytes at once.
                let runStart = position - 1
                while let next = current, next != UInt8(ascii: "\""), next != UInt8(ascii: "\\"), next >= 0x20 { position += 1 }
                text += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<position]), as: UTF8.self)
            }
        }
    }

    private mutating func parseEscape() throws(Invalid) -> Unicode.Scalar {
        guard let byte = current else { throw Invalid() }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try parseHex4()
            if (0xD800..<0xDC00).contains(unit) {
                // A high surrogate must be followed by an escaped low one.
                try expect(UInt8(ascii: "\\"))
                try expect(UInt8(ascii: "u"))
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw Invalid() }
                let value = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                guard let scalar = Unicode.Scalar(value) else { throw Invalid() }
                return scalar
            }
            guard let scalar = Unicode.Scalar(unit) else { throw Invalid() }  // a lone low surrogate
            return scalar
        default:
            throw Invalid()
        }
    }

    private mutating func parseHex4() throws(Invalid) -> UInt32 {
        guard position + 4 <= bytes.count else { throw Invalid() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Invalid()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; an integer stays an integer,
    /// so an `id` is echoed as it came.
    private mutating func parseNumber() throws(Invalid) -> JSONValue {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { throw Invalid() }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            position += 1
            guard try skipAtLeastOneDigit() else { throw Invalid() }
            isInteger = false
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard try skipAtLeastOneDigit() else { throw Invalid() }
            isInteger = false
        }
        let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if isInteger, let integer = Int(literal) { return .integer(integer) }
        guard let number = Double(literal), number.isFinite else { throw Invalid() }
        // As Foundation reads it: a whole number written with a fraction or exponent (2.0,
        // 1e3) is still an integer.
        if number == number.rounded(), abs(number) < 9_007_199_254_740_992 { return .integer(Int(number)) }
        return .number(number)
    }

    private mutating func skipDigits() {
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
    }

    private mutating func skipAtLeastOneDigit() throws(Invalid) -> Bool {
        let start = position
        skipDigits()
        return position > start
    }
}
