@testable import OpastinMatch
import OpastinText
import Testing

/// The linear SVM that gives the matcher its second opinion.
@Suite struct LinearClassifierTests {
    static let classifier = LinearClassifier(examples: [
        ("daycare", "päiväkotipaikka lapselle"), ("daycare", "daycare place for my child"), ("daycare", "детский сад для ребёнка"),
        ("daycare", "paivakoti hakemus"), ("daycare", "how to apply for daycare"),
        ("housing", "vuokra-asunto helsingistä"), ("housing", "looking for a rental flat"), ("housing", "ищу квартиру в аренду"),
        ("housing", "asunto vuokralle"), ("housing", "apartment for rent"),
        ("weather", "sää huomenna"), ("weather", "weather tomorrow"), ("weather", "погода завтра"),
        ("weather", "sataako huomenna"), ("weather", "will it rain tomorrow"),
    ])

    @Test(arguments: [
        ("päiväkoti hakemus lapselle", "daycare"), ("rental apartment", "housing"), ("квартира в аренду", "housing"),
        ("what's the weather tomorrow", "weather"),
    ])
    func picksTheClassOfSimilarText(text: String, expected: String) {
        #expect(Self.classifier.predict(text) == expected)
    }

    @Test func textWithNothingKnownHasNoClass() {
        #expect(Self.classifier.predict("😀 ✓") == nil)
        #expect(Self.classifier.predict("") == nil)
    }

    @Test func binaryFormRoundTrips() throws {
        var writer = BinaryWriter()
        Self.classifier.encode(into: &writer)
        var reader = BinaryReader(writer.bytes)
        let copy = try LinearClassifier(decoding: &reader)
        #expect(reader.isAtEnd)
        for text in ["päiväkoti", "weather", "квартира", "xyz"] {
            #expect(copy.predict(text) == Self.classifier.predict(text))
        }
    }
}

/// The classifier's n-grams against scikit-learn's `char_wb` definition, written plainly.
@Suite struct ClassifierGramTests {
    /// Each word padded with a space on both sides; per length 2…5, every substring of that
    /// length, or the whole padded word once when it is shorter; then the extra features.
    static func reference(_ text: String, more: [UInt64]) -> [UInt64] {
        var grams: [UInt64] = []
        for word in text.split(whereSeparator: \.isWhitespace) {
            let padded = [UInt32(0x20)] + word.unicodeScalars.map(\.value) + [0x20]
            for length in 2...5 {
                let starts = padded.count >= length ? Array(0...(padded.count - length)) : [0]
                for start in starts {
                    var hash = FNV1a(seed: 0x5EED)
                    for scalar in padded[start..<min(start + length, padded.count)] { hash.mix(UInt64(scalar)) }
                    grams.append(hash.value)
                }
            }
        }
        return grams + more
    }

    @Test(arguments: ["a", "ab", "abc", "abcd", "päiväkoti", "x yz  kurssi\tjoo", "как записаться", "دورة", "  ", ""])
    func gramsAreCharWordBoundedNGrams(text: String) {
        #expect(LinearClassifier.grams(of: text, more: [7, 9]) == Self.reference(text, more: [7, 9]))
    }
}
