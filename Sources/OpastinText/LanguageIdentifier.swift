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
    private var totals: [LanguageVariant: Float] = [:]
    private var vocabularySize: Float = 1
    /// Below this share of letters a message is too short to tell.
    public var minimumLetters = 3
    /// Average per-feature log-likelihood margin below which the guess is called ambiguous.
    public var minimumMargin = 0.08

    public init() {}

    /// Adds training text for a language variant (the script is read from the text).
    public mutating func train(_ text: String, language: LanguageCode, analyzer: Analyzer) {
        let analyzed = analyzer.analyze(text)
        guard analyzed.script != .unknown else { return }
        let variant = LanguageVariant(language: language, script: analyzed.script)
        add(Self.features(of: analyzed.words), to: variant)
        if analyzed.script == .latin {
            // Residents often drop ä, ö, å: learn the bare form too.
            let bare = analyzed.words.map { TextNormalizer.removeMarks($0) }
            if bare != analyzed.words { add(Self.features(of: bare), to: variant) }
        }
    }

    private mutating func add(_ features: [UInt64: Float], to variant: LanguageVariant) {
        var table = counts[variant, default: [:]]
        for (feature, count) in features { table[feature, default: 0] += count }
        counts[variant] = table
        totals[variant, default: 0] += features.values.reduce(0, +)
    }

    /// Call once after training: fixes the smoothing vocabulary.
    public mutating func finish() {
        var vocabulary = Set<UInt64>()
        for table in counts.values { vocabulary.formUnion(table.keys) }
        vocabularySize = Float(max(vocabulary.count, 1))
    }

    /// The variants the model knows.
    public var variants: [LanguageVariant] { counts.keys.sorted { $0.description < $1.description } }

    /// The language of a message, or nil when it is too short or too ambiguous to tell.
    public func identify(_ analyzed: AnalyzedText) -> LanguageGuess? {
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

    /// Every candidate variant of the message's script with its average log-likelihood, best first.
    public func rank(_ analyzed: AnalyzedText) -> [(variant: LanguageVariant, score: Double)] {
        let features = Self.features(of: analyzed.words)
        let total = features.values.reduce(0, +)
        guard total > 0 else { return [] }
        var ranked: [(variant: LanguageVariant, score: Double)] = []
        for (variant, table) in counts where variant.script == analyzed.script {
            let denominator = (totals[variant] ?? 0) + vocabularySize * 0.5
            var logLikelihood: Double = 0
            for (feature, count) in features {
                let probability = ((table[feature] ?? 0) + 0.5) / denominator
                logLikelihood += Double(count) * Double(logf(probability))
            }
            ranked.append((variant, logLikelihood / Double(total)))
        }
        return ranked.sorted { $0.score > $1.score || ($0.score == $1.score && $0.variant.description < $1.variant.description) }
    }

    /// Character 1–3-grams inside word boundaries, and whole words (weighted more: a known
    /// word is strong evidence in a two-word message).
    static func features(of words: [String]) -> [UInt64: Float] {
        var features: [UInt64: Float] = [:]
        for word in words {
            let scalars = Array(word.unicodeScalars)
            guard scalars.contains(where: { $0.properties.isAlphabetic }) else { continue }
            features[hashScalars([0x1] + scalars.map(\.value)), default: 0] += 3
            let bounded: [UInt32] = [0x5E] + scalars.map(\.value) + [0x24]
            for length in 1...3 where bounded.count >= length {
                for start in 0...(bounded.count - length) {
                    features[hashScalars(Array(bounded[start..<(start + length)])), default: 0] += 1
                }
            }
        }
        return features
    }

    private static func hashScalars(_ values: [UInt32]) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for scalar in values {
            value ^= UInt64(scalar)
            value = value &* 0x0000_0100_0000_01B3
        }
        return value
    }
}
