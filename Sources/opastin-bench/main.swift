// Benchmarks the matcher in process on the bundled knowledge: start-up, time per message
// (median and p99), how the cost grows with 10× synthetic examples, and resident memory.
// Run: swift run -c release opastin-bench [evaluation.jsonl]
import Foundation
import OpastinChat
import OpastinKnowledge
import OpastinMatch
import OpastinText

let root = OpastinSetup.resolveRoot(nil)

/// Loads the knowledge, builds (or reads back) the engine and answers one message.
func timeToFirstAnswer(cache: EngineCache) throws -> (ChatEngine, Duration) {
    let started = ContinuousClock.now
    let engine = try OpastinSetup.buildEngine(root: root, cache: cache)
    var session = Session()
    _ = try engine.reply(to: ChatRequest(text: "Miten pääsen suomen kielen kurssille?"), in: &session)
    return (engine, ContinuousClock.now - started)
}

let cacheDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("opastin-bench-\(getpid())")
defer { try? FileManager.default.removeItem(at: cacheDirectory) }
let (engine, coldStartup) = try timeToFirstAnswer(cache: EngineCache(directory: cacheDirectory))
let (_, warmStartup) = try timeToFirstAnswer(cache: EngineCache(directory: cacheDirectory))

func microseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
}

func residentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

/// Messages to time: the evaluation file's if given, else every example.
/// The arguments that are not options: those after `--profile` and `--passes` are their values.
let positionalArguments = zip(CommandLine.arguments.dropFirst(), CommandLine.arguments.dropLast())
    .filter { argument, previous in !argument.hasPrefix("--") && !["--profile", "--passes"].contains(previous) }
    .map(\.0)
let evaluationPath = positionalArguments.first ?? root.appendingPathComponent("Tests/Evaluation/evaluation.jsonl").path
let evaluationMessages = (try? EvaluationReport.readCases(URL(fileURLWithPath: evaluationPath)).map(\.text)) ?? []
let messages = evaluationMessages.isEmpty ? engine.knowledge.intents.flatMap { $0.examples.values.joined() } : evaluationMessages

func percentiles(_ samples: [Double]) -> (median: Double, p99: Double) {
    let sorted = samples.sorted()
    return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
}

/// Times of one part: median and p99 over every run of every message, and the same over each
/// message's fastest run ("quiet"), which other programs on a shared machine cannot slow.
struct Timing {
    let median: Double, p99: Double, quietMedian: Double, quietP99: Double
}

/// Times `work` once per message, `rounds` times over, after one warm-up round.
@MainActor func time(rounds: Int, _ work: (String) -> Void) -> Timing {
    for message in messages { work(message) }
    var samples: [Double] = []
    samples.reserveCapacity(messages.count * rounds)
    var fastest = [Double](repeating: .infinity, count: messages.count)
    let clock = ContinuousClock()
    for _ in 0..<rounds {
        for (index, message) in messages.enumerated() {
            let start = clock.now
            work(message)
            let elapsed = microseconds(clock.now - start)
            samples.append(elapsed)
            fastest[index] = min(fastest[index], elapsed)
        }
    }
    let all = percentiles(samples), quiet = percentiles(fastest)
    return Timing(median: all.median, p99: all.p99, quietMedian: quiet.median, quietP99: quiet.p99)
}

func line(_ label: String, _ timing: Timing) -> String {
    label + String(format: "median %6.1f µs   p99 %6.1f µs   (quiet: %5.1f / %5.1f)", timing.median, timing.p99, timing.quietMedian, timing.quietP99)
}

let matcher = engine.matcher
let analyzedMessages = Dictionary(messages.map { ($0, matcher.analyzer.analyze($0)) }, uniquingKeysWith: { first, _ in first })

// `opastin-bench --profile PART [--passes N]`: runs one part in a loop for a few seconds (or N
// passes over the messages) and exits, for `perf record` or `valgrind --tool=callgrind` (PART:
// analyze, score, language, index (the match without the classifier, as timed against the
// target), match, reply). Give callgrind a fixed number of passes: the first pass fills caches
// (letter keys), so instructions per message depend on how many passes follow it.
let indexOnly = Matcher(index: matcher.index, analyzer: matcher.analyzer)
if let flag = CommandLine.arguments.firstIndex(of: "--profile"), flag + 1 < CommandLine.arguments.count {
    let part = CommandLine.arguments[flag + 1]
    let until = ContinuousClock.now + .seconds(5)
    let fixedPasses = CommandLine.arguments.firstIndex(of: "--passes").flatMap {
        $0 + 1 < CommandLine.arguments.count ? Int(CommandLine.arguments[$0 + 1]) : nil
    }
    var session = Session()
    var passes = 0
    while fixedPasses.map({ passes < $0 }) ?? (ContinuousClock.now < until) {
        passes += 1
        for message in messages {
            switch part {
            case "analyze": _ = matcher.analyzer.analyze(message)
            case "score": _ = matcher.index.score(analyzedMessages[message]!)
            case "language": _ = engine.languageIdentifier.identify(analyzedMessages[message]!)
            case "index": _ = indexOnly.match(message)
            case "match": _ = matcher.match(message)
            default: _ = try? engine.reply(to: ChatRequest(text: message), in: &session)
            }
        }
    }
    FileHandle.standardError.write("\(passes) passes over \(messages.count) messages\n".data(using: .utf8)!)
    exit(0)
}
let analyzeTime = time(rounds: 20) { _ = matcher.analyzer.analyze($0) }
let scoreTime = time(rounds: 20) { _ = matcher.index.score(analyzedMessages[$0]!) }
let languageTime = time(rounds: 20) { _ = engine.languageIdentifier.identify(analyzedMessages[$0]!) }
let indexMatchTime = time(rounds: 20) { _ = indexOnly.match($0) }
let matchTime = time(rounds: 20) { _ = matcher.match($0) }
let replyTime = time(rounds: 5) { message in
    var session = Session()
    _ = try? engine.reply(to: ChatRequest(text: message), in: &session)
}

// 10× the examples: each example nine more times with small, distinct edits (a dropped
// letter, a swapped pair, a doubled letter…), so the index really holds ten times the features.
var utterances: [(intent: String, text: String)] = []
for intent in engine.knowledge.intents {
    for text in intent.examples.values.joined() {
        utterances.append((intent.id, text))
        let characters = Array(text)
        for variant in 1..<10 where characters.count > 3 {
            var edited = characters
            let position = (variant * 7 + characters.count) % (characters.count - 1)
            switch variant % 3 {
            case 0: edited.remove(at: position)
            case 1: edited.swapAt(position, position + 1)
            default: edited.insert(edited[position], at: position)
            }
            utterances.append((intent.id, String(edited) + " " + String(repeating: "x", count: variant)))
        }
    }
}
let bigIndex = IntentIndex(utterances: utterances, analyzer: matcher.analyzer, concepts: matcher.index.concepts)
let bigMatcher = Matcher(index: bigIndex, analyzer: matcher.analyzer)
// The growth, in alternating blocks (each a warm-up round and four timed rounds, the full
// knowledge then 10× the examples): a slow spell of the shared machine then slows both sides
// of a ratio alike. Timed minutes apart, the ratio swung from 1.3× to 2.4× between runs.
var blockRatios: [Double] = [], quietBlockRatios: [Double] = [], bigBlocks: [Timing] = []
for _ in 0..<6 {
    let small = time(rounds: 4) { _ = indexOnly.match($0) }
    let big = time(rounds: 4) { _ = bigMatcher.match($0) }
    blockRatios.append(big.median / small.median)
    quietBlockRatios.append(big.quietMedian / small.quietMedian)
    bigBlocks.append(big)
}
let bigTime = bigBlocks.sorted { $0.median < $1.median }[bigBlocks.count / 2]

let volumes = messages.map { matcher.index.postingVolume(for: analyzedMessages[$0]!) }
let middle = volumes.count / 2
print("per message (median): \(volumes.map(\.features).sorted()[middle]) indexed features, \(volumes.map(\.examplePostings).sorted()[middle]) example postings, \(volumes.map(\.centroidPostings).sorted()[middle]) centroid postings")
let indexSize = matcher.index.size
print("index: \(indexSize.features) features, \(indexSize.runs) intent runs, \(indexSize.postings) example postings, \(indexSize.centroids) centroid postings; language model: \(engine.languageIdentifier.vocabularySize) features × \(engine.languageIdentifier.variants.count) variants; classifier: \(matcher.classifier?.size.features ?? 0) n-grams, \(matcher.classifier?.size.weights ?? 0) weights")
print("Opastin benchmark (\(messages.count) messages, \(matcher.index.exampleCount) examples, \(engine.knowledge.intents.count) intents)")
print(String(format: "start-up to first answer (in process): %.0f ms building the index and model, %.0f ms from the cache", microseconds(coldStartup) / 1000, microseconds(warmStartup) / 1000))
print(line("  of which analysis:          ", analyzeTime))
print(line("  of which index scoring:     ", scoreTime))
print(line("language identification:      ", languageTime))
print(line("match, full knowledge (index): ", indexMatchTime))
print(line("  with the classifier's second opinion where the index would not answer: ", matchTime))
print(line("reply (match + language + dialogue): ", replyTime))
print(line("match, 10× examples (\(bigIndex.exampleCount), index):  ", bigTime)
    + String(format: "   ratio %.2f× (quiet %.2f×), median of 6 alternating blocks (%.2f–%.2f×)",
             percentiles(blockRatios).median, percentiles(quietBlockRatios).median,
             blockRatios.min() ?? 0, blockRatios.max() ?? 0))
print(String(format: "resident memory: %.1f MB", residentMegabytes()))
