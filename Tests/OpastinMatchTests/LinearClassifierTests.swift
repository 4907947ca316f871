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

/// Common n-grams (weighing for at least half the classes) are added eight classes at a time
/// from dense rows: every decision value must be exactly what the sparse rows give.
@Suite struct ClassifierDenseRowTests {
    /// Nine classes sharing their common words, so that many n-grams weigh for most classes.
    static let examples: [(label: String, text: String, more: [UInt64])] = [
        "courses", "housing", "daycare", "health", "work", "school", "interpreting", "library", "taxes",
    ].flatMap { topic in
        ["where can I find \(topic) help", "how do I get \(topic) in the city", "I need \(topic) for my family",
         "\(topic) information please", "tell me about \(topic) services"].map { (topic, $0, [UInt64]()) }
    }

    @Test func denseRowsDecideExactlyAsSparseRows() throws {
        let dense = LinearClassifier(examples: Self.examples, cost: 1, epochs: 6, denseRows: true)
        let sparse = LinearClassifier(examples: Self.examples, cost: 1, epochs: 6, denseRows: false)
        // Some rows went dense (their lanes count in the size).
        #expect(dense.size.weights != sparse.size.weights)
        var writer = BinaryWriter()
        dense.encode(into: &writer)
        var reader = BinaryReader(writer.bytes)
        let decoded = try LinearClassifier(decoding: &reader)
        for text in ["where can I find housing", "health help for my family", "the city library", "taxes?", "how do I get help"] {
            let expected = try #require(sparse.decisionValues(text))
            #expect(dense.decisionValues(text) == expected)
            #expect(decoded.decisionValues(text) == expected)
            #expect(dense.predict(text) == sparse.predict(text))
        }
        #expect(dense.predict("where can I find housing") == "housing")
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
