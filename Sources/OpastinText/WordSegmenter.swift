internal import CICU
import Synchronization

/// Splits text into words with ICU's word break rules, so that Chinese and Thai (no spaces)
/// and Arabic clitics with punctuation are cut where a reader would cut them.
public final class WordSegmenter: Sendable {
    // A break iterator is stateful, so each call takes one from a pool and gives it back:
    // the server's threads segment at the same time instead of queueing for one iterator.
    private let idle: Mutex<[Breaker]>
    private let locale: String

    /// An ICU break iterator. Sendable because the pool hands each one to one caller at a time.
    private struct Breaker: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// Opens a word segmenter for a locale ("" for root rules).
    public init(locale: String = "") throws(TextError) {
        guard let opened = cicu_word_breaker_open(locale) else { throw .wordBreakUnavailable(locale: locale) }
        self.locale = locale
        idle = Mutex([Breaker(pointer: opened)])
    }

    deinit {
        idle.withLock { for breaker in $0 { cicu_word_breaker_close(breaker.pointer) } }
    }

    /// The words of a text, without spaces and punctuation.
    public func words(_ text: String) -> [String] {
        if text.isASCII { return Self.asciiWords(text) }
        let units = text.utf16Units
        var capacity = units.count / 2 + 8
        while true {
            var starts = [Int32](repeating: 0, count: capacity)
            var ends = [Int32](repeating: 0, count: capacity)
            // The locale opened once already, so opening another iterator fails only when
            // memory is short: then the words are cut at spaces.
            guard let breaker = idle.withLock({ $0.popLast() }) ?? cicu_word_breaker_open(locale).map(Breaker.init) else {
                return Self.asciiWords(text)
            }
            let count = units.withUnsafeBufferPointer { buffer in
                cicu_word_breaker_words(breaker.pointer, buffer.baseAddress, Int32(buffer.count), &starts, &ends, Int32(capacity))
            }
            idle.withLock { $0.append(breaker) }
            if count < 0 { return Self.asciiWords(text) }
            if Int(count) <= capacity {
                return (0..<Int(count)).map { String(utf16Units: units[Int(starts[$0])..<Int(ends[$0])]) }
            }
            capacity = Int(count)
        }
    }

    /// Fast path for ASCII text: letters and digits (and inner apostrophes) make words.
    static func asciiWords(_ text: String) -> [String] {
        // Reserved: growing these arrays was a tenth of the segmenter's time.
        var words: [String] = []
        words.reserveCapacity(text.utf8.count / 4 + 1)
        var current: [UInt8] = []
        current.reserveCapacity(32)
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
