import OpastinText
import Testing

/// Concepts link words across languages, scripts and spellings into one matching feature.
@Suite struct ConceptLexiconTests {
    static let analyzer = try! Analyzer()
    static let lexicon = ConceptLexicon(entries: [
        ("landlord", "landlord"), ("landlord", "vuokranantaja*"), ("landlord", "арендодател*"),
        ("work", "عمل"), ("work", "shughl"), ("work", "työ"),
        ("rent", "vuokra*"), ("home", "vuokra*"),
    ], analyzer: analyzer)

    /// The features a lexicon adds to a text: its concepts (without their pairs).
    private func concepts(_ text: String, _ lexicon: ConceptLexicon = Self.lexicon) -> Set<UInt64> {
        let analyzed = Self.analyzer.analyze(text)
        let plain = Set(MatchFeatures.extract(keys: analyzed.keys).map(\.feature))
        let (features, pairsStart) = MatchFeatures.extract(analyzed, concepts: lexicon)
        let withConcepts = Set(features[..<pairsStart].map(\.feature))
        #expect(plain.isSubset(of: withConcepts))
        return withConcepts.subtracting(plain)
    }

    /// The concept-pair features of a text.
    private func pairs(_ text: String) -> Set<UInt64> {
        let (features, pairsStart) = MatchFeatures.extract(Self.analyzer.analyze(text), concepts: Self.lexicon)
        return Set(features[pairsStart...].map(\.feature))
    }

    @Test func twoConceptsMakeOnePairWhateverTheirOrderLanguageOrScript() {
        let pair = pairs("landlord työ")
        #expect(pair.count == 1)
        #expect(pairs("työ landlord") == pair)
        #expect(pairs("арендодателю عمل") == pair)
        #expect(pair.isDisjoint(with: concepts("landlord työ")), "a pair is a feature of its own")
        #expect(pairs("landlord landlord").isEmpty, "a concept does not pair with itself")
        #expect(pairs("landlord").isEmpty)
        #expect(pairs("vuokrasopimus landlord").count == 3, "three concepts make three pairs")
        // The classifier's concept features carry the same pairs.
        let analyzed = Self.analyzer.analyze("landlord työ")
        #expect(Set(Self.lexicon.features(in: analyzed, language: nil)).isSuperset(of: pair))
    }

    @Test func wordsOfOneConceptShareOneFeatureAcrossScripts() {
        let finnish = concepts("vuokranantajalle")
        #expect(finnish.count == 1)
        #expect(concepts("арендодателю") == finnish)
        #expect(concepts("my landlord") == finnish)
        #expect(concepts("بدي عمل") == concepts("bde shughl"))
        #expect(concepts("بدي عمل") != finnish)
    }

    @Test func otherScriptsAreMatchedAsWrittenNotByTheirLatinKeys() {
        // عمل and ملل share the Latin key `ml`; only the entry's own word names its concept.
        #expect(!concepts("عمل").isEmpty)
        #expect(concepts("ملل").isEmpty)
        #expect(concepts("arendodatelyu").isEmpty, "a Cyrillic entry does not match Latin letters")
        #expect(concepts("VUOKRANANTAJALLE") == concepts("vuokranantajalle"))
    }

    @Test func wholeWordEntriesDoNotMatchLongerWords() {
        #expect(concepts("landlord").count == 1)
        #expect(concepts("landlords").isEmpty)
        #expect(concepts("työ").count == 1)
        #expect(concepts("työt").isEmpty)
    }

    @Test func arabicWordsMatchWithAOneLetterClitic() {
        #expect(concepts("وعمل") == concepts("عمل"))
        #expect(!concepts("وعمل").isEmpty)
        #expect(concepts("والعمل") == concepts("عمل"), "the article after the clitic is stripped too")
        #expect(concepts("يعمل") == concepts("عمل"), "a verb prefix")
        #expect(concepts("ويعمل") == concepts("عمل"), "a clitic and a verb prefix")
        #expect(concepts("مل").isEmpty)
    }

    @Test func oneWordMayNameTwoConcepts() {
        #expect(concepts("vuokrasopimus").count == 2)
    }

    @Test func latinEntriesCountOnlyForMessagesInTheirLanguage() {
        // Somali "koriyaa" (raises children) and Finnish "korjaa" (repairs) fold alike.
        let lexicon = ConceptLexicon(entries: [
            ("parent", "koriyaa", "so"), ("repair", "korja*", "fi"), ("repair", "корректир*", "ru"),
        ], analyzer: Self.analyzer)
        let korjaa = Self.analyzer.analyze("korjaa")
        #expect(lexicon.names(in: korjaa, language: "fi") == ["repair"])
        #expect(lexicon.names(in: korjaa, language: "so") == ["parent"])
        #expect(lexicon.names(in: korjaa, language: nil) == ["parent"], "unknown language: every list, a whole word first")
        #expect(lexicon.names(in: korjaa, language: "xx") == ["parent"], "a language without a list: every list")
        // Other scripts are matched as written, so their entries count in every language.
        #expect(lexicon.names(in: Self.analyzer.analyze("корректировать"), language: "fi") == ["repair"])
    }

    @Test func emptyLexiconAddsNothing() {
        #expect(concepts("vuokranantaja", .empty).isEmpty)
        #expect(ConceptLexicon.empty.isEmpty)
    }

    @Test func exactEntriesTellApartWordsThatFoldAlike() {
        // Swedish rädd (afraid) and råd (advice) both fold to `rad`.
        let lexicon = ConceptLexicon(
            entries: [("advice", "råd", "sv"), ("fear", "=rädd", "sv"), ("advice", "neuvonta", "fi")], analyzer: Self.analyzer)
        func names(_ text: String) -> [String] { lexicon.names(in: Self.analyzer.analyze(text), language: "sv") }
        #expect(names("jag är rädd") == ["fear"])
        #expect(names("JAG ÄR RÄDD") == ["fear"], "case aside, as written")
        #expect(names("jag behöver råd") == ["advice"])
        #expect(names("jag behöver rad") == ["advice"], "typed without its ring, the folded entry still matches")
        #expect(names("jag är radd") == ["advice"], "an exact entry is not folded: without its dots it is råd's key")
        #expect(names("jag är räddare").isEmpty, "an exact entry is a whole word")
        let analyzed = Self.analyzer.analyze("rädd och råd")
        #expect(lexicon.names(ofWordAt: 0, in: analyzed, language: "sv") == ["fear"])
        #expect(lexicon.names(ofWordAt: 2, in: analyzed, language: "sv") == ["advice"])
        #expect(lexicon.names(in: Self.analyzer.analyze("jag är rädd"), language: "fi").isEmpty, "only in its own language")
    }

    @Test func binaryFormRoundTrips() throws {
        var writer = BinaryWriter()
        Self.lexicon.encode(into: &writer)
        var reader = BinaryReader(writer.bytes)
        let decoded = try ConceptLexicon(decoding: &reader)
        #expect(decoded.concepts == Self.lexicon.concepts)
        for text in ["vuokranantajalle", "арендодателю", "وعمل", "vuokrasopimus", "landlords"] {
            #expect(concepts(text, decoded) == concepts(text))
        }
        let scoped = ConceptLexicon(entries: [("parent", "koriyaa", "so"), ("repair", "korja*", "fi")], analyzer: Self.analyzer)
        var scopedWriter = BinaryWriter()
        scoped.encode(into: &scopedWriter)
        var scopedReader = BinaryReader(scopedWriter.bytes)
        let scopedCopy = try ConceptLexicon(decoding: &scopedReader)
        #expect(scopedCopy.languages == ["so", "fi"])
        #expect(scopedCopy.names(in: Self.analyzer.analyze("korjaa"), language: "fi") == ["repair"])
        let exact = ConceptLexicon(entries: [("advice", "råd", "sv"), ("fear", "=rädd", "sv")], analyzer: Self.analyzer)
        var exactWriter = BinaryWriter()
        exact.encode(into: &exactWriter)
        var exactReader = BinaryReader(exactWriter.bytes)
        let exactCopy = try ConceptLexicon(decoding: &exactReader)
        #expect(exactCopy.names(in: Self.analyzer.analyze("rädd för råd"), language: "sv") == ["fear", "advice"])
    }
}
