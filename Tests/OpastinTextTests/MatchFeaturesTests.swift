import OpastinText
import Testing

/// The matching features of a message: words, stems and n-grams, each counted once per use.
@Suite struct MatchFeaturesTests {
    @Test func featuresAreDistinctAndCountEveryUse() {
        let features = MatchFeatures.extract(keys: ["kurssi", "kurssi", "kurs"])
        #expect(Set(features.map(\.feature)).count == features.count)
        // Per key: the word, a stem when longer than five letters, 3-grams and 4-grams of the
        // word between its boundary marks: kurssi 1 + 1 + 6 + 5, kurs 1 + 0 + 4 + 3.
        #expect(features.reduce(0) { $0 + $1.count } == 13 + 13 + 8)
        // The same as counting each key's features apart and adding them up.
        var expected: [UInt64: Float] = [:]
        for key in ["kurssi", "kurssi", "kurs"] {
            for (feature, count) in MatchFeatures.extract(keys: [key]) { expected[feature, default: 0] += count }
        }
        #expect(Dictionary(uniqueKeysWithValues: features.map { ($0.feature, $0.count) }) == expected)
        #expect(features.filter { $0.count >= 2 }.count == 13, "kurssi's features, at least twice")
    }

    @Test func eachFeatureCarriesItsKind() {
        // kurs: the word, no stem (four letters), 4 3-grams and 3 4-grams of "^kurs$".
        let kinds = MatchFeatures.extract(keys: ["kurs"]).map { MatchFeatures.kind(of: $0.feature) }
        #expect(kinds.filter { $0 == .word }.count == 1)
        #expect(kinds.filter { $0 == .stem }.isEmpty)
        #expect(kinds.filter { $0 == .gram3 }.count == 4)
        #expect(kinds.filter { $0 == .gram4 }.count == 3)
        var pairs: [UInt64] = []
        MatchFeatures.forEachPair(of: [1, 2, 3]) { pairs.append($0) }
        #expect(pairs.count == 3 && pairs.allSatisfy { MatchFeatures.kind(of: $0) == .conceptPair })
    }

    @Test func noKeysNoFeatures() {
        #expect(MatchFeatures.extract(keys: []).isEmpty)
        #expect(MatchFeatures.extract(keys: [""]).isEmpty)
    }
}
