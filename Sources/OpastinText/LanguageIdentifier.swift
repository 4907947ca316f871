internal import CPrefetch
import Foundation

/// One language as written in one script: Russian in Cyrillic and Russian typed in Latin
/// letters are two variants of `ru`, learnt from different text.
public struct LanguageVariant: Hashable, Sendable, CustomStringConvertible {
    public let language: LanguageCode
    public let script: Script
    public init(language: LanguageCode, script: Script) {
        self.language = language
        self.script = script
    }
    public var description: String { "\(language)-\(script)" }
}

/// A language guess with its margin over the runner-up.
public struct LanguageGuess: Sendable, Equatable {
    public let language: LanguageCode
    /// The script the message is written in (Latn for romanised Russian).
    public let script: Script
    /// 0–1: how clearly this language beat the others.
    public let confidence: Double
}

/// Identifies the language of short messages with a character n-gram naive Bayes model per
/// language variant, trained on the project's own text (examples, answers, UI strings).
/// A language is added with data alone: its text and, for a romanised variant, a transform.
public struct LanguageIdentifier: Sendable {
    private var counts: [LanguageVariant: [UInt64: Float]] = [:]
    /// After `finish()`: the variants in a fixed order, and per feature the log-probability
    /// under every variant, so scoring a feature is one lookup.
    private var variantOrder: [LanguageVariant] = []
    /// Feature → row in `logProbabilities`, which holds one value per variant per row.
    private var rows = FeatureTable<Int32>([])
    private var logProbabilities: [Float] = []
    private var unseenLogProbability: [Float] = []
    /// Below this many letters a message is too short to tell.
    public var minimumLetters = 3
    /// Average per-feature log-likelihood margin below which the guess is called ambiguous.
    public var minimumMargin = 0.08

    public init() {}

    /// Adds training text for a language (the script is read from the text).
    public mutating func train(_ text: String, language: LanguageCode, analyzer: Analyzer) {
        let (words, script) = analyzer.segment(text)
        guard script != .unknown else { return }
        let variant = LanguageVariant(language: language, script: script)
        Self.add(Self.features(of: words), to: &counts[variant, default: [:]])
        if script == .latin {
            // Residents often drop ä, ö, å: learn the bare form too.
            let bare = words.map { TextNormalizer.removeMarks($0) }
            if bare != words { Self.add(Self.features(of: bare), to: &counts[variant, default: [:]]) }
        }
    }

    /// Adds counts to a variant's table, in place (copying it per text made training quadratic).
    private static func add(_ features: [(feature: UInt64, count: Float)], to table: inout [UInt64: Float]) {
        for (feature, count) in features { table[feature, default: 0] += count }
    }

    /// Call once after training: turns counts into smoothed log-probabilities.
    public mutating func finish() {
        variantOrder = counts.keys.sorted { $0.description < $1.description }
        var vocabulary = Set<UInt64>()
        for table in counts.values { vocabulary.formUnion(table.keys) }
        let smoothing: Float = 0.5
        let denominators = variantOrder.map { variant in
            (counts[variant]?.values.reduce(0, +) ?? 0) + smoothing * Float(max(vocabulary.count, 1))
        }
        unseenLogProbability = denominators.map { logf(smoothing / $0) }
        let features = vocabulary.sorted()
        rows = FeatureTable(features.enumerated().map { ($0.element, Int32($0.offset)) })
        logProbabilities.reserveCapacity(vocabulary.count * variantOrder.count)
        for feature in features {
            for index in variantOrder.indices {
                logProbabilities.append(logf(((counts[variantOrder[index]]?[feature] ?? 0) + smoothing) / denominators[index]))
            }
        }
        counts = [:]
    }

    /// The variants the model knows.
    public var variants: [LanguageVariant] { variantOrder }

    /// The number of features the model has a probability for.
    public var vocabularySize: Int { rows.count }

    /// The language of a message, or nil when it is too short or too ambiguous to tell.
    public func identify(_ analyzed: AnalyzedText) -> LanguageGuess? {
        // Only one language is written in this script (Arabic, Cyrillic): the script alone
        // decides, and the model need not be read at all.
        if let only = variantOrder.first(where: { $0.script == analyzed.script }),
           variantOrder.allSatisfy({ $0.script != analyzed.script || $0.language == only.language })
        {
            return analyzed.words.contains(where: Self.hasLetter) ? LanguageGuess(language: only.language, script: only.script, confidence: 1) : nil
        }
        let ranked = rank(analyzed)
        guard let best = ranked.first else { return nil }
        let letters = analyzed.words.reduce(0) { $0 + $1.unicodeScalars.count }
        guard let runnerUp = ranked.first(where: { $0.variant.language != best.variant.language }) else {
            // Only one language is written in this script: the script alone decides.
            return letters >= 1 ? LanguageGuess(language: best.variant.language, script: best.variant.script, confidence: 1) : nil
        }
        let margin = best.score - runnerUp.score
        guard letters >= minimumLetters, margin >= minimumMargin else { return nil }
        return LanguageGuess(
            language: best.variant.language, script: best.variant.script,
            confidence: min(1, margin / (minimumMargin * 8)))
    }

    /// Every variant of the message's script with its average log-likelihood, best first.
    public func rank(_ analyzed: AnalyzedText) -> [(variant: LanguageVariant, score: Double)] {
        guard variantOrder.contains(where: { $0.script == analyzed.script }) else { return [] }
        let features = Self.features(of: analyzed.words)
        let total = features.reduce(0) { $0 + $1.count }
        guard total > 0 else { return [] }
        let width = variantOrder.count
        // First every feature's table slot and then its row, asking for each cache line
        // before it is read (the model is megabytes: the misses then overlap), then the sums.
        for entry in features { rows.prefetch(entry.feature, with: cprefetch_read) }
        var featureRows = [Int32](repeating: -1, count: features.count)
        logProbabilities.withUnsafeBufferPointer { table in
            guard let base = table.baseAddress else { return }
            for (position, entry) in features.enumerated() {
                guard let row = rows[entry.feature] else { continue }
                featureRows[position] = row
                cprefetch_read(base + Int(row) * width)
            }
        }
        // Every variant's sum, not only the candidates': a row is a few adjacent floats, added
        // in one pass, where picking out the candidates' was a loop of its own per feature.
        var sums = [Float](repeating: 0, count: width)
        sums.withUnsafeMutableBufferPointer { sums in
            logProbabilities.withUnsafeBufferPointer { table in
                unseenLogProbability.withUnsafeBufferPointer { unseen in
                    guard let tableBase = table.baseAddress, let unseenBase = unseen.baseAddress, let sums = sums.baseAddress
                    else { return }
                    if width == 8 {
                        // Eight variants (the model as trained today): one vector per row. The
                        // same multiplications and additions per lane as the loop below.
                        var vector = SIMD8<Float>()
                        for (position, entry) in features.enumerated() {
                            let row = featureRows[position]
                            let values = UnsafeRawPointer(row >= 0 ? tableBase + Int(row) * width : unseenBase)
                            vector += entry.count * values.loadUnaligned(as: SIMD8<Float>.self)
                        }
                        for index in 0..<8 { sums[index] = vector[index] }
                        return
                    }
                    for (position, entry) in features.enumerated() {
                        let row = featureRows[position]
                        let values = row >= 0 ? tableBase + Int(row) * width : unseenBase
                        for index in 0..<width { sums[index] += entry.count * values[index] }
                    }
                }
            }
        }
        var ranked: [(variant: LanguageVariant, score: Double)] = []
        ranked.reserveCapacity(width)
        for (index, variant) in variantOrder.enumerated() where variant.script == analyzed.script {
            ranked.append((variant, Double(sums[index] / total)))
        }
        // In place: `sorted` would copy the array first.
        ranked.sort { $0.score > $1.score || ($0.score == $1.score && $0.variant.description < $1.variant.description) }
        return ranked
    }

    /// Character 1–3-grams inside word boundaries, and whole words (weighted more: a known
    /// word is strong evidence in a two-word message), as (hash, count). A feature may come
    /// more than once: every use adds its counts up, so merging them first would be wasted work.
    static func features(of words: [String]) -> [(feature: UInt64, count: Float)] {
        // Room for every feature (a word has at most as many scalars as UTF-8 bytes): growing
        // the arrays cost more than filling them.
        var hashes: [(feature: UInt64, count: Float)] = []
        hashes.reserveCapacity(words.reduce(0) { $0 + 3 * $1.utf8.count + 4 })
        var scalars: [UInt32] = []
        scalars.reserveCapacity(32)
        for word in words {
            scalars.removeAll(keepingCapacity: true)
            scalars.append(0x5E)
            var hasLetter = false
            for scalar in word.unicodeScalars {
                scalars.append(scalar.value)
                if !hasLetter && isLetter(scalar) { hasLetter = true }
            }
            scalars.append(0x24)
            guard hasLetter else { continue }
            hashes.append((hash(scalars, 0, scalars.count, seed: 1), 3))
            appendGrams(of: scalars, to: &hashes)
        }
        return hashes
    }

    /// A bounded word's 1-, 2- and 3-grams, in that order, each in start order. Each start is
    /// hashed once and extended (FNV-1a runs left to right) rather than rehashed per length.
    @inline(__always)
    private static func appendGrams(of scalars: [UInt32], to hashes: inout [(feature: UInt64, count: Float)]) {
        // At least three: the bounds and a letter.
        let count = scalars.count, base = hashes.count
        let bigrams = base + count, trigrams = bigrams + count - 1
        hashes.append(contentsOf: repeatElement((feature: UInt64(0), count: Float(1)), count: 3 * count - 3))
        hashes.withUnsafeMutableBufferPointer { hashes in
            scalars.withUnsafeBufferPointer { scalars in
                for start in 0..<count {
                    var hash = FNV1a(seed: 0)
                    hash.mix(UInt64(scalars[start]))
                    hashes[base + start].feature = hash.value
                    guard start + 1 < count else { continue }
                    hash.mix(UInt64(scalars[start + 1]))
                    hashes[bigrams + start].feature = hash.value
                    guard start + 2 < count else { continue }
                    hash.mix(UInt64(scalars[start + 2]))
                    hashes[trigrams + start].feature = hash.value
                }
            }
        }
    }

    /// ASCII decided without a Unicode property lookup (only its letters are alphabetic).
    @inline(__always)
    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? (scalar.value | 0x20) &- 0x61 < 26 : scalar.properties.isAlphabetic
    }

    /// Whether a word has a letter: words without one give no features.
    private static func hasLetter(_ word: String) -> Bool {
        word.unicodeScalars.contains(where: isLetter)
    }

    @inline(__always)
    private static func hash(_ values: [UInt32], _ start: Int, _ length: Int, seed: UInt64) -> UInt64 {
        var hash = FNV1a(seed: seed)
        for index in start..<(start + length) { hash.mix(UInt64(values[index])) }
        return hash.value
    }

    // MARK: Binary form

    /// Writes the finished model, for `EngineCache`.
    public func encode(into writer: inout BinaryWriter) {
        writer.write(variantOrder.map(\.language.rawValue))
        writer.write(variantOrder.map(\.script.code))
        writer.write(rows.entries.sorted { $0.value < $1.value }.map(\.key))
        writer.write(logProbabilities)
        writer.write(unseenLogProbability)
        writer.write(minimumLetters)
        writer.write([minimumMargin])
    }

    /// Reads a model written by `encode(into:)`.
    public init(decoding reader: inout BinaryReader) throws(BinaryReader.Corrupt) {
        let languages = try reader.readStrings()
        let scripts = try reader.readStrings()
        guard languages.count == scripts.count else { throw BinaryReader.Corrupt() }
        variantOrder = zip(languages, scripts).map { LanguageVariant(language: LanguageCode($0), script: Script($1)) }
        let features = try reader.readArray(of: UInt64.self)
        rows = FeatureTable(features.enumerated().map { ($0.element, Int32($0.offset)) })
        logProbabilities = try reader.readArray(of: Float.self)
        unseenLogProbability = try reader.readArray(of: Float.self)
        minimumLetters = try reader.readInt()
        let margin = try reader.readArray(of: Double.self)
        guard margin.count == 1, logProbabilities.count == features.count * variantOrder.count,
              unseenLogProbability.count == variantOrder.count
        else { throw BinaryReader.Corrupt() }
        minimumMargin = margin[0]
    }
}
