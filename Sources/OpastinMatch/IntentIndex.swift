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
public final class IntentIndex: Sendable {
    private struct Posting: Sendable {
        let example: Int32
        let weight: Float
    }

    private struct Example: Sendable {
        let intent: Int32
        let text: String
    }

    private let intentIDs: [String]
    private let examples: [Example]
    private let postings: [UInt64: [Posting]]
    private let inverseDocumentFrequency: [UInt64: Float]

    /// The number of example utterances indexed.
    public var exampleCount: Int { examples.count }

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
    public init(utterances: [(intent: String, text: String)], analyzer: Analyzer) {
        var ids: [String] = []
        var idIndex: [String: Int32] = [:]
        var examples: [Example] = []
        var vectors: [[UInt64: Float]] = []
        var documentFrequency: [UInt64: Float] = [:]
        for utterance in utterances {
            let index = idIndex[utterance.intent] ?? {
                ids.append(utterance.intent)
                idIndex[utterance.intent] = Int32(ids.count - 1)
                return Int32(ids.count - 1)
            }()
            let features = MatchFeatures.extract(keys: analyzer.analyze(utterance.text).keys)
            guard !features.isEmpty else { continue }
            examples.append(Example(intent: index, text: utterance.text))
            vectors.append(features)
            for feature in features.keys { documentFrequency[feature, default: 0] += 1 }
        }
        let count = Float(max(examples.count, 1))
        let idf = documentFrequency.mapValues { logf((count + 1) / ($0 + 1)) + 1 }
        var postings: [UInt64: [Posting]] = [:]
        for (exampleIndex, vector) in vectors.enumerated() {
            let weighted = Self.weigh(vector, idf: idf)
            for (feature, weight) in weighted {
                postings[feature, default: []].append(Posting(example: Int32(exampleIndex), weight: weight))
            }
        }
        self.intentIDs = ids
        self.examples = examples
        self.postings = postings
        self.inverseDocumentFrequency = idf
    }

    /// Sublinear term frequency times IDF, L2-normalised. Features never seen in training
    /// get the highest IDF, so an unknown word lowers the similarity of everything.
    private static func weigh(_ features: [UInt64: Float], idf: [UInt64: Float]) -> [UInt64: Float] {
        let unseen = (idf.values.max() ?? 1)
        var weighted: [UInt64: Float] = [:]
        weighted.reserveCapacity(features.count)
        var norm: Float = 0
        for (feature, count) in features {
            let weight = (1 + logf(count)) * (idf[feature] ?? unseen)
            weighted[feature] = weight
            norm += weight * weight
        }
        let scale = norm > 0 ? 1 / norm.squareRoot() : 0
        return weighted.mapValues { $0 * scale }
    }

    /// Every intent that shares a feature with the message, best first.
    public func score(_ analyzed: AnalyzedText) -> [IntentScore] {
        let query = Self.weigh(MatchFeatures.extract(keys: analyzed.keys), idf: inverseDocumentFrequency)
        guard !query.isEmpty else { return [] }
        var similarity = [Float](repeating: 0, count: examples.count)
        var touched: [Int32] = []
        touched.reserveCapacity(256)
        for (feature, weight) in query {
            guard let list = postings[feature] else { continue }
            for posting in list {
                let index = Int(posting.example)
                if similarity[index] == 0 { touched.append(posting.example) }
                similarity[index] += weight * posting.weight
            }
        }
        // Per intent: the best and second-best example, so one lucky example counts less
        // than two good ones.
        var best: [Int32: (first: Float, second: Float, example: Int32)] = [:]
        for example in touched {
            let value = similarity[Int(example)]
            let intent = examples[Int(example)].intent
            if let current = best[intent] {
                if value > current.first {
                    best[intent] = (value, current.first, example)
                } else if value > current.second {
                    best[intent] = (current.first, value, current.example)
                }
            } else {
                best[intent] = (value, 0, example)
            }
        }
        return best.map { intent, value in
            IntentScore(
                intentID: intentIDs[Int(intent)],
                score: Double(0.75 * value.first + 0.25 * value.second),
                closestExample: examples[Int(value.example)].text)
        }
        .sorted { $0.score > $1.score || ($0.score == $1.score && $0.intentID < $1.intentID) }
    }
}
