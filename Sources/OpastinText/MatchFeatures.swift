/// The features a message is matched on, from its Latin keys: whole words, word stems
/// (the first letters, which carry Finnish compounds and inflected forms), character
/// n-grams inside word boundaries (robust to typos and endings), and consonant skeletons
/// (romanised Arabic drops vowels that Arabizi writes, and the other way round).
///
/// Features are 64-bit hashes: matching compares numbers, not strings.
public enum MatchFeatures {
    /// The kinds of feature, kept apart in the hash so a word never collides with an n-gram.
    enum Kind: UInt64 {
        case word = 1, stem = 2, gram3 = 3, gram4 = 4, skeleton = 5
    }

    /// The length of the prefix used as a stem.
    static let stemLength = 5

    /// Feature hashes with their counts.
    public static func extract(keys: [String]) -> [UInt64: Float] {
        var features: [UInt64: Float] = [:]
        features.reserveCapacity(keys.count * 16)
        for key in keys {
            let bytes = Array(key.utf8)
            guard !bytes.isEmpty else { continue }
            features[hash(.word, bytes[...]), default: 0] += 1
            if bytes.count > stemLength {
                features[hash(.stem, bytes[..<stemLength]), default: 0] += 1
            }
            let bounded = [UInt8(ascii: "^")] + bytes + [UInt8(ascii: "$")]
            addGrams(of: bounded, length: 3, kind: .gram3, into: &features)
            addGrams(of: bounded, length: 4, kind: .gram4, into: &features)
            let skeleton = bounded.filter { !vowels.contains($0) }
            if skeleton.count >= 4 { addGrams(of: skeleton, length: 3, kind: .skeleton, into: &features) }
        }
        return features
    }

    private static let vowels: Set<UInt8> = Set("aeiouv".utf8)

    private static func addGrams(of bytes: [UInt8], length: Int, kind: Kind, into features: inout [UInt64: Float]) {
        guard bytes.count >= length else { return }
        for start in 0...(bytes.count - length) {
            features[hash(kind, bytes[start..<(start + length)]), default: 0] += 1
        }
    }

    /// FNV-1a over the bytes, seeded by the kind.
    static func hash(_ kind: Kind, _ bytes: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325 ^ (kind.rawValue &* 0x9E37_79B9_7F4A_7C15)
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
        return value
    }
}
