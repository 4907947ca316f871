/// What the analyzer makes of one message: the forms the matcher and the staff view use.
public struct AnalyzedText: Sendable {
    /// NFKC case-folded text, control characters replaced by spaces.
    public let normalized: String
    /// The script most letters are written in.
    public let script: Script
    /// The words as written (folded), for language identification.
    public let words: [String]
    /// Each word as a Latin matching key: transliterated, ASCII, romanisation variants folded.
    public let keys: [String]

    /// The whole message as one Latin key, for display.
    public var latinKey: String { keys.joined(separator: " ") }
}

/// Turns a message into the comparable forms that let `paivakoti` meet `päiväkoti`,
/// `kursy finskogo` meet `курсы финского`, and `ﬁnnish` meet `finnish`.
public final class Analyzer: Sendable {
    private let segmenter: WordSegmenter
    private let toLatin: [Script: Transliterator]
    private let anyToLatin: Transliterator
    private let latinToASCII: Transliterator

    /// Opens the ICU transforms the analyzer needs (a few milliseconds, once).
    public init() throws(TextError) {
        segmenter = try WordSegmenter()
        latinToASCII = try Transliterator("Latin-ASCII")
        anyToLatin = try Transliterator("Any-Latin; Latin-ASCII")
        // BGN/PCGN for Cyrillic is close to how Russians type in Latin letters (zh, kh, ya, sh).
        toLatin = [
            .cyrillic: try Transliterator("Russian-Latin/BGN; Any-Latin; Latin-ASCII"),
            .arabic: try Transliterator("Arabic-Latin; Latin-ASCII"),
            .han: try Transliterator("Han-Latin; Latin-ASCII"),
        ]
    }

    /// Analyses one message.
    public func analyze(_ text: String) -> AnalyzedText {
        let cleaned = TextNormalizer.replacingControlCharacters(text)
        let folded = ArabicOrthography.unify(TextNormalizer.foldCase(cleaned))
        let script = Script.dominant(in: folded)
        let words = segmenter.words(folded)
        var keys: [String] = []
        keys.reserveCapacity(words.count)
        for word in words {
            let key = latinKey(of: word)
            if !key.isEmpty { keys.append(key) }
        }
        return AnalyzedText(normalized: folded, script: script, words: words, keys: keys)
    }

    /// A word in Latin letters, ASCII only, with romanisation variants folded together.
    public func latinKey(of word: String) -> String {
        let latin: String
        if word.isASCII {
            latin = word
        } else {
            let wordScript = Script.dominant(in: word)
            switch wordScript {
            case .latin: latin = latinToASCII.transliterate(TextNormalizer.removeMarks(word)).lowercased()
            default: latin = (toLatin[wordScript] ?? anyToLatin).transliterate(TextNormalizer.removeMarks(word)).lowercased()
            }
        }
        return RomanizationFolding.fold(latin)
    }
}
