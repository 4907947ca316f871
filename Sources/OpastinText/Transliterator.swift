internal import CICU
import Synchronization

/// An ICU transliterator ("Any-Latin; Latin-ASCII", "Russian-Latin/BGN", or custom rules).
///
/// ICU transliterators keep mutable state, so every use holds a lock.
public final class Transliterator: Sendable {
    /// The transform id or rules it was opened with.
    public let id: String
    private let handle: Mutex<OpaquePointer>

    /// Opens a transliterator for an ICU transform id, or for transform rules when `rules` is true.
    public init(_ id: String, rules: Bool = false) throws(TextError) {
        var message = [CChar](repeating: 0, count: 256)
        let units = id.utf16Units
        let opened = units.withUnsafeBufferPointer { buffer in
            cicu_transliterator_open(buffer.baseAddress, Int32(buffer.count), rules ? 1 : 0, &message, 256)
        }
        guard let opened else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .unknownTransform(id: id, reason: reason)
        }
        self.id = id
        self.handle = Mutex(opened)
    }

    deinit {
        handle.withLock { cicu_transliterator_close($0) }
    }

    /// Transliterates a string.
    public func transliterate(_ text: String) -> String {
        if text.isEmpty { return text }
        var units = text.utf16Units
        var capacity = units.count * 4 + 16
        return handle.withLock { pointer in
            for _ in 0..<4 {
                var buffer = units + [UInt16](repeating: 0, count: capacity - units.count)
                let length = buffer.withUnsafeMutableBufferPointer {
                    cicu_transliterate(pointer, $0.baseAddress, Int32(units.count), Int32(capacity))
                }
                if length < 0 { return text }
                if Int(length) <= capacity {
                    return String(utf16Units: buffer[..<Int(length)])
                }
                capacity = Int(length) * 2
                units = text.utf16Units
            }
            return text
        }
    }
}

/// Errors from the text layer, with stable codes.
public enum TextError: Error, Equatable, CustomStringConvertible {
    case unknownTransform(id: String, reason: String)
    case wordBreakUnavailable(locale: String)

    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .unknownTransform: "unknown_transform"
        case .wordBreakUnavailable: "word_break_unavailable"
        }
    }

    public var description: String {
        switch self {
        case .unknownTransform(let id, let reason): "ICU has no transform \"\(id)\" (\(reason))"
        case .wordBreakUnavailable(let locale): "ICU word break iterator unavailable for locale \"\(locale)\""
        }
    }
}
