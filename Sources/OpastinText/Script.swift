internal import CICU

/// A writing system, by its ISO 15924 code ("Latn", "Cyrl", "Arab", "Hani").
public struct Script: Hashable, Sendable, CustomStringConvertible {
    /// The ISO 15924 short name.
    public let code: String

    public init(_ code: String) { self.code = code }

    public static let latin = Script("Latn")
    public static let cyrillic = Script("Cyrl")
    public static let arabic = Script("Arab")
    public static let han = Script("Hani")
    /// No letters at all (digits, punctuation, emoji).
    public static let unknown = Script("Zyyy")

    public var description: String { code }

    /// The script most of a text's letters are written in.
    public static func dominant(in text: String) -> Script {
        // ASCII letters are counted apart, the rest per ICU script code in a short list (a
        // message mixes one or two scripts): no hashing per letter.
        var latinLetters = 0
        var counts: [(script: Int32, count: Int)] = []
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                if (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) { latinLetters += 1 }
                continue
            }
            let script = cicu_script(value)
            // 0 = Common, 1 = Inherited: punctuation, digits, combining marks.
            guard script > 1 else { continue }
            if let index = counts.firstIndex(where: { $0.script == script }) {
                counts[index].count += 1
            } else {
                counts.append((script, 1))
            }
        }
        if latinLetters > 0 {
            if let index = counts.firstIndex(where: { $0.script == latinCode }) {
                counts[index].count += latinLetters
            } else {
                counts.append((latinCode, latinLetters))
            }
        }
        // The most letters; on a tie, the lower script code.
        guard let best = counts.max(by: { $0.count < $1.count || ($0.count == $1.count && $0.script > $1.script) }) else {
            return .unknown
        }
        return named(best.script)
    }

    private static let latinCode: Int32 = 25  // USCRIPT_LATIN

    /// The scripts of the first ICU script codes (every script in use), looked up once: the
    /// lookup and the string made from it were a twentieth of analysing a message.
    private static let byCode: [Script] = (0..<256).map { Script(name(of: $0)) }

    private static func named(_ script: Int32) -> Script {
        byCode.indices.contains(Int(script)) ? byCode[Int(script)] : Script(name(of: script))
    }

    private static func name(of script: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 16)
        cicu_script_name(script, &buffer, 16)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The ICU library's version, for staff diagnostics.
public func icuVersion() -> String {
    var buffer = [CChar](repeating: 0, count: 32)
    cicu_version(&buffer, 32)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
