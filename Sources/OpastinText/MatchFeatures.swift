/// The features a message is matched on, from its Latin keys: whole words, word stems
/// (the first letters, which carry Finnish compounds and inflected forms), and character
/// 3- and 4-grams inside word boundaries (robust to typos and endings). 4-grams alone halve
/// the features and take a quarter off the matching time, but answered one in-scope and one
/// out-of-scope development message fewer; consonant-skeleton n-grams were tried for
/// Arabizi and measured no better. With a
/// `ConceptLexicon`, also the concepts the words name, which meet across languages, and
/// each pair of them.
///
/// Features are 64-bit hashes: matching compares numbers, not strings.
public enum MatchFeatures {
    /// The kinds of feature, kept apart in the hash so a word never collides with an n-gram.
    public enum Kind: UInt64, Sendable {
        case word = 1, stem = 2, gram3 = 3, gram4 = 4, concept = 5, conceptPair = 6
    }

    /// A feature's kind is written in its hash's top three bits (the other 61 are the
    /// hash), so the index can treat kinds differently without a table of them.
    static func tagged(_ hash: UInt64, _ kind: Kind) -> UInt64 {
        hash & (1 << 61 - 1) | kind.rawValue << 61
    }

    /// The kind of a feature made here.
    public static func kind(of feature: UInt64) -> Kind? {
        Kind(rawValue: feature >> 61)
    }

    /// The length of the prefix used as a stem.
    static let stemLength = 5

    /// A message's features: those of its keys, the concepts its words name (in its
    /// `language`'s lists, or all lists when the language is not known), and the pairs of
    /// those concepts, which come last, from `pairsStart` on.
    public static func extract(
        _ analyzed: AnalyzedText, concepts: ConceptLexicon, language: LanguageCode? = nil
    ) -> (features: [(feature: UInt64, count: Float)], pairsStart: Int) {
        let allowed = concepts.allowed(for: language)
        concepts.prefetch(analyzed)
        var named: [UInt64] = []
        var features = extract(keys: analyzed.keys) { hashes in
            for (form, written) in zip(analyzed.lexicalForms, analyzed.writtenForms) {
                // Once per word that names it: weighed more (counted two or three times), concepts
                // answered more in-scope development messages but also more out-of-scope ones.
                concepts.forEachConcept(of: form, written: written, allowed: allowed) { concept in
                    hashes.append(concept)
                    if !named.contains(concept) { named.append(concept) }
                }
            }
        }
        let pairsStart = features.count
        forEachPair(of: named) { features.append(($0, conceptPairCount)) }
        return (features, pairsStart)
    }

    /// The most concepts of one message that are paired (8 make 28 pairs).
    static let pairedConcepts = 8

    /// A concept pair weighs as a feature seen this many times. Two concepts together say
    /// more than either alone ("study" with "work" is a young person choosing a path, not a
    /// language course at work). Chosen on the dev sets: 1, 2, 3 and 5 answered 443, 446, 445
    /// and 446 of 456 in-scope messages right (440 without pairs); 2 kept the most
    /// out-of-scope messages null.
    static let conceptPairCount: Float = 2

    /// Calls `body` with the feature of each pair of the first `pairedConcepts` distinct
    /// concepts, the same whichever comes first.
    public static func forEachPair(of concepts: [UInt64], _ body: (UInt64) -> Void) {
        let paired = concepts.prefix(pairedConcepts)
        for (position, first) in paired.enumerated() {
            for second in paired.dropFirst(position + 1) {
                var hash = FNV1a(seed: Kind.conceptPair.rawValue &* 0x9E37_79B9_7F4A_7C15)
                hash.mix(min(first, second))
                hash.mix(max(first, second))
                body(tagged(hash.value, .conceptPair))
            }
        }
    }

    /// Feature hashes with their counts, in order of first appearance.
    public static func extract(
        keys: [String], adding more: (inout [UInt64]) -> Void = { _ in }
    ) -> [(feature: UInt64, count: Float)] {
        var hashes: [UInt64] = []
        hashes.reserveCapacity(keys.count * 24)
        var bounded: [UInt8] = []
        for key in keys {
            bounded.removeAll(keepingCapacity: true)
            bounded.append(UInt8(ascii: "^"))
            bounded.append(contentsOf: key.utf8)
            bounded.append(UInt8(ascii: "$"))
            let letters = bounded.count - 2
            guard letters > 0 else { continue }
            hashes.append(hash(.word, bounded, 1, letters))
            if letters > stemLength { hashes.append(hash(.stem, bounded, 1, stemLength)) }
            addGrams(bounded, length: 3, kind: .gram3, into: &hashes)
            addGrams(bounded, length: 4, kind: .gram4, into: &hashes)
        }
        more(&hashes)
        return counted(hashes)
    }

    /// Each distinct hash with how often it occurs, in order of first appearance: counted in
    /// a small open-addressing table (sorting the hashes to count them took a twentieth of a
    /// reply).
    public static func counted(_ hashes: [UInt64]) -> [(feature: UInt64, count: Float)] {
        var features: [(feature: UInt64, count: Float)] = []
        features.reserveCapacity(hashes.count)
        guard !hashes.isEmpty else { return features }
        let mask = (hashes.count * 2).nextPowerOfTwo - 1
        // Each slot holds 1 + the position of its hash in `features`; 0 is empty. On the
        // stack: an array cost a heap allocation and a generic-metadata lookup per message.
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: mask + 1) { slots in
            slots.initialize(repeating: 0)
            for hash in hashes {
                var slot = Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
                while true {
                    let entry = Int(slots[slot])
                    if entry == 0 {
                        features.append((hash, 1))
                        slots[slot] = Int32(features.count)
                        break
                    }
                    if features[entry - 1].feature == hash {
                        features[entry - 1].count += 1
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        return features
    }

    private static func addGrams(_ bytes: [UInt8], length: Int, kind: Kind, into hashes: inout [UInt64]) {
        guard bytes.count >= length else { return }
        for start in 0...(bytes.count - length) { hashes.append(hash(kind, bytes, start, length)) }
    }

    /// FNV-1a over `length` bytes from `start`, seeded by the kind.
    @inline(__always)
    static func hash(_ kind: Kind, _ bytes: [UInt8], _ start: Int, _ length: Int) -> UInt64 {
        var hash = FNV1a(seed: kind.rawValue &* 0x9E37_79B9_7F4A_7C15)
        for index in start..<(start + length) { hash.mix(UInt64(bytes[index])) }
        return tagged(hash.value, kind)
    }
}

extension Int {
    /// The smallest power of two at least this large (1 for 0 and below).
    var nextPowerOfTwo: Int {
        self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount)
    }
}

