@testable import OpastinText
import Testing

/// The language model's features against their definition, written plainly: per word with a
/// letter, bounded by `^` and `$`, the whole word (counted 3), then every 1-, 2- and 3-gram
/// (counted 1), shortest first, each length in start order.
@Suite struct LanguageFeatureTests {
    static func reference(_ words: [String]) -> [(feature: UInt64, count: Float)] {
        var features: [(feature: UInt64, count: Float)] = []
        for word in words where word.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) {
            let bounded = [UInt32(0x5E)] + word.unicodeScalars.map(\.value) + [0x24]
            var whole = FNV1a(seed: 1)
            for scalar in bounded { whole.mix(UInt64(scalar)) }
            features.append((whole.value, 3))
            for length in 1...3 {
                for start in 0...(bounded.count - length) {
                    var gram = FNV1a(seed: 0)
                    for scalar in bounded[start..<(start + length)] { gram.mix(UInt64(scalar)) }
                    features.append((gram.value, 1))
                }
            }
        }
        return features
    }

    @Test(arguments: [["a"], ["ab", "c"], ["kurssi", "123", "päiväkoti"], ["как", "записаться"], ["دورة"], [], ["!?"]])
    func featuresAreBoundedGramsAndWords(words: [String]) {
        let features = LanguageIdentifier.features(of: words)
        let expected = Self.reference(words)
        #expect(features.map(\.feature) == expected.map(\.feature))
        #expect(features.map(\.count) == expected.map(\.count))
    }
}
