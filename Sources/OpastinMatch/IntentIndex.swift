internal import CPrefetch
internal import Foundation
public import OpastinKnowledge
public import OpastinText

/// How well one intent fits a message.
public struct IntentScore: Sendable, Equatable {
    public let intentID: String
    /// Cosine similarity of the closest examples, 0–1.
    public let score: Double
    /// The example that matched best, for staff.
    public let closestExample: String
}

/// An inverted index over every example utterance of every intent in every language,
/// analysed the same way as incoming messages, with TF-IDF weights.
///
/// Each feature's postings lie in one block of a flat array, found through an open-addressing
/// table: the intents' centroid weights, then one run of example postings per intent. Scoring first compares the message with every intent's centroid,
/// then reads only the candidate intents' runs. Two bounds keep a match fast as examples
/// grow: features in more than a tenth of all examples are left out (they say little), and
/// each feature keeps only the examples it weighs most in (impact-ordered truncation) — so
/// the work per query feature has a ceiling whatever the example count.
public final class IntentIndex: Sendable {
    private let intentIDs: [String]
    private let exampleText: [String]

    /// Everything scoring needs about one indexed feature, kept together so that looking a
    /// feature up is one cache miss, not one per array.
    struct FeatureEntry: BitwiseCopyable, Sendable {
        /// Inverse document frequency times the damped inverse intent frequency.
        let idf: Float
        /// Where the feature's block starts in `blocks`: its centroid postings, then its runs
        /// (one per intent with example postings, in ascending intent order), then its example
        /// postings, run after run.
        let blockStart: Int32
        /// Bit `intent % 64` is set for every intent with a run, so a feature with no
        /// candidate intent is skipped at once. With at most 64 intents the bits are exact and
        /// locate a run directly: it is the one after as many runs as there are lower bits.
        let intentBits: UInt64
        let postingCount: UInt16
        let runCount: UInt16
        let centroidCount: UInt8

        var centroids: Range<Int> { Int(blockStart)..<(Int(blockStart) + Int(centroidCount)) }
        var runs: Range<Int> { centroids.upperBound..<(centroids.upperBound + Int(runCount)) }
        var postingsStart: Int { runs.upperBound }
        var blockEnd: Int { postingsStart + Int(postingCount) }
    }

    @inline(__always)
    static func bit(_ intent: Int32) -> UInt64 { 1 << UInt64(intent & 63) }

    /// Feature hash → what is known about it.
    private let features: FeatureTable<FeatureEntry>

    /// A weight from 0 to 1 (the vectors are normalised) in 16 bits, in steps of 1/65,535:
    /// far finer than any score difference a decision rests on, at half the memory.
    static func quantized(_ weight: Float) -> UInt16 {
        UInt16((min(max(weight, 0), 1) * 65_535).rounded())
    }

    /// One 32-bit word of a feature's block, two 16-bit halves whose meaning depends on the
    /// part of the block: a centroid posting (intent, weight), a run (intent, where its
    /// postings end, counted from the feature's first posting) or an example posting (the
    /// example's number within its intent, weight). Numbering examples within their intent
    /// (an intent's examples are one block, from `intentFirstExample`) lets them fit 16 bits.
    struct BlockWord: BitwiseCopyable {
        let tag: UInt16
        let value: UInt16

        static func centroid(intent: Int, weight: Float) -> BlockWord { BlockWord(tag: UInt16(intent), value: quantized(weight)) }
        static func run(intent: Int, end: Int) -> BlockWord { BlockWord(tag: UInt16(intent), value: UInt16(end)) }
        static func posting(example: Int, weight: Float) -> BlockWord { BlockWord(tag: UInt16(example), value: quantized(weight)) }

        /// A centroid's or a run's intent.
        var intent: Int { Int(tag) }
        /// A posting's example, numbered within its intent.
        var example: Int { Int(tag) }
        /// A centroid's or a posting's weight.
        var weight: Float { Float(value) * (1 / 65_535) }
        /// Where a run's postings end.
        var runEnd: Int { Int(value) }
    }

    /// An intent's examples are `intentFirstExample[intent]..<intentFirstExample[intent + 1]`.
    private let intentFirstExample: [Int32]
    /// The most examples an intent may have (a posting numbers them in 16 bits); any more
    /// are left out of the index. Intents are numbered in 16 bits too.
    static let maximumExamplesPerIntent = Int(UInt16.max) + 1

    /// Every feature's block, one after another. A feature's data lies in a few adjacent
    /// cache lines (at most 12 centroid postings and `postingsPerFeature` example postings),
    /// so scoring a message costs about two cache misses per feature. Grouping a feature's
    /// postings by intent lets scoring skip the intents that are not candidates.
    private let blocks: [BlockWord]
    /// The weight of a feature never seen in the examples (the highest IDF).
    private let unseenWeight: Float
    /// How much the centroid counts against the nearest examples in an intent's score.
    public let centroidShare: Float
    /// How many intents, by centroid, get their nearest examples scored. Five answered every
    /// development set exactly as eight did (four lost a message), with fewer runs to score.
    public let candidateCount: Int
    private let outOfScopeIntent: Int32?

    /// The number of example utterances indexed.
    public var exampleCount: Int { exampleText.count }

    /// For the benchmark: how many features, intent runs, example and centroid postings the
    /// index holds.
    public var size: (features: Int, runs: Int, postings: Int, centroids: Int) {
        features.entries.reduce(into: (features.count, 0, 0, 0)) { size, entry in
            size.runs += Int(entry.value.runCount)
            size.postings += Int(entry.value.postingCount)
            size.centroids += Int(entry.value.centroidCount)
        }
    }

    /// The concepts messages and examples are matched on besides their words' letters.
    public let concepts: ConceptLexicon

    /// Builds the index from the knowledge base's examples and the locales' concepts.
    public convenience init(knowledge: KnowledgeBase, analyzer: Analyzer, concepts: ConceptLexicon? = nil) {
        var utterances: [(intent: String, text: String)] = []
        var languages: [LanguageCode] = []
        for intent in knowledge.intents {
            for language in intent.examples.keys.sorted() {
                for text in intent.examples[language] ?? [] {
                    utterances.append((intent.id, text))
                    languages.append(language)
                }
            }
        }
        self.init(
            utterances: utterances, languages: languages, analyzer: analyzer,
            concepts: concepts ?? ConceptLexicon(knowledge: knowledge, analyzer: analyzer))
    }

    /// Builds the index from (intent, text) pairs; `languages`, when given, tells each
    /// utterance's language (its concepts are those of its language's lists).
    public init(
        utterances: [(intent: String, text: String)], languages: [LanguageCode]? = nil, analyzer: Analyzer,
        concepts: ConceptLexicon = .empty,
        maximumDocumentShare: Float = 0.1,
        postingsPerFeature: Int = 32, centroidShare: Float = 0.35, candidateCount: Int = 5
    ) {
        // Intents numbered in order of first appearance, their examples grouped.
        var ids: [String] = []
        var idIndex: [String: Int32] = [:]
        var textsByIntent: [[(text: String, language: LanguageCode?)]] = []
        for (number, utterance) in utterances.enumerated() {
            let index = idIndex[utterance.intent] ?? {
                ids.append(utterance.intent)
                textsByIntent.append([])
                idIndex[utterance.intent] = Int32(ids.count - 1)
                return Int32(ids.count - 1)
            }()
            textsByIntent[Int(index)].append((utterance.text, languages?[number]))
        }
        var exampleIntent: [Int32] = []
        var exampleText: [String] = []
        var intentFirstExample: [Int32] = []
        var vectors: [(features: [(feature: UInt64, count: Float)], pairsStart: Int)] = []
        var documentFrequency: [UInt64: Float] = [:]
        // Per feature: how many intents have it, and the last one counted (examples are
        // grouped by intent, so a feature is counted once per intent without a set).
        var featureIntents: [UInt64: (count: Int32, last: Int32)] = [:]
        for (index, texts) in textsByIntent.enumerated() {
            let index = Int32(index)
            intentFirstExample.append(Int32(exampleText.count))
            for (text, language) in texts {
                let analyzed = analyzer.analyze(text)
                let extracted = MatchFeatures.extract(analyzed, concepts: concepts, language: language)
                let features = extracted.features
                guard !features.isEmpty, exampleText.count - Int(intentFirstExample[Int(index)]) < Self.maximumExamplesPerIntent
                else { continue }
                exampleIntent.append(index)
                exampleText.append(text)
                vectors.append(extracted)
                for entry in features {
                    documentFrequency[entry.feature, default: 0] += 1
                    let seen = featureIntents[entry.feature] ?? (0, -1)
                    if seen.last != index { featureIntents[entry.feature] = (seen.count + 1, index) }
                }
            }
        }
        intentFirstExample.append(Int32(exampleText.count))
        let count = Float(max(exampleText.count, 1))
        let ceiling = max(count * maximumDocumentShare, 20)
        // Every feature gets a number and an IDF (so a very common one weighs little in a
        // message's norm); only the others, and no 3-gram, get postings.
        let sortedFeatures = documentFrequency.sorted(by: { $0.key < $1.key })
        var numbers: [UInt64: Int32] = [:]
        numbers.reserveCapacity(sortedFeatures.count)
        var idf: [Float] = []
        var posted: [Bool] = []
        for (feature, frequency) in sortedFeatures {
            numbers[feature] = Int32(idf.count)
            // IDF over examples times inverse intent frequency: a feature every intent has
            // ("how", "helsinki") tells intents apart no better than chance.
            let intentCount = Float(featureIntents[feature]?.count ?? 1)
            let intentWeight = logf(Float(ids.count + 1) / intentCount)
            idf.append((logf((count + 1) / (frequency + 1)) + 1) * Self.intentSpecificity(intentWeight))
            // Letter 3-grams count only in every vector's norm (a long message of unknown words
            // then scores lower); examples and centroids are found through words, stems, 4-grams
            // and concepts. Leaving out the 3-grams' example postings halved the postings scored
            // per message (1,697 → 880, median): on the dev sets as many in-scope messages right
            // (one fewer of dev + dev2, one more of dev3), two fewer rejected, two more CLINC
            // queries null. Leaving out their centroid postings too halved those (611 → 313 per
            // message; 176,645 → 138,744 in all): dev4 one more right, dev out of scope one fewer
            // null, the rest alike; the match time did not change measurably (the centroid stage
            // was already cheap). Without 3-grams at all, six fewer out of scope were null.
            posted.append(frequency <= ceiling && MatchFeatures.kind(of: feature) != .gram3)
        }
        let unseen = (logf(count + 1) + 1) * Self.intentSpecificity(logf(Float(ids.count + 1)))
        var lists = [[(example: Int32, weight: Float)]](repeating: [], count: idf.count)
        var centroidSums = [[Int32: Float]](repeating: [:], count: ids.count)
        for (exampleIndex, vector) in vectors.enumerated() {
            let intent = Int(exampleIntent[exampleIndex])
            let weighed = Self.weigh(vector.features, pairsStart: vector.pairsStart, unseen: unseen) { feature in numbers[feature].map { ($0, idf[Int($0)]) } }.indexed
            for (feature, weight) in weighed where posted[Int(feature)] {
                lists[Int(feature)].append((Int32(exampleIndex), weight))
                centroidSums[intent][feature, default: 0] += weight
            }
        }
        var centroidLists = [[(intent: Int, weight: Float)]](repeating: [], count: idf.count)
        for (intent, centroid) in centroidSums.enumerated() {
            let norm = centroid.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { continue }
            for (feature, weight) in centroid { centroidLists[Int(feature)].append((intent, weight / norm)) }
        }
        // A feature shared by many intents keeps only the intents it weighs most in: the rest
        // add little to any centroid score and much to the work.
        let centroidsPerFeature = 12
        for index in centroidLists.indices {
            centroidLists[index].sort { ($0.weight, $1.intent) > ($1.weight, $0.intent) }
            if centroidLists[index].count > centroidsPerFeature { centroidLists[index].removeSubrange(centroidsPerFeature...) }
        }
        let postingsPerFeature = min(postingsPerFeature, Int(UInt16.max))
        for index in lists.indices where lists[index].count > postingsPerFeature {
            lists[index].sort { $0.weight > $1.weight }
            lists[index].removeSubrange(postingsPerFeature...)
        }
        var entries: [(key: UInt64, value: FeatureEntry)] = []
        entries.reserveCapacity(sortedFeatures.count)
        var blocks: [BlockWord] = []
        for (number, feature) in sortedFeatures.enumerated() {
            let blockStart = Int32(blocks.count)
            blocks += centroidLists[number].map { BlockWord.centroid(intent: $0.intent, weight: $0.weight) }
            // By intent, then by example: each intent's postings are one run.
            // A weight that rounds to 0 adds nothing, and scoring takes a slot still at 0 for
            // one not yet touched.
            let list = lists[number].filter { Self.quantized($0.weight) > 0 }.sorted {
                (exampleIntent[Int($0.example)], $0.example) < (exampleIntent[Int($1.example)], $1.example)
            }
            var runs: [BlockWord] = []
            var postings: [BlockWord] = []
            var intentBits: UInt64 = 0
            for (position, posting) in list.enumerated() {
                let intent = exampleIntent[Int(posting.example)]
                if position + 1 == list.count || exampleIntent[Int(list[position + 1].example)] != intent {
                    runs.append(.run(intent: Int(intent), end: position + 1))
                    intentBits |= Self.bit(intent)
                }
                postings.append(.posting(
                    example: Int(posting.example - intentFirstExample[Int(intent)]), weight: posting.weight))
            }
            blocks += runs
            blocks += postings
            entries.append((feature.key, FeatureEntry(
                idf: idf[number], blockStart: blockStart, intentBits: intentBits, postingCount: UInt16(postings.count),
                runCount: UInt16(runs.count), centroidCount: UInt8(centroidLists[number].count))))
        }
        self.intentIDs = ids
        self.exampleText = exampleText
        self.features = FeatureTable(entries)
        self.intentFirstExample = intentFirstExample
        self.blocks = blocks
        self.centroidShare = centroidShare
        self.candidateCount = candidateCount
        self.outOfScopeIntent = idIndex[DialogueAction.outOfScope]
        self.unseenWeight = unseen
        self.concepts = concepts
    }

    /// How much a feature's spread over intents counts: damped (square root), because a
    /// full inverse intent frequency measured worse on the development set.
    static func intentSpecificity(_ inverseIntentFrequency: Float) -> Float {
        (inverseIntentFrequency + 1).squareRoot()
    }

    /// Sublinear term frequency times IDF, L2-normalised over all features (including
    /// unseen and very common ones, so an unknown word lowers every similarity). Returns
    /// only the indexed features, each with what `lookup` says of it. The concept pairs,
    /// from `pairsStart` on, are left out of the norm: they add to the similarity of the
    /// examples that share them without diluting anything else, so a message naming fewer
    /// than two concepts scores as it would without them (with the pairs in the norm, short
    /// questions such as "var kan jag läsa finska" leaned towards intents whose examples name
    /// few concepts). A pair no example has is ignored: two known concepts met together are
    /// not something the knowledge does not know about.
    @inline(__always)
    private static func weigh<Known>(
        _ features: [(feature: UInt64, count: Float)], pairsStart: Int, unseen: Float, lookup: (UInt64) -> (Known, idf: Float)?
    ) -> (indexed: [(Known, Float)], coverage: Float) {
        var indexed: [(Known, Float)] = []
        indexed.reserveCapacity(features.count)
        var norm: Float = 0, knownNorm: Float = 0
        for (position, entry) in features.enumerated() {
            let termWeight = 1 + logf(entry.count)
            if let known = lookup(entry.feature) {
                let weight = termWeight * known.idf
                indexed.append((known.0, weight))
                if position < pairsStart {
                    norm += weight * weight
                    knownNorm += weight * weight
                }
            } else if position < pairsStart {
                // A feature no example has weighs the most: it is something the knowledge
                // does not know about.
                let weight = termWeight * unseen
                norm += weight * weight
            }
        }
        let scale = norm > 0 ? 1 / norm.squareRoot() : 0
        for index in indexed.indices { indexed[index].1 *= scale }
        return (indexed, norm > 0 ? knownNorm / norm : 0)
    }

    /// Asks for every cache line of `count` values from `start`.
    @inline(__always)
    private static func prefetch<Element>(_ start: UnsafePointer<Element>, count: Int) {
        let bytes = UnsafeRawPointer(start)
        for offset in stride(from: 0, to: count * MemoryLayout<Element>.stride, by: 64) {
            cprefetch_read(bytes + offset)
        }
    }

    /// A message's indexed features with their weights, and the share of its norm they carry
    /// (the concept pairs, outside the norm, do not count).
    private func query(_ analyzed: AnalyzedText, language: LanguageCode? = nil) -> (indexed: [(FeatureEntry, Float)], coverage: Float) {
        let (extracted, pairsStart) = MatchFeatures.extract(analyzed, concepts: concepts, language: language)
        for entry in extracted { features.prefetch(entry.feature, with: cprefetch_read) }
        return Self.weigh(extracted, pairsStart: pairsStart, unseen: unseenWeight) { feature in
            features[feature].map { ($0, $0.idf) }
        }
    }

    /// Every intent that shares a feature with the message, best first.
    public func score(_ analyzed: AnalyzedText, language: LanguageCode? = nil) -> [IntentScore] {
        scoreWithCoverage(analyzed, language: language).ranked
    }

    /// The ranking, and how much of the message the examples know: the share (0–1) of its
    /// weight on features some example has. A message mostly of words no example uses is
    /// about something else, however well its few known words match.
    /// `language`, when known, chooses the concept lists the message's words are read in.
    public func scoreWithCoverage(_ analyzed: AnalyzedText, language: LanguageCode? = nil) -> (ranked: [IntentScore], coverage: Double) {
        let (query, coverage) = query(analyzed, language: language)
        guard !query.isEmpty else { return ([], 0) }
        return (rank(query), Double(coverage))
    }

    /// A candidate intent's two most similar examples: their similarities, and the first
    /// one's number within the intent (-1 while none has scored).
    private struct NearestExamples {
        var first: Float = 0
        var second: Float = 0
        var closest = -1
    }

    private func rank(_ query: [(FeatureEntry, Float)]) -> [IntentScore] {
        // The per-intent and per-candidate working arrays live on the stack: as arrays, each
        // cost a heap allocation and a generic-metadata lookup, per message.
        let intentCount = intentIDs.count, slots = candidateCount + 1
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: intentCount) { centroidSimilarity in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: intentCount) { candidateNumber in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: slots) { blockStart in
                    withUnsafeTemporaryAllocation(of: NearestExamples.self, capacity: slots) { nearest in
                        centroidSimilarity.initialize(repeating: 0)
                        candidateNumber.initialize(repeating: -1)
                        return rank(
                            query, centroidSimilarity: centroidSimilarity, candidateNumber: candidateNumber,
                            blockStart: blockStart, nearest: nearest)
                    }
                }
            }
        }
    }

    /// `rank(_:)` on its working arrays: `centroidSimilarity` zeroed and `candidateNumber`
    /// all -1 (one slot per intent), `blockStart` and `nearest` uninitialised (a slot per
    /// possible candidate).
    private func rank(
        _ query: [(FeatureEntry, Float)], centroidSimilarity: UnsafeMutableBufferPointer<Float>,
        candidateNumber: UnsafeMutableBufferPointer<Int>, blockStart: UnsafeMutableBufferPointer<Int>,
        nearest: UnsafeMutableBufferPointer<NearestExamples>
    ) -> [IntentScore] {
        // The message's features' blocks lie scattered over megabytes: ask for all their
        // cache lines at once, so the misses overlap instead of queueing.
        blocks.withUnsafeBufferPointer { blocks in
            guard let base = blocks.baseAddress else { return }
            for (feature, _) in query {
                Self.prefetch(base + Int(feature.blockStart), count: feature.blockEnd - Int(feature.blockStart))
            }
        }
        // Stage 1: every intent's centroid (at most one entry per intent per feature).
        blocks.withUnsafeBufferPointer { blocks in
            for (feature, weight) in query {
                for position in feature.centroids {
                    let centroid = blocks[position]
                    centroidSimilarity[centroid.intent] += weight * centroid.weight
                }
            }
        }
        // Stage 2: nearest examples, only for the intents whose centroids come closest (and
        // the out-of-scope examples, which the decision compares against).
        var candidates: [Int] = []
        candidates.reserveCapacity(candidateCount + 1)
        for intent in centroidSimilarity.indices where centroidSimilarity[intent] > 0 {
            // Kept best first; a tie keeps the earlier intent.
            guard candidates.count < candidateCount || centroidSimilarity[intent] > centroidSimilarity[candidates[candidates.count - 1]]
            else { continue }
            let position = candidates.firstIndex { centroidSimilarity[intent] > centroidSimilarity[$0] } ?? candidates.count
            candidates.insert(intent, at: position)
            if candidates.count > candidateCount { candidates.removeLast() }
        }
        if let outOfScope = outOfScopeIntent.map(Int.init), !candidates.contains(outOfScope) { candidates.append(outOfScope) }

        // The candidates' examples side by side in one small array (each intent's examples
        // are one block of the index), so scoring touches a few kilobytes, not one slot per
        // example of the whole index.
        var candidateBits: UInt64 = 0
        var blockSize = 0
        for (number, intent) in candidates.enumerated() {
            candidateNumber[intent] = number
            blockStart[number] = blockSize
            blockSize += Int(intentFirstExample[intent + 1] - intentFirstExample[intent])
            candidateBits |= Self.bit(Int32(intent))
        }
        // Per candidate: the best and second-best example (so one lucky example counts less
        // than two good ones), to be blended with the intent's centroid, which credits a long
        // message whose words are spread over several examples.
        nearest.initialize(repeating: NearestExamples())
        let exactBits = intentIDs.count <= 64
        withUnsafeTemporaryAllocation(of: Float.self, capacity: blockSize) { similarity in
            // The slots in the order they first scored, each once, with their candidate: the
            // best examples are found among them, without scanning every candidate example.
            withUnsafeTemporaryAllocation(of: (slot: Int32, candidate: Int32).self, capacity: blockSize) { touched in
                similarity.initialize(repeating: 0)
                var touchedCount = 0
                blocks.withUnsafeBufferPointer { blocks in
                    /// Calls `body` with the postings of each of the feature's runs of a
                    /// candidate intent, and the candidate's number.
                    @inline(__always) func forEachCandidateRun(_ feature: FeatureEntry, _ body: (Range<Int>, Int) -> Void) {
                        var hits = feature.intentBits & candidateBits
                        guard hits != 0 else { return }
                        let runs = feature.runs.lowerBound, postings = feature.postingsStart
                        if exactBits {
                            while hits != 0 {
                                let intent = hits.trailingZeroBitCount
                                let run = (feature.intentBits & ((1 << UInt64(intent)) &- 1)).nonzeroBitCount
                                let start = run == 0 ? 0 : blocks[runs + run - 1].runEnd
                                body((postings + start)..<(postings + blocks[runs + run].runEnd), candidateNumber[intent])
                                hits &= hits &- 1
                            }
                        } else {
                            var start = 0
                            for position in feature.runs {
                                let run = blocks[position]
                                let candidate = candidateNumber[run.intent]
                                if candidate >= 0 { body((postings + start)..<(postings + run.runEnd), candidate) }
                                start = run.runEnd
                            }
                        }
                    }
                    for (feature, weight) in query {
                        forEachCandidateRun(feature) { run, candidate in
                            let block = blockStart[candidate]
                            for position in run {
                                let posting = blocks[position]
                                let slot = block + posting.example
                                if similarity[slot] == 0 {
                                    // Both fit: a slot is under (candidates × 65,536).
                                    touched[touchedCount] = (Int32(truncatingIfNeeded: slot), Int32(truncatingIfNeeded: candidate))
                                    touchedCount += 1
                                }
                                similarity[slot] += weight * posting.weight
                            }
                        }
                    }
                }
                for (slot, candidate) in touched[..<touchedCount] {
                    let value = similarity[Int(slot)], owner = Int(candidate)
                    if value > nearest[owner].first {
                        nearest[owner].second = nearest[owner].first
                        nearest[owner].first = value
                        nearest[owner].closest = Int(slot) - blockStart[owner]
                    } else if value > nearest[owner].second {
                        nearest[owner].second = value
                    }
                }
            }
        }
        var scores: [IntentScore] = []
        scores.reserveCapacity(candidates.count)
        for (position, intent) in candidates.enumerated() where nearest[position].closest >= 0 {
            let examples = nearest[position]
            scores.append(IntentScore(
                intentID: intentIDs[intent],
                // At most 1: the concept pairs add to a cosine similarity.
                score: Double(min(1, (1 - centroidShare) * (0.75 * examples.first + 0.25 * examples.second)
                    + centroidShare * centroidSimilarity[intent])),
                closestExample: exampleText[Int(intentFirstExample[intent]) + examples.closest]))
        }
        // In place: `sorted` would copy the array first.
        scores.sort { $0.score > $1.score || ($0.score == $1.score && $0.intentID < $1.intentID) }
        return scores
    }

    /// For the benchmark: how many query features a message has, and how many example
    /// postings (of every intent, before candidates are chosen) and centroid postings it has.
    public func postingVolume(for analyzed: AnalyzedText) -> (features: Int, examplePostings: Int, centroidPostings: Int) {
        let query = query(analyzed).indexed
        var examples = 0, centroids = 0
        for (feature, _) in query {
            examples += Int(feature.postingCount)
            centroids += Int(feature.centroidCount)
        }
        return (query.count, examples, centroids)
    }

    // MARK: Binary form

    /// Writes the built index, for `EngineCache`.
    public func encode(into writer: inout BinaryWriter) {
        writer.write(intentIDs)
        writer.write(intentFirstExample)
        writer.write(exampleText)
        let entries = features.entries
        writer.write(entries.map(\.key))
        writer.write(entries.map(\.value))
        writer.write(blocks)
        writer.write(unseenWeight)
        writer.write(centroidShare)
        writer.write(candidateCount)
        concepts.encode(into: &writer)
    }

    /// Reads an index written by `encode(into:)`.
    public init(decoding reader: inout BinaryReader) throws(BinaryReader.Corrupt) {
        intentIDs = try reader.readStrings()
        let intentFirstExample = try reader.readArray(of: Int32.self)
        exampleText = try reader.readStrings()
        let keys = try reader.readArray(of: UInt64.self)
        let entries = try reader.readArray(of: FeatureEntry.self)
        let blocks = try reader.readArray(of: BlockWord.self)
        let exampleCount = exampleText.count, intentCount = intentIDs.count
        unseenWeight = try reader.readFloat()
        centroidShare = try reader.readFloat()
        candidateCount = try reader.readInt()
        concepts = try ConceptLexicon(decoding: &reader)
        outOfScopeIntent = intentIDs.firstIndex(of: DialogueAction.outOfScope).map { Int32($0) }
        /// Whether a feature's block lies inside `blocks` and every number in it is in range:
        /// intents, run ends and examples (a lookup would otherwise read out of bounds).
        func isValid(_ entry: FeatureEntry) -> Bool {
            guard entry.blockStart >= 0, entry.blockEnd <= blocks.count,
                  blocks[entry.centroids].allSatisfy({ $0.intent < intentCount })
            else { return false }
            let runs = blocks[entry.runs]
            // One run per intent, in ascending order, matching the bits (scoring locates runs
            // by them up to 64 intents), none empty, the last ending with the postings.
            guard zip(runs, runs.dropFirst()).allSatisfy({ $0.intent < $1.intent && $0.runEnd < $1.runEnd }),
                  runs.allSatisfy({ $0.intent < intentCount && $0.runEnd > 0 }),
                  (runs.last?.runEnd ?? 0) == Int(entry.postingCount),
                  runs.reduce(0, { $0 | Self.bit(Int32($1.intent)) }) == entry.intentBits
            else { return false }
            var start = entry.postingsStart
            for run in runs {
                let examples = Int(intentFirstExample[run.intent + 1] - intentFirstExample[run.intent])
                guard blocks[start..<(entry.postingsStart + run.runEnd)].allSatisfy({ $0.example < examples && $0.value > 0 })
                else { return false }
                start = entry.postingsStart + run.runEnd
            }
            return true
        }
        guard keys.count == entries.count,
              intentFirstExample.count == intentCount + 1, intentFirstExample.first == 0,
              intentFirstExample.last.map(Int.init) == exampleCount,
              zip(intentFirstExample, intentFirstExample.dropFirst()).allSatisfy({ $0 <= $1 }),
              entries.allSatisfy(isValid)
        else { throw BinaryReader.Corrupt() }
        self.intentFirstExample = intentFirstExample
        self.blocks = blocks
        features = FeatureTable(Array(zip(keys, entries)).map { ($0.0, $0.1) })
    }
}

extension ConceptLexicon {
    /// The concepts of every locale in the knowledge base.
    public convenience init(knowledge: KnowledgeBase, analyzer: Analyzer) {
        var entries: [(concept: String, entry: String, language: LanguageCode?)] = []
        for code in knowledge.locales.keys.sorted() {
            for (concept, words) in knowledge.locales[code]?.concepts ?? [] {
                for word in words { entries.append((concept, word, code)) }
            }
        }
        self.init(entries: entries, analyzer: analyzer)
    }
}

