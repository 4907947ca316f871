import OpastinMatch
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
