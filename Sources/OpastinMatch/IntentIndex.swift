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
/// Postings live in flat arrays (one range per feature). Two bounds keep a match fast as
/// examples grow: features in more than a tenth of all examples are left out (they say
/// little), and each feature keeps only the examples it weighs most in (impact-ordered
/// truncation) — so the work per query feature has a ceiling whatever the example count.
public final class IntentIndex: Sendable {
    private let intentIDs: [String]
    private let exampleIntent: [Int32]
    private let exampleText: [String]
    /// Feature hash → feature number.
    private let featureNumbers: [UInt64: Int32]
    private let inverseDocumentFrequency: [Float]
    /// For feature number f, its postings are `postingStart[f]..<postingStart[f + 1]`.
    private let postingStart: [Int32]
    /// One example's weight for one feature, with the example's intent beside it: kept
    /// together so that reading a posting touches one cache line, not three arrays.
    struct Posting: BitwiseCopyable {
        let example: Int32
        let weight: Float
        let intent: UInt16
    }

    private let postings: [Posting]
    /// The weight of a feature never seen in the examples (the highest IDF).
    private let unseenWeight: Float
    /// Per feature, the intents whose centroid (the normalised sum of their examples) has it:
    /// `centroidStart[f]..<centroidStart[f + 1]` in the two arrays below.
    private let centroidStart: [Int32]
    private let centroidIntent: [Int32]
    private let centroidWeight: [Float]
    /// How much the centroid counts against the nearest examples in an intent's score.
    public let centroidShare: Float
    /// How many intents, by centroid, get their nearest examples scored.
    public let candidateCount: Int
    private let outOfScopeIntent: Int32?


    /// The number of example utterances indexed.
    public var exampleCount: Int { exampleText.count }

    /// Builds the index from the knowledge base's examples.
    public convenience init(knowledge: KnowledgeBase, analyzer: Analyzer) {
        var utterances: [(intent: String, text: String)] = []
        for intent in knowledge.intents {
            for language in intent.examples.keys.sorted() {
                for text in intent.examples[language] ?? [] { utterances.append((intent.id, text)) }
            }
        }
        self.init(utterances: utterances, analyzer: analyzer)
    }

    /// Builds the index from (intent, text) pairs.
    public init(
        utterances: [(intent: String, text: String)], analyzer: Analyzer, maximumDocumentShare: Float = 0.1,
        postingsPerFeature: Int = 32, centroidShare: Float = 0.35, candidateCount: Int = 8
    ) {
        var ids: [String] = []
        var idIndex: [String: Int32] = [:]
        var exampleIntent: [Int32] = []
        var exampleText: [String] = []
        var vectors: [[(feature: UInt64, count: Float)]] = []
        var documentFrequency: [UInt64: Float] = [:]
        // Per feature: how many intents have it, and the last one counted (examples come
        // grouped by intent, so a feature is counted once per intent without a set).
        var featureIntents: [UInt64: (count: Int32, last: Int32)] = [:]
        for utterance in utterances {
            let index = idIndex[utterance.intent] ?? {
                ids.append(utterance.intent)
                idIndex[utterance.intent] = Int32(ids.count - 1)
                return Int32(ids.count - 1)
            }()
            let features = MatchFeatures.extract(keys: analyzer.analyze(utterance.text).keys)
            guard !features.isEmpty else { continue }
            exampleIntent.append(index)
            exampleText.append(utterance.text)
            vectors.append(features)
            for entry in features {
                documentFrequency[entry.feature, default: 0] += 1
                let seen = featureIntents[entry.feature] ?? (0, -1)
                if seen.last != index { featureIntents[entry.feature] = (seen.count + 1, index) }
            }
        }
        let count = Float(max(exampleText.count, 1))
        let ceiling = max(count * maximumDocumentShare, 20)
        // Every feature gets a number and an IDF (so a very common one weighs little in a
        // message's norm); only the others get postings.
        var numbers: [UInt64: Int32] = [:]
        var idf: [Float] = []
        var posted: [Bool] = []
        for (feature, frequency) in documentFrequency.sorted(by: { $0.key < $1.key }) {
            numbers[feature] = Int32(idf.count)
            // IDF over examples times inverse intent frequency: a feature every intent has
            // ("how", "helsinki") tells intents apart no better than chance.
            let intentCount = Float(featureIntents[feature]?.count ?? 1)
            let intentWeight = logf(Float(ids.count + 1) / intentCount)
            idf.append((logf((count + 1) / (frequency + 1)) + 1) * Self.intentSpecificity(intentWeight))
            posted.append(frequency <= ceiling)
        }
        let unseen = (logf(count + 1) + 1) * Self.intentSpecificity(logf(Float(ids.count + 1)))
        var lists = [[(example: Int32, weight: Float)]](repeating: [], count: idf.count)
        var centroids = [[Int32: Float]](repeating: [:], count: ids.count)
        for (exampleIndex, vector) in vectors.enumerated() {
            let intent = Int(exampleIntent[exampleIndex])
            for (feature, weight) in Self.weigh(vector, numbers: numbers, idf: idf, unseen: unseen) where posted[Int(feature)] {
                lists[Int(feature)].append((Int32(exampleIndex), weight))
                centroids[intent][feature, default: 0] += weight
            }
        }
        var centroidLists = [[(intent: Int32, weight: Float)]](repeating: [], count: idf.count)
        for (intent, centroid) in centroids.enumerated() {
            let norm = centroid.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { continue }
            for (feature, weight) in centroid { centroidLists[Int(feature)].append((Int32(intent), weight / norm)) }
        }
        // A feature shared by many intents keeps only the intents it weighs most in: the rest
        // add little to any centroid score and much to the work.
        let centroidsPerFeature = 12
        for index in centroidLists.indices where centroidLists[index].count > centroidsPerFeature {
            centroidLists[index].sort { $0.weight > $1.weight }
            centroidLists[index].removeSubrange(centroidsPerFeature...)
        }
        var centroidStart: [Int32] = [0]
        for list in centroidLists { centroidStart.append(centroidStart[centroidStart.count - 1] + Int32(list.count)) }
        self.centroidStart = centroidStart
        self.centroidIntent = centroidLists.flatMap { $0.map(\.intent) }
        self.centroidWeight = centroidLists.flatMap { $0.map(\.weight) }
        self.centroidShare = centroidShare
        for index in lists.indices where lists[index].count > postingsPerFeature {
            lists[index].sort { $0.weight > $1.weight }
            lists[index].removeSubrange(postingsPerFeature...)
        }
        var start: [Int32] = [0]
        start.reserveCapacity(lists.count + 1)
        for list in lists { start.append(start[start.count - 1] + Int32(list.count)) }
        self.intentIDs = ids
        self.exampleIntent = exampleIntent
        self.exampleText = exampleText
        self.featureNumbers = numbers
        self.inverseDocumentFrequency = idf
        self.postingStart = start
        self.postings = lists.flatMap { list in
            list.map { Posting(example: $0.example, weight: $0.weight, intent: UInt16(exampleIntent[Int($0.example)])) }
        }
        self.candidateCount = candidateCount
        self.outOfScopeIntent = idIndex[DialogueAction.outOfScope]
        self.unseenWeight = unseen
    }

    /// How much a feature's spread over intents counts: damped (square root), because a
    /// full inverse intent frequency measured worse on the development set.
    static func intentSpecificity(_ inverseIntentFrequency: Float) -> Float {
        (inverseIntentFrequency + 1).squareRoot()
    }

    /// Sublinear term frequency times IDF, L2-normalised over all features (including
    /// unseen and very common ones, so an unknown word lowers every similarity). Returns
    /// only the indexed features, by number.
    private static func weigh(
        _ features: [(feature: UInt64, count: Float)], numbers: [UInt64: Int32], idf: [Float], unseen: Float
    ) -> [(Int32, Float)] {
        var indexed: [(Int32, Float)] = []
        indexed.reserveCapacity(features.count)
        var norm: Float = 0
        for entry in features {
            let termWeight = 1 + logf(entry.count)
            if let number = numbers[entry.feature] {
                let weight = termWeight * idf[Int(number)]
                indexed.append((number, weight))
                norm += weight * weight
            } else {
                // A feature no example has weighs the most: it is something the knowledge
                // does not know about.
                let weight = termWeight * unseen
                norm += weight * weight
            }
        }
        let scale = norm > 0 ? 1 / norm.squareRoot() : 0
        return indexed.map { ($0.0, $0.1 * scale) }
    }

    /// Every intent that shares a feature with the message, best first.
    public func score(_ analyzed: AnalyzedText) -> [IntentScore] {
        let query = Self.weigh(MatchFeatures.extract(keys: analyzed.keys), numbers: featureNumbers, idf: inverseDocumentFrequency, unseen: unseenWeight)
        guard !query.isEmpty else { return [] }

        // Stage 1: every intent's centroid (at most one entry per intent per feature).
        var centroidSimilarity = [Float](repeating: 0, count: intentIDs.count)
        centroidSimilarity.withUnsafeMutableBufferPointer { centroidSimilarity in
            centroidIntent.withUnsafeBufferPointer { intents in
                centroidWeight.withUnsafeBufferPointer { weights in
                    for (feature, weight) in query {
                        for position in Int(centroidStart[Int(feature)])..<Int(centroidStart[Int(feature) + 1]) {
                            centroidSimilarity[Int(intents[position])] += weight * weights[position]
                        }
                    }
                }
            }
        }
        // Stage 2: nearest examples, only for the intents whose centroids come closest (and
        // the out-of-scope examples, which the decision compares against): most postings
        // are then only read, not accumulated.
        var candidate = [Bool](repeating: false, count: intentIDs.count)
        for intent in centroidSimilarity.indices.sorted(by: { centroidSimilarity[$0] > centroidSimilarity[$1] }).prefix(candidateCount)
        where centroidSimilarity[intent] > 0 {
            candidate[intent] = true
        }
        if let outOfScope = outOfScopeIntent { candidate[Int(outOfScope)] = true }

        var similarity = [Float](repeating: 0, count: exampleText.count)
        var touched: [Int32] = []
        touched.reserveCapacity(512)
        similarity.withUnsafeMutableBufferPointer { similarity in
            candidate.withUnsafeBufferPointer { candidate in
                postings.withUnsafeBufferPointer { postings in
                    for (feature, weight) in query {
                        for position in Int(postingStart[Int(feature)])..<Int(postingStart[Int(feature) + 1]) {
                            let posting = postings[position]
                            guard candidate[Int(posting.intent)] else { continue }
                            let example = Int(posting.example)
                            if similarity[example] == 0 { touched.append(posting.example) }
                            similarity[example] += weight * posting.weight
                        }
                    }
                }
            }
        }
        // Per intent: the best and second-best example (so one lucky example counts less
        // than two good ones), blended with the intent's centroid, which credits a long
        // message whose words are spread over several examples.
        var first = [Float](repeating: 0, count: intentIDs.count)
        var second = [Float](repeating: 0, count: intentIDs.count)
        var closest = [Int32](repeating: -1, count: intentIDs.count)
        for example in touched {
            let value = similarity[Int(example)]
            let intent = Int(exampleIntent[Int(example)])
            if value > first[intent] {
                second[intent] = first[intent]
                first[intent] = value
                closest[intent] = example
            } else if value > second[intent] {
                second[intent] = value
            }
        }
        var scores: [IntentScore] = []
        for intent in 0..<intentIDs.count where closest[intent] >= 0 {
            scores.append(IntentScore(
                intentID: intentIDs[intent],
                score: Double((1 - centroidShare) * (0.75 * first[intent] + 0.25 * second[intent]) + centroidShare * centroidSimilarity[intent]),
                closestExample: exampleText[Int(closest[intent])]))
        }
        return scores.sorted { $0.score > $1.score || ($0.score == $1.score && $0.intentID < $1.intentID) }
    }

    /// For the benchmark: how many query features a message has, and how many example and
    /// centroid postings scoring it reads.
    public func postingVolume(for analyzed: AnalyzedText) -> (features: Int, examplePostings: Int, centroidPostings: Int) {
        let query = Self.weigh(MatchFeatures.extract(keys: analyzed.keys), numbers: featureNumbers, idf: inverseDocumentFrequency, unseen: unseenWeight)
        var examples = 0, centroids = 0
        for (feature, _) in query {
            examples += Int(postingStart[Int(feature) + 1] - postingStart[Int(feature)])
            centroids += Int(centroidStart[Int(feature) + 1] - centroidStart[Int(feature)])
        }
        return (query.count, examples, centroids)
    }

    // MARK: Binary form

    /// Writes the built index, for `EngineCache`.
    public func encode(into writer: inout BinaryWriter) {
        writer.write(intentIDs)
        writer.write(exampleIntent)
        writer.write(exampleText)
        let features = featureNumbers.sorted { $0.value < $1.value }
        writer.write(features.map(\.key))
        writer.write(inverseDocumentFrequency)
        writer.write(postingStart)
        writer.write(postings)
        writer.write(unseenWeight)
        writer.write(centroidStart)
        writer.write(centroidIntent)
        writer.write(centroidWeight)
        writer.write(centroidShare)
        writer.write(candidateCount)
    }

    /// Reads an index written by `encode(into:)`.
    public init(decoding reader: inout BinaryReader) throws(BinaryReader.Corrupt) {
        intentIDs = try reader.readStrings()
        exampleIntent = try reader.readArray(of: Int32.self)
        exampleText = try reader.readStrings()
        let features = try reader.readArray(of: UInt64.self)
        var numbers: [UInt64: Int32] = [:]
        numbers.reserveCapacity(features.count)
        for (number, feature) in features.enumerated() { numbers[feature] = Int32(number) }
        featureNumbers = numbers
        inverseDocumentFrequency = try reader.readArray(of: Float.self)
        postingStart = try reader.readArray(of: Int32.self)
        postings = try reader.readArray(of: Posting.self)
        unseenWeight = try reader.readFloat()
        centroidStart = try reader.readArray(of: Int32.self)
        centroidIntent = try reader.readArray(of: Int32.self)
        centroidWeight = try reader.readArray(of: Float.self)
        centroidShare = try reader.readFloat()
        candidateCount = try reader.readInt()
        outOfScopeIntent = intentIDs.firstIndex(of: DialogueAction.outOfScope).map { Int32($0) }
        // Every range must lie inside its arrays, or a lookup would read out of bounds.
        guard postingStart.count == inverseDocumentFrequency.count + 1, centroidStart.count == postingStart.count,
              Int(postingStart.last ?? 0) == postings.count, Int(centroidStart.last ?? 0) == centroidIntent.count,
              centroidWeight.count == centroidIntent.count, exampleIntent.count == exampleText.count,
              postings.allSatisfy({ $0.example >= 0 && Int($0.example) < exampleText.count && Int($0.intent) < intentIDs.count }),
              centroidIntent.allSatisfy({ $0 >= 0 && Int($0) < intentIDs.count }),
              exampleIntent.allSatisfy({ $0 >= 0 && Int($0) < intentIDs.count })
        else { throw BinaryReader.Corrupt() }
    }
}
