internal import CPrefetch
internal import Foundation
public import OpastinText
import Synchronization

/// A second opinion on a message: a one-vs-rest linear support vector machine over TF-IDF
/// character 2–5-grams of the text as written (as `Analyzer` normalises it: case-folded, not
/// transliterated), trained on the same examples as the index. Callers pass text that
/// normalisation, for training and prediction alike; the model does not fold it again.
///
/// The index compares a message with examples in a common Latin key; this model sees the
/// original script and punctuation and is trained to separate intents rather than to find
/// neighbours. Where the index would not answer (its best intent is too weak, or close to the
/// runner-up) but this model picks that same intent, the two views agree and the matcher
/// answers (see `Matcher`): measured on the dev set, that recovered in-scope messages without
/// answering out-of-scope ones.
///
/// Training is LIBLINEAR's dual coordinate descent for the L2-regularised squared hinge loss
/// (the solver behind scikit-learn's `LinearSVC`), with a bias feature.
public struct LinearClassifier: Sendable {
    /// The class names (intent ids), in weight-column order.
    public let classes: [String]
    /// Feature hash → (row, inverse document frequency).
    private let features: FeatureTable<FeatureRow>
    /// Per sparse row, its nonzero class weights: `weights[start..<end]` of the row.
    private let weights: [ClassWeight]
    /// The dense rows, `denseWidth` quantised weights each (zero for a class left out): an
    /// n-gram that weighs for at least half the classes, as the common ones a message is
    /// mostly made of do, is added eight classes at a time.
    private let denseWeights: [Int16]
    /// The classes rounded up to a multiple of 8 (SIMD8 lanes).
    private let denseWidth: Int
    /// Per class, then zero up to `denseWidth`.
    private let bias: [Float]

    /// An n-gram's IDF and where its class weights are, packed in 8 bytes so that a table
    /// slot is 16: the first weight's position in 24 bits, their number in 8 — or, for a
    /// dense row, its row number and the number 255.
    struct FeatureRow: BitwiseCopyable, Sendable {
        let idf: Float
        private let packed: UInt32

        static let maximumStart = 1 << 24 - 1
        static let maximumCount = 254
        private static let denseMark: UInt32 = 255

        init(idf: Float, start: Int, count: Int) {
            precondition(start <= Self.maximumStart && count <= Self.maximumCount)
            self.idf = idf
            packed = UInt32(start) << 8 | UInt32(count)
        }

        init(idf: Float, denseRow: Int) {
            precondition(denseRow <= Self.maximumStart)
            self.idf = idf
            packed = UInt32(denseRow) << 8 | Self.denseMark
        }

        /// The dense row's number; nil for a sparse row.
        var denseRow: Int? { packed & 0xFF == Self.denseMark ? Int(packed >> 8) : nil }

        /// A sparse row's weights.
        var weights: Range<Int> {
            let start = Int(packed >> 8)
            return start..<(start + Int(packed & 0xFF))
        }

        /// Whether the row is well formed for `weightCount` sparse weights and `denseRows` rows.
        func isValid(weightCount: Int, denseRows: Int) -> Bool {
            if let denseRow { return denseRow < denseRows }
            return weights.upperBound <= weightCount
        }
    }

    /// One class's weight for an n-gram, stored in 16 bits (steps of 1/4096, within ±8:
    /// far finer than any decision needs) to halve the model's memory.
    struct ClassWeight: BitwiseCopyable {
        let classIndex: UInt16
        let quantized: Int16

        init(classIndex: UInt16, weight: Float) {
            self.classIndex = classIndex
            quantized = Int16(clamping: Int((weight * 4096).rounded()))
        }

        var weight: Float { Float(quantized) / 4096 }
    }

    /// Weights smaller than this are left out.
    static let smallestWeight: Float = 0.03

    /// For the benchmark: n-grams known, and class weights kept (sparse, and dense lanes).
    public var size: (features: Int, weights: Int) { (features.count, weights.count + denseWeights.count) }

    /// The character n-gram lengths.
    static let gramLengths = 2...5

    /// Trains on (class, text) pairs. `cost` is the SVM's C; `epochs` bounds the passes (six
    /// decided every dev message as twelve did, in less start-up time).
    public init(examples: [(label: String, text: String)], cost: Float = 1, epochs: Int = 6) {
        self.init(examples: examples.map { ($0.label, $0.text, []) }, cost: cost, epochs: epochs)
    }

    /// Trains on (class, text, more features) triples: the more features (the concepts the
    /// text names) count beside its n-grams.
    public init(examples: [(label: String, text: String, more: [UInt64])], cost: Float = 1, epochs: Int = 6) {
        self.init(examples: examples, cost: cost, epochs: epochs, denseRows: true)
    }

    /// - Parameter denseRows: whether common n-grams get dense rows (only tests turn this
    ///   off, to check that both forms decide alike).
    init(examples: [(label: String, text: String, more: [UInt64])], cost: Float, epochs: Int, denseRows: Bool) {
        var classIndex: [String: Int] = [:]
        var classes: [String] = []
        for example in examples where classIndex[example.label] == nil {
            classIndex[example.label] = classes.count
            classes.append(example.label)
        }
        // Features by number, document frequencies, then TF-IDF vectors (L2-normalised).
        var numbers: [UInt64: Int32] = [:]
        var keys: [UInt64] = []
        var documentFrequency: [Float] = []
        var counted: [[(Int32, Float)]] = []
        for example in examples {
            var counts: [Int32: Float] = [:]
            for gram in Self.grams(of: example.text, more: example.more) {
                let number = numbers[gram] ?? {
                    numbers[gram] = Int32(keys.count)
                    keys.append(gram)
                    documentFrequency.append(0)
                    return Int32(keys.count - 1)
                }()
                counts[number, default: 0] += 1
            }
            for number in counts.keys { documentFrequency[Int(number)] += 1 }
            counted.append(counts.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 })
        }
        let documents = Float(examples.count)
        let idf = documentFrequency.map { logf((1 + documents) / (1 + $0)) + 1 }
        let vectors: [[(Int32, Float)]] = counted.map { counts in
            let weighted = counts.map { ($0.0, (1 + logf($0.1)) * idf[Int($0.0)]) }
            let norm = weighted.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
            return weighted.map { ($0.0, norm > 0 ? $0.1 / norm : 0) }
        }
        let labels = examples.map { classIndex[$0.label]! }
        let featureCount = keys.count

        // One binary problem per class, on two cores.
        let columns = Mutex<[[Float]]>(Array(repeating: [], count: classes.count))
        let biases = Mutex<[Float]>(Array(repeating: 0, count: classes.count))
        DispatchQueue.concurrentPerform(iterations: classes.count) { target in
            let (column, bias) = Self.trainBinary(
                vectors: vectors, positive: labels.map { $0 == target }, featureCount: featureCount, cost: cost, epochs: epochs)
            columns.withLock { $0[target] = column }
            biases.withLock { $0[target] = bias }
        }
        let trained = columns.withLock { $0 }
        // Kept sparse: weights below `smallestWeight` are dropped (measured: no decision on the
        // dev sets changed, and two thirds of the memory went). Every n-gram keeps its IDF, so
        // a message's norm is the one training saw.
        let denseWidth = Self.denseWidth(classes: classes.count)
        var weights: [ClassWeight] = []
        var denseWeights: [Int16] = []
        var entries: [(key: UInt64, value: FeatureRow)] = []
        entries.reserveCapacity(keys.count)
        for (number, key) in keys.enumerated() {
            let kept = classes.indices.filter { abs(trained[$0][number]) >= Self.smallestWeight }
            if denseRows && kept.count * 2 >= denseWidth {
                // Dense: no larger than the sparse entries (4 bytes each against 2 per lane).
                entries.append((key, FeatureRow(idf: idf[number], denseRow: denseWeights.count / denseWidth)))
                var row = [Int16](repeating: 0, count: denseWidth)
                for target in kept { row[target] = ClassWeight(classIndex: UInt16(target), weight: trained[target][number]).quantized }
                denseWeights.append(contentsOf: row)
                continue
            }
            // At most `FeatureRow.maximumCount` classes per sparse n-gram: the largest weights.
            let largest = kept.sorted { abs(trained[$0][number]) > abs(trained[$1][number]) }
                .prefix(FeatureRow.maximumCount).sorted()
            entries.append((key, FeatureRow(idf: idf[number], start: weights.count, count: largest.count)))
            for target in largest {
                weights.append(ClassWeight(classIndex: UInt16(target), weight: trained[target][number]))
            }
        }
        self.classes = classes
        self.features = FeatureTable(entries)
        self.weights = weights
        self.denseWeights = denseWeights
        self.denseWidth = denseWidth
        self.bias = Self.padded(biases.withLock { $0 }, to: denseWidth)
    }

    /// `classes` rounded up to a whole number of SIMD8 lanes.
    private static func denseWidth(classes: Int) -> Int { max(8, (classes + 7) / 8 * 8) }

    private static func padded(_ values: [Float], to width: Int) -> [Float] {
        values + [Float](repeating: 0, count: max(0, width - values.count))
    }

    /// Dual coordinate descent for one class against the rest; returns the weights and bias.
    private static func trainBinary(
        vectors: [[(Int32, Float)]], positive: [Bool], featureCount: Int, cost: Float, epochs: Int
    ) -> ([Float], Float) {
        var weights = [Float](repeating: 0, count: featureCount)
        var bias: Float = 0
        var alpha = [Float](repeating: 0, count: vectors.count)
        let diagonal = 1 / (2 * cost)
        // x·x is 1 for the normalised vector, plus 1 for the bias feature.
        let squaredNorm: Float = 2 + diagonal
        // A fixed shuffle: training is deterministic.
        var order = Array(vectors.indices)
        var generator = SplitMix64(seed: 0x0DA5_7111)
        weights.withUnsafeMutableBufferPointer { weights in
            for _ in 0..<epochs {
                order.shuffle(using: &generator)
                var largestStep: Float = 0
                for index in order {
                    let sign: Float = positive[index] ? 1 : -1
                    var margin = bias
                    for (feature, value) in vectors[index] { margin += weights[Int(feature)] * value }
                    let gradient = sign * margin - 1 + diagonal * alpha[index]
                    let projected = alpha[index] == 0 ? min(gradient, 0) : gradient
                    guard projected != 0 else { continue }
                    let previous = alpha[index]
                    alpha[index] = max(previous - gradient / squaredNorm, 0)
                    let step = (alpha[index] - previous) * sign
                    largestStep = max(largestStep, abs(step))
                    for (feature, value) in vectors[index] { weights[Int(feature)] += step * value }
                    bias += step
                }
                if largestStep < 1e-3 { break }
            }
        }
        return (weights, bias)
    }

    /// The class with the highest decision value, when that value is positive; `more` are
    /// the message's further features, as in training.
    public func predict(_ text: String, more: [UInt64] = []) -> String? {
        guard let scores = decisionValues(text, more: more),
              let best = classes.indices.max(by: { scores[$0] < scores[$1] }), scores[best] >= 0
        else { return nil }
        return classes[best]
    }

    /// Every class's decision value (then zeros up to `denseWidth`); nil when the text has no
    /// n-gram the examples have.
    func decisionValues(_ text: String, more: [UInt64] = []) -> [Float]? {
        var scores = bias
        var norm: Float = 0
        let grams = MatchFeatures.counted(Self.grams(of: text, more: more))
        var known: [(FeatureRow, Float)] = []
        known.reserveCapacity(grams.count)
        for (gram, _) in grams { features.prefetch(gram, with: cprefetch_read) }
        for (gram, count) in grams {
            // An n-gram no example has is left out, weights and norm (as in scikit-learn).
            if let row = features[gram] {
                let value = (1 + logf(count)) * row.idf
                known.append((row, value))
                norm += value * value
            }
        }
        guard norm > 0 else { return nil }
        let scale = 1 / norm.squareRoot()
        // Through pointers: a checked, copy-on-write array write per weight was a tenth of a
        // reply that asked the classifier.
        let width = denseWidth
        scores.withUnsafeMutableBufferPointer { scores in
            weights.withUnsafeBufferPointer { weights in
                denseWeights.withUnsafeBufferPointer { dense in
                    guard let scoreBase = scores.baseAddress else { return }
                    for (row, value) in known {
                        let scaled = value * scale
                        if let denseRow = row.denseRow, let denseBase = dense.baseAddress {
                            // Eight classes at once, each lane the same product and sum as
                            // the sparse loop's (a class left out adds exactly 0).
                            let rowBase = UnsafeRawPointer(denseBase + denseRow * width)
                            for lane in stride(from: 0, to: width, by: 8) {
                                let quantized = rowBase.loadUnaligned(fromByteOffset: lane * 2, as: SIMD8<Int16>.self)
                                let target = UnsafeMutableRawPointer(scoreBase + lane)
                                let sum = target.loadUnaligned(as: SIMD8<Float>.self) + SIMD8<Float>(quantized) / 4096 * scaled
                                target.storeBytes(of: sum, as: SIMD8<Float>.self)
                            }
                            continue
                        }
                        for position in row.weights {
                            let entry = weights[position]
                            scores[Int(entry.classIndex)] += entry.weight * scaled
                        }
                    }
                }
            }
        }
        return scores
    }

    /// scikit-learn's `char_wb` n-grams: inside each whitespace-separated word padded with one
    /// space on each side, every substring of 2 to 5 characters (a word shorter than n gives
    /// itself once), hashed; then `more`. Grouped by length within each word, shortest first.
    static func grams(of text: String, more: [UInt64] = []) -> [UInt64] {
        var grams: [UInt64] = []
        // The current word with its padding spaces.
        var padded: [UInt32] = [0x20]
        func flush() {
            guard padded.count > 1 else { return }
            padded.append(0x20)
            appendWordGrams(padded, to: &grams)
            padded.removeAll(keepingCapacity: true)
            padded.append(0x20)
        }
        for scalar in text.unicodeScalars {
            // ASCII decided without a Unicode property lookup: tab to carriage return, and space.
            let isWhitespace = scalar.value < 0x80 ? scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
            if isWhitespace { flush() } else { padded.append(scalar.value) }
        }
        flush()
        grams.append(contentsOf: more)
        return grams
    }

    /// One padded word's n-grams, all lengths, in the order of `grams(of:)`. Each start is
    /// hashed once, extended letter by letter through the lengths (FNV-1a runs left to
    /// right), instead of rehashing every n-gram from its start: a third of the work.
    private static func appendWordGrams(_ padded: [UInt32], to grams: inout [UInt64]) {
        let count = padded.count
        let shortest = gramLengths.lowerBound, longest = gramLengths.upperBound
        withUnsafeTemporaryAllocation(of: Int.self, capacity: longest + 1) { firstSlot in
            // Per length, where its n-grams go: `max(1, count - n + 1)` of them, in start order.
            var total = grams.count
            for length in gramLengths {
                firstSlot[length] = total
                total += max(1, count - length + 1)
            }
            grams.append(contentsOf: repeatElement(0, count: total - grams.count))
            padded.withUnsafeBufferPointer { padded in
                grams.withUnsafeMutableBufferPointer { grams in
                    for start in 0...(count - shortest) {
                        var hash = FNV1a(seed: 0x5EED)
                        for length in 1...min(longest, count - start) {
                            hash.mix(UInt64(padded[start + length - 1]))
                            if length >= shortest { grams[firstSlot[length] + start] = hash.value }
                        }
                    }
                    // A word shorter than n gives itself (the whole padded word) once.
                    if count < longest {
                        var whole = FNV1a(seed: 0x5EED)
                        for scalar in padded { whole.mix(UInt64(scalar)) }
                        for length in (count + 1)...longest { grams[firstSlot[length]] = whole.value }
                    }
                }
            }
        }
    }

    // MARK: Binary form

    /// Writes the trained model, for the engine cache.
    public func encode(into writer: inout BinaryWriter) {
        writer.write(classes)
        let entries = features.entries
        writer.write(entries.map(\.key))
        writer.write(entries.map(\.value))
        writer.write(weights)
        writer.write(denseWeights)
        writer.write(bias)
    }

    /// Reads a model written by `encode(into:)`.
    public init(decoding reader: inout BinaryReader) throws(BinaryReader.Corrupt) {
        classes = try reader.readStrings()
        let keys = try reader.readArray(of: UInt64.self)
        let rows = try reader.readArray(of: FeatureRow.self)
        let weights = try reader.readArray(of: ClassWeight.self)
        let denseWeights = try reader.readArray(of: Int16.self)
        bias = try reader.readArray(of: Float.self)
        let classCount = classes.count
        let denseWidth = Self.denseWidth(classes: classCount)
        guard keys.count == rows.count, bias.count == denseWidth, denseWeights.count % denseWidth == 0,
              rows.allSatisfy({ $0.isValid(weightCount: weights.count, denseRows: denseWeights.count / denseWidth) }),
              weights.allSatisfy({ Int($0.classIndex) < classCount })
        else { throw BinaryReader.Corrupt() }
        self.weights = weights
        self.denseWeights = denseWeights
        self.denseWidth = denseWidth
        features = FeatureTable(Array(zip(keys, rows)).map { ($0.0, $0.1) })
    }
}

/// A small deterministic random number generator (SplitMix64), for a reproducible shuffle.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
