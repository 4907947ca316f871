import OpastinKnowledge
@testable import OpastinMatch
import OpastinText
import Testing

/// The index and decision rule on a small, hand-made set of examples.
@Suite struct MatcherTests {
    static let analyzer = try! Analyzer()

    static let utterances: [(intent: String, text: String)] = [
        ("finnish-courses", "suomen kielen kurssi"), ("finnish-courses", "where can I study finnish"),
        ("finnish-courses", "курсы финского языка"), ("finnish-courses", "kurser i finska"),
        ("housing-advice", "asumisneuvonta"), ("housing-advice", "problem with my landlord"),
        ("housing-advice", "проблема с арендодателем"), ("housing-advice", "rådgivning om boende"),
        ("daycare", "päiväkoti paikka lapselle"), ("daycare", "daycare place for my child"),
        ("daycare", "детский сад для ребёнка"), ("daycare", "روضة أطفال"),
        (DialogueAction.outOfScope, "weather tomorrow"), (DialogueAction.outOfScope, "football results"),
        (DialogueAction.outOfScope, "best pizza recipe"), (DialogueAction.outOfScope, "cheap flights to spain"),
    ]

    static let matcher = Matcher(index: IntentIndex(utterances: utterances, analyzer: analyzer), analyzer: analyzer)

    @Test(arguments: [
        ("suomen kurssille", "finnish-courses"),
        ("kursy finskogo", "finnish-courses"),
        ("paivakoti", "daycare"),
        ("детский садик", "daycare"),
        ("asumisneuvontaan", "housing-advice"),
        ("landlord problem", "housing-advice"),
    ])
    func inflectedRomanisedAndUnaccentedFormsReachTheirIntent(text: String, intent: String) {
        #expect(Self.matcher.match(text).ranked.first?.intentID == intent, "\(text)")
    }

    @Test func conceptsCarryAWordToExamplesInOtherLanguages() {
        // No example shares letters with "صاحب البيت" (the landlord); the concept `landlord`
        // links it to the English and Russian landlord examples.
        let concepts = ConceptLexicon(entries: [
            ("landlord", "landlord"), ("landlord", "арендодател*"), ("landlord", "صاحب"),
        ], analyzer: Self.analyzer)
        let withConcepts = Matcher(
            index: IntentIndex(utterances: Self.utterances, analyzer: Self.analyzer, concepts: concepts), analyzer: Self.analyzer)
        #expect(Self.matcher.match("صاحب البيت").ranked.first?.intentID != "housing-advice")
        #expect(withConcepts.match("صاحب البيت").ranked.first?.intentID == "housing-advice")
        #expect(withConcepts.match("daycare place").ranked.first?.intentID == "daycare")
    }

    @Test func conceptPairsAddOnlyWhereAnExampleSharesThem() {
        let concepts = ConceptLexicon(entries: [("landlord", "landlord"), ("child", "child")], analyzer: Self.analyzer)
        let index = IntentIndex(utterances: Self.utterances, analyzer: Self.analyzer, concepts: concepts)
        // Every word of "landlord child" is in some example but no example names both: their
        // pair is ignored, not weighed as something unknown.
        #expect(abs(index.scoreWithCoverage(Self.analyzer.analyze("landlord child")).coverage - 1) < 0.0001)
        // "place" and "child" meet only in a daycare example; housing-advice has one short
        // example for each. A message that names both, in words no example has, goes where
        // they meet, and the pair's bonus leaves every score within 0–1.
        let separately = Self.utterances + [("housing-advice", "place"), ("housing-advice", "child")]
        let lexicon = ConceptLexicon(entries: [
            ("place", "place"), ("place", "mesto"), ("child", "child"), ("child", "rebenok"),
        ], analyzer: Self.analyzer)
        let withPairs = IntentIndex(utterances: separately, analyzer: Self.analyzer, concepts: lexicon)
        let ranked = withPairs.score(Self.analyzer.analyze("mesto rebenok"))
        #expect(ranked.first?.intentID == "daycare", "\(ranked.prefix(2).map { ($0.intentID, $0.score) })")
        #expect(ranked.allSatisfy { $0.score <= 1 })
        // A known pair adds to the scores but not to how much of the message is known.
        #expect(abs(withPairs.scoreWithCoverage(Self.analyzer.analyze("place child")).coverage - 1) < 0.0001)
    }

    @Test func outOfScopeExamplesLeadToTheFallback() {
        #expect(Self.matcher.match("weather tomorrow in lapland").decision == .fallback)
        #expect(Self.matcher.match("zzzz qqqq").decision == .fallback)
        #expect(Self.matcher.match("").decision == .fallback)
    }

    @Test func scoresAreSortedAndBetweenZeroAndOne() {
        let ranked = Self.matcher.match("finnish course for my child").ranked
        #expect(ranked.count >= 2)
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(ranked.allSatisfy { $0.score >= 0 && $0.score <= 1.0001 })
    }

    @Test func closeScoresAskForClarification() {
        var matcher = Self.matcher
        matcher.policy.clarifyMargin = 1
        matcher.policy.minimumScore = 0
        matcher.policy.outOfScopeMargin = 0
        matcher.policy.certainScore = 2
        guard case .clarify(let options) = matcher.match("finnish course for my child daycare").decision else {
            Issue.record("expected a clarification")
            return
        }
        #expect(options.count >= 2)
        #expect(!options.contains(DialogueAction.outOfScope))
    }

    /// A long message, whose situation dilutes its similarity to every example, is answered
    /// at a lower score than a short one.
    @Test func longMessagesHaveALowerBar() {
        var matcher = Self.matcher
        matcher.policy.minimumScore = 0.99
        matcher.policy.longMessageMinimumScore = 0.05
        matcher.policy.longMessageWords = 8
        #expect(matcher.match("suomen kielen kurssi").decision == .fallback)
        let long = "olen asunut täällä vuoden ja nyt haluaisin vihdoin suomen kielen kurssi"
        #expect(matcher.match(long).decision == .answer(intentID: "finnish-courses"))
        matcher.policy.longMessageWords = 20
        #expect(matcher.match(long).decision == .fallback)
    }

    /// A message whose best intent is one a person in distress needs is answered with the
    /// out-of-scope examples nearer than they may come to any other intent.
    @Test func safetyIntentsTolerateCloserOutOfScopeExamples() throws {
        var matcher = Self.matcher
        matcher.policy.minimumScore = 0
        let text = "problem with my landlord and the weather tomorrow"
        let ranked = matcher.match(text).ranked
        let best = try #require(ranked.first)
        let outOfScope = try #require(ranked.first { $0.intentID == DialogueAction.outOfScope })
        #expect(best.intentID == "housing-advice")
        let gap = best.score - outOfScope.score
        #expect(gap > 0.02)
        matcher.policy.outOfScopeMargin = gap + 0.01
        matcher.policy.safetyOutOfScopeMargin = gap - 0.01
        matcher.policy.safetyIntents = []
        #expect(matcher.match(text).decision == .fallback)
        matcher.policy.safetyIntents = ["housing-advice"]
        #expect(matcher.match(text).decision == .answer(intentID: "housing-advice"))
    }

    /// Under the thresholds, a message that names a distress concept is still answered when
    /// its best intent is a safety intent; without the concept, or with another intent first,
    /// it falls back as before.
    @Test func distressConceptsLetASafetyIntentAnswerBelowTheThresholds() throws {
        let concepts = ConceptLexicon(entries: [("crisis", "hopeless"), ("crisis", "toivoton")], analyzer: Self.analyzer)
        var matcher = Matcher(
            index: IntentIndex(utterances: Self.utterances, analyzer: Self.analyzer, concepts: concepts), analyzer: Self.analyzer)
        matcher.policy.safetyIntents = ["housing-advice"]
        matcher.policy.distressConcepts = ["crisis"]
        matcher.policy.acuteDistressConcepts = []
        let distressed = "hopeless landlord problem", plain = "landlord problem"
        let best = try #require(matcher.match(distressed).ranked.first)
        #expect(best.intentID == "housing-advice")
        // The usual minimum is out of reach of every message, the net's is not.
        matcher.policy.minimumScore = 2
        matcher.policy.longMessageMinimumScore = 2
        matcher.policy.distressMinimumScore = best.score - 0.05
        #expect(matcher.match(distressed).decision == .answer(intentID: "housing-advice"))
        #expect(matcher.match(plain).decision == .fallback)
        // Not when the net's own minimum is out of reach either.
        matcher.policy.distressMinimumScore = best.score + 0.01
        #expect(matcher.match(distressed).decision == .fallback)
        // Not for an intent that is not a safety intent.
        matcher.policy.distressMinimumScore = 0
        matcher.policy.safetyIntents = ["daycare"]
        #expect(matcher.match(distressed).decision == .fallback)
    }

    @Test func anAcuteDistressConceptTakesTheBestSafetyIntentEvenBehindAnother() throws {
        let concepts = ConceptLexicon(entries: [("crisis", "hopeless")], analyzer: Self.analyzer)
        var matcher = Matcher(
            index: IntentIndex(utterances: Self.utterances, analyzer: Self.analyzer, concepts: concepts), analyzer: Self.analyzer)
        matcher.policy.minimumScore = 2
        matcher.policy.longMessageMinimumScore = 2
        matcher.policy.distressMinimumScore = 0.01
        matcher.policy.distressConcepts = ["crisis"]
        // Housing first, daycare behind it; daycare stands in for the safety intent.
        let distressed = "hopeless landlord problem for my child"
        let ranked = matcher.match(distressed).ranked.filter { $0.intentID != DialogueAction.outOfScope }.map(\.intentID)
        #expect(ranked.prefix(2) == ["housing-advice", "daycare"], "\(ranked)")
        matcher.policy.safetyIntents = ["daycare"]
        matcher.policy.acuteDistressConcepts = ["crisis"]
        #expect(matcher.match(distressed).decision == .answer(intentID: "daycare"))
        // A distress concept that is not acute keeps the rule that the best intent must be one.
        matcher.policy.acuteDistressConcepts = []
        #expect(matcher.match(distressed).decision == .fallback)
        // Without a distress concept, nothing.
        matcher.policy.acuteDistressConcepts = ["crisis"]
        #expect(matcher.match("landlord problem for my child").decision == .fallback)
    }

    @Test func indexSurvivesItsBinaryForm() throws {
        var writer = BinaryWriter()
        Self.matcher.index.encode(into: &writer)
        var reader = BinaryReader(writer.bytes)
        let copy = try IntentIndex(decoding: &reader)
        #expect(reader.isAtEnd)
        for text in ["suomen kurssille", "детский садик", "weather"] {
            let analyzed = Self.analyzer.analyze(text)
            #expect(copy.score(analyzed) == Self.matcher.index.score(analyzed))
        }
    }

    /// Past 64 intents, intents share bits in a feature's intent mask (0 and 64, 5 and 69),
    /// and scoring must find each one's postings by reading the runs instead.
    @Test func moreThanSixtyFourIntentsEachFindTheirOwnExamples() throws {
        func word(_ number: Int) -> String {
            String(String.UnicodeScalarView((0..<3).map { Unicode.Scalar(UInt8(ascii: "a") + UInt8(number / [1, 26, 676][$0] % 26)) })) + "zork"
        }
        var utterances: [(intent: String, text: String)] = []
        for intent in 0..<70 {
            // Each intent has its own word, and shares one with the intent 64 away.
            let partner = intent % 64
            utterances += [("t\(intent)", "\(word(intent)) vrel"), ("t\(intent)", "\(word(intent)) \(word(100 + partner))"),
                           ("t\(intent)", "pim \(word(intent))")]
        }
        let index = IntentIndex(utterances: utterances, analyzer: Self.analyzer)
        var writer = BinaryWriter()
        index.encode(into: &writer)
        var reader = BinaryReader(writer.bytes)
        let copy = try IntentIndex(decoding: &reader)
        for intent in [0, 5, 63, 64, 69] {
            let analyzed = Self.analyzer.analyze(word(intent))
            #expect(index.score(analyzed).first?.intentID == "t\(intent)")
            #expect(copy.score(analyzed) == index.score(analyzed))
        }
        let shared = index.score(Self.analyzer.analyze(word(105))).prefix(2).map(\.intentID)
        #expect(Set(shared) == ["t5", "t69"])
    }

    /// The classifier may only settle on an intent the index itself put forward.
    @Test func secondOpinionChoosesAmongTheIntentsTheIndexPutForward() {
        let ranked = [("out-of-scope", 0.3), ("a", 0.25), ("b", 0.2), ("c", 0.1)].map {
            IntentScore(intentID: $0.0, score: $0.1, closestExample: "")
        }
        #expect(Matcher.intentsPutForward(by: .fallback, ranked, runnerUpLead: 0.1) == ["a", "b"])
        #expect(Matcher.intentsPutForward(by: .clarify(intentIDs: ["b", "c"]), ranked, runnerUpLead: 0.1) == ["b", "c"])
        // An answer: only its runner-up, and only when it is close.
        #expect(Matcher.intentsPutForward(by: .answer(intentID: "a"), ranked, runnerUpLead: 0.1) == ["b"])
        #expect(Matcher.intentsPutForward(by: .answer(intentID: "a"), ranked, runnerUpLead: 0.04).isEmpty)
        #expect(Matcher.intentsPutForward(by: .answer(intentID: "a"), Array(ranked.prefix(2)), runnerUpLead: 0.1).isEmpty)
    }

    /// A cache file whose index blocks were damaged is refused, not read out of bounds: each
    /// kind of word (centroid, run, posting) is checked against what it may hold.
    @Test func damagedIndexBlocksAreRejected() throws {
        var writer = BinaryWriter()
        Self.matcher.index.encode(into: &writer)
        // The binary form in its order (see `IntentIndex.encode`), to change one block word.
        var reader = BinaryReader(writer.bytes)
        let intentIDs = try reader.readStrings(), firstExample = try reader.readArray(of: Int32.self)
        let examples = try reader.readStrings(), keys = try reader.readArray(of: UInt64.self)
        let entries = try reader.readArray(of: IntentIndex.FeatureEntry.self)
        let blocks = try reader.readArray(of: IntentIndex.BlockWord.self)
        let rest = try (reader.readFloat(), reader.readFloat(), reader.readInt(), ConceptLexicon(decoding: &reader))
        func encoded(_ blocks: [IntentIndex.BlockWord]) -> [UInt8] {
            var writer = BinaryWriter()
            writer.write(intentIDs)
            writer.write(firstExample)
            writer.write(examples)
            writer.write(keys)
            writer.write(entries)
            writer.write(blocks)
            writer.write(rest.0)
            writer.write(rest.1)
            writer.write(rest.2)
            rest.3.encode(into: &writer)
            return writer.bytes
        }
        var unchanged = BinaryReader(encoded(blocks))
        #expect(throws: Never.self) { try IntentIndex(decoding: &unchanged) }
        let entry = try #require(entries.first { $0.centroidCount > 0 && $0.runCount > 0 })
        let damages: [(String, Int, IntentIndex.BlockWord)] = [
            ("a centroid of an intent that does not exist", entry.centroids.lowerBound, .centroid(intent: 999, weight: 0.5)),
            ("a run ending past the postings", entry.runs.upperBound - 1, .run(intent: blocks[entry.runs.upperBound - 1].intent, end: 999)),
            ("a posting of an example its intent does not have", entry.postingsStart, .posting(example: 9_999, weight: 0.5)),
            ("a posting weighing nothing", entry.postingsStart, .posting(example: blocks[entry.postingsStart].example, weight: 0)),
        ]
        for (damage, position, word) in damages {
            var damaged = blocks
            damaged[position] = word
            var reader = BinaryReader(encoded(damaged))
            #expect(throws: BinaryReader.Corrupt.self, "\(damage)") { try IntentIndex(decoding: &reader) }
        }
    }

    @Test func truncatedBinaryFormIsRejected() {
        var writer = BinaryWriter()
        Self.matcher.index.encode(into: &writer)
        var reader = BinaryReader(Array(writer.bytes.prefix(writer.bytes.count / 2)))
        #expect(throws: BinaryReader.Corrupt.self) { try IntentIndex(decoding: &reader) }
    }
}

@Suite struct ConfidenceTests {
    @Test func confidenceGrowsWithScoreAndLeadAndStaysInRange() {
        let matcher = MatcherTests.matcher
        let clear = matcher.match("suomen kielen kurssi").confidence
        let vague = matcher.match("kurssi lapselle kodin").confidence
        let nothing = matcher.match("qqq zzz").confidence
        #expect(clear > vague)
        #expect(vague >= nothing)
        for value in [clear, vague, nothing] { #expect(value >= 0 && value <= 1) }
    }
}
