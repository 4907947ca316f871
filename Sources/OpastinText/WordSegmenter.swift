internal import CICU
import Synchronization

/// Splits text into words with ICU's word break rules, so that Chinese and Thai (no spaces)
/// and Arabic clitics with punctuation are cut where a reader would cut them.
public final class WordSegmenter: Sendable {
    // A break iterator is stateful: one per segmenter, used under a lock.
    private let breaker: Mutex<OpaquePointer>

    /// Opens a word segmenter for a locale ("" for root rules).
    public init(locale: String = "") throws(TextError) {
        guard let opened = cicu_word_breaker_open(locale) else { throw .wordBreakUnavailable(locale: locale) }
        breaker = Mutex(opened)
    }

    deinit {
        breaker.withLock { cicu_word_breaker_close($0) }
    }

    /// The words of a text, without spaces and punctuation.
    public func words(_ text: String) -> [String] {
        if text.isASCII { return Self.asciiWords(text) }
        let units = text.utf16Units
        var capacity = units.count / 2 + 8
        while true {
            var starts = [Int32](repeating: 0, count: capacity)
            var ends = [Int32](repeating: 0, count: capacity)
            let count = breaker.withLock { pointer in
                units.withUnsafeBufferPointer { buffer in
                    cicu_word_breaker_words(pointer, buffer.baseAddress, Int32(buffer.count), &starts, &ends, Int32(capacity))
                }
            }
            if count < 0 { return Self.asciiWords(text) }
            if Int(count) <= capacity {
                return (0..<Int(count)).map { String(decoding: units[Int(starts[$0])..<Int(ends[$0])], as: UTF16.self) }
            }
            capacity = Int(count)
        }
    }

    /// Fast path for ASCII text: letters and digits (and inner apostrophes) make words.
    static func asciiWords(_ text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            let isWordByte = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte >= 0x80
            if isWordByte {
                current.append(byte)
            } else if byte == 0x27, !current.isEmpty {
                current.append(byte)
            } else if !current.isEmpty {
                words.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }
}
