import Synchronization

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
    /// Each word as the concept lexicon looks it up: Latin-script words by their key (so
    /// `paivakoti` is `päiväkoti`), other words as written (folded, Arabic without its
    /// article), because Latin keys of other scripts merge words (عمل "work" and ملل
    /// "boredom" are both `ml`) and meet unrelated Latin words (бьёт and Arabizi `bet`).
    public let lexicalForms: [String]
    /// Each word of `lexicalForms` as written (folded case, Latin letters not yet keyed), for
    /// the lexicon's exact entries: folding merges some words a concept must tell apart
    /// (Swedish rädd "afraid" and råd "advice" are both `rad`).
    public let writtenForms: [String]

    /// The whole message as one Latin key, for display.
    public var latinKey: String { keys.joined(separator: " ") }

    /// The same message without the words whose lexical form `isLeftOut`.
    /// The same message without the words (by position in `lexicalForms`) that `isLeftOut`.
    public func removingWords(where isLeftOut: (Int) -> Bool) -> AnalyzedText {
        let kept = lexicalForms.indices.filter { !isLeftOut($0) }
        return AnalyzedText(
            normalized: normalized, script: script, words: words, keys: kept.map { keys[$0] },
            lexicalForms: kept.map { lexicalForms[$0] }, writtenForms: kept.map { writtenForms[$0] })
    }
}

/// Turns a message into the comparable forms that let `paivakoti` meet `päiväkoti`,
/// `kursy finskogo` meet `курсы финского`, and `ﬁnnish` meet `finnish`.
///
/// Latin keys are built letter by letter from ICU's transliteration of each letter, cached:
/// a key only has to be the same for the same letters, and a cached table lookup costs
/// nanoseconds where a transliterator call costs microseconds. (Context rules such as
/// Russian word-initial е → ye are lost; both sides of a match lose them alike.)
public final class Analyzer: Sendable {
    private let segmenter: WordSegmenter
    private let letterKeys = Mutex<[UInt32: String]>([:])
    private let transforms = Mutex<[String: Transliterator]>([:])

    /// Opens the ICU word segmenter; transliterators open on first use of their script.
    public init() throws(TextError) {
        segmenter = try WordSegmenter()
    }

    /// Analyses one message.
    public func analyze(_ text: String) -> AnalyzedText {
        let cleaned = TextNormalizer.replacingControlCharacters(text)
        let folded = ArabicOrthography.unify(TextNormalizer.foldCase(cleaned))
        let script = Script.dominant(in: folded)
        let words = segmenter.words(folded)
        var keys: [String] = []
        var forms: [String] = []
        var written: [String] = []
        keys.reserveCapacity(words.count)
        forms.reserveCapacity(words.count)
        written.reserveCapacity(words.count)
        for word in words {
            let stemmed = script == .arabic ? ArabicOrthography.lightStem(word) : word
            let key = latinKey(of: stemmed)
            guard !key.isEmpty else { continue }
            keys.append(key)
            forms.append(Self.isLatin(stemmed) ? key : stemmed)
            written.append(stemmed)
        }
        return AnalyzedText(
            normalized: folded, script: script, words: words, keys: keys, lexicalForms: forms, writtenForms: written)
    }

    /// The folded words and script of a text, without Latin keys: all that language
    /// identification needs, at a fraction of the cost.
    public func segment(_ text: String) -> (words: [String], script: Script) {
        let folded = ArabicOrthography.unify(TextNormalizer.foldCase(TextNormalizer.replacingControlCharacters(text)))
        return (segmenter.words(folded), Script.dominant(in: folded))
    }

    /// Whether a word starts with a Latin letter or digit (ASCII, or Latin-1 to Latin
    /// Extended-B: ä, å, ş…).
    private static func isLatin(_ word: String) -> Bool {
        guard let first = word.unicodeScalars.first else { return false }
        return first.value < 0x250
    }

    /// A word in Latin letters, ASCII only, with romanisation variants folded together.
    public func latinKey(of word: String) -> String {
        if word.isASCII { return RomanizationFolding.fold(word) }
        // One pass under the lock, the letters' keys appended as bytes; a letter not seen
        // before sends the word down the slow path.
        var latin: [UInt8] = []
        latin.reserveCapacity(word.utf8.count * 2)
        let complete = letterKeys.withLock { table -> Bool in
            for scalar in word.unicodeScalars {
                if scalar.value < 0x80 {
                    latin.append(UInt8(truncatingIfNeeded: scalar.value))
                } else if let key = table[scalar.value] {
                    latin.append(contentsOf: key.utf8)
                } else {
                    return false
                }
            }
            return true
        }
        if !complete { latin = latinBytesRemembering(word) }
        return RomanizationFolding.fold(String(decoding: latin, as: UTF8.self))
    }

    /// How many letters' keys are remembered (for tests).
    var rememberedLetterCount: Int { letterKeys.withLock { $0.count } }

    /// The most letters whose keys are remembered: every script in use fits many times over,
    /// and a client sending all of Unicode cannot make the table grow without bound.
    static let maximumRememberedLetters = 8_192

    /// A word's Latin letters, transliterating the letters not seen before (outside the lock:
    /// ICU is slow) and remembering their keys.
    private func latinBytesRemembering(_ word: String) -> [UInt8] {
        var keys: [UInt32: String] = [:]
        for scalar in word.unicodeScalars where scalar.value >= 0x80 && keys[scalar.value] == nil {
            keys[scalar.value] = letterKeys.withLock { $0[scalar.value] } ?? transliterate(scalar)
        }
        letterKeys.withLock { table in
            for (scalar, key) in keys where table[scalar] == nil && table.count < Self.maximumRememberedLetters {
                table[scalar] = key
            }
        }
        var latin: [UInt8] = []
        for scalar in word.unicodeScalars {
            if scalar.value < 0x80 {
                latin.append(UInt8(truncatingIfNeeded: scalar.value))
            } else {
                latin.append(contentsOf: (keys[scalar.value] ?? "").utf8)
            }
        }
        return latin
    }

    /// ICU's Latin form of one letter, through the transform for its script.
    private func transliterate(_ scalar: Unicode.Scalar) -> String {
        let letter = String(scalar)
        let id: String
        switch Script.dominant(in: letter) {
        case .latin: id = "Latin-ASCII"
        // BGN/PCGN for Cyrillic is close to how Russians type in Latin letters (zh, kh, ya, sh).
        case .cyrillic: id = "Russian-Latin/BGN; Any-Latin; Latin-ASCII"
        case .arabic: id = "Arabic-Latin; Latin-ASCII"
        case .han: id = "Han-Latin; Latin-ASCII"
        default: id = "Any-Latin; Latin-ASCII"
        }
        guard let transform = transform(id) else { return "" }
        var result = transform.transliterate(letter)
        if id.hasPrefix("Russian") {
            // Transliterated alone, a letter is word-initial (е → ye); after a consonant it is
            // read as inside a word (е → e), as residents type it.
            let inside = transform.transliterate("б" + letter)
            if inside.hasPrefix("b") { result = String(inside.dropFirst()) }
        }
        return result.unicodeScalars.allSatisfy { $0.value < 0x80 } ? result : ""
    }

    private func transform(_ id: String) -> Transliterator? {
        transforms.withLock { cache in
            if let cached = cache[id] { return cached }
            let opened = try? Transliterator(id)
            cache[id] = opened
            return opened
        }
    }
}
