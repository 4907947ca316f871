public import Foundation
public import OpastinMatch
import OpastinKnowledge
public import OpastinText

/// One labelled message of an evaluation file.
public struct EvaluationCase: Sendable {
    public let text: String
    /// The right intent, or nil for an out-of-scope message.
    public let intent: String?
    public let language: LanguageCode?
}

/// How one message fared.
public struct EvaluationOutcome: Sendable {
    public let testCase: EvaluationCase
    public let predicted: String?
    public let replyLanguage: LanguageCode
    /// The three best scores, and the out-of-scope examples' score when it is not among them
    /// (the answer rule compares against it; bench/tune_thresholds.py needs it).
    public let top: [IntentScore]
    public let microseconds: Double
    /// The matcher's coverage of the message (see `MatchResult.coverage`).
    public let coverage: Double
    /// The concepts the message's words name, for staff reading a failure.
    public let concepts: [String]
    /// The classifier's intent when it decided the answer.
    public let secondOpinion: String?

    public var isCorrect: Bool { predicted == testCase.intent }
    /// Whether the reply came in the message's language. A request for another language
    /// ("vastaa englanniksi") is rightly answered in that one, so it is not counted.
    public var languageIsCorrect: Bool {
        testCase.intent == DialogueAction.changeLanguage || testCase.language.map { $0 == replyLanguage } ?? true
    }
}

/// Accuracy figures over an evaluation file: per language, per intent, out of scope.
public struct EvaluationReport: Sendable {
    public let outcomes: [EvaluationOutcome]

    /// Reads a JSONL file of `{"text", "intent": id|null, "lang"?}`.
    public static func readCases(_ url: URL) throws -> [EvaluationCase] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var cases: [EvaluationCase] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !String(line).trimmingWhitespace().isEmpty else { continue }
            guard case .object(let fields)? = try? JSONParser.parse(Array(line.utf8)), case .string(let message)? = fields["text"]
            else {
                throw EvaluationFileError(line: number + 1, message: "expected {\"text\": …, \"intent\": id or null, \"lang\": optional}")
            }
            cases.append(EvaluationCase(text: message, intent: fields["intent"]?.stringValue, language: fields["lang"]?.stringValue.map { LanguageCode($0) }))
        }
        return cases
    }

    /// Runs every case through the engine, each in a fresh session (as a new resident).
    static func top(of ranked: [IntentScore]) -> [IntentScore] {
        var top = Array(ranked.prefix(3))
        if let outOfScope = ranked.dropFirst(3).first(where: { $0.intentID == DialogueAction.outOfScope }) { top.append(outOfScope) }
        return top
    }

    public init(engine: ChatEngine, cases: [EvaluationCase]) {
        outcomes = cases.map { testCase in
            var session = Session()
            let reply = try? engine.reply(to: ChatRequest(text: testCase.text), in: &session)
            return EvaluationOutcome(
                testCase: testCase, predicted: reply?.kind == .clarify ? nil : reply?.intent,
                replyLanguage: reply?.language ?? "",
                top: Self.top(of: reply?.diagnostics?.match.ranked ?? []),
                microseconds: reply?.diagnostics?.microseconds ?? 0,
                coverage: reply?.diagnostics?.match.coverage ?? 0,
                concepts: reply?.diagnostics.map {
                    engine.matcher.index.concepts.names(in: $0.match.analyzed, language: $0.detectedLanguage?.language)
                } ?? [],
                secondOpinion: reply?.diagnostics?.match.secondOpinion)
        }
    }

    // MARK: Figures

    public struct Tally: Sendable {
        public var correct = 0
        public var total = 0
        public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    }

    /// Top-1 accuracy of in-scope messages, per language.
    public var inScopeByLanguage: [LanguageCode: Tally] {
        tally(outcomes.filter { $0.testCase.intent != nil }) { $0.testCase.language?.rawValue ?? "?" }
            .reduce(into: [:]) { $0[LanguageCode($1.key)] = $1.value }
    }

    /// Top-1 accuracy per expected intent.
    public var byIntent: [String: Tally] {
        tally(outcomes.filter { $0.testCase.intent != nil }) { $0.testCase.intent ?? "" }
    }

    public var inScope: Tally { tally(outcomes.filter { $0.testCase.intent != nil }) { _ in "" }[""] ?? Tally() }

    /// Out-of-scope messages answered with no intent, over all out-of-scope messages.
    public var outOfScopeRecall: Tally {
        var tally = Tally()
        for outcome in outcomes where outcome.testCase.intent == nil {
            tally.total += 1
            if outcome.predicted == nil { tally.correct += 1 }
        }
        return tally
    }

    /// Of the messages answered with no intent, how many really were out of scope.
    public var outOfScopePrecision: Tally {
        var tally = Tally()
        for outcome in outcomes where outcome.predicted == nil {
            tally.total += 1
            if outcome.testCase.intent == nil { tally.correct += 1 }
        }
        return tally
    }

    /// In-scope messages wrongly answered with no intent.
    public var falseRejections: Tally {
        var tally = Tally()
        for outcome in outcomes where outcome.testCase.intent != nil {
            tally.total += 1
            if outcome.predicted == nil { tally.correct += 1 }
        }
        return tally
    }

    /// Reply language right, for messages whose language is labelled.
    public var languageByLanguage: [LanguageCode: Tally] {
        tally(outcomes.filter { $0.testCase.language != nil }, correct: \.languageIsCorrect) { $0.testCase.language?.rawValue ?? "?" }
            .reduce(into: [:]) { $0[LanguageCode($1.key)] = $1.value }
    }

    /// The most frequent (expected, predicted) mistakes.
    public var confusions: [(expected: String, predicted: String, count: Int)] {
        var counts: [String: Int] = [:]
        for outcome in outcomes where !outcome.isCorrect {
            counts["\(outcome.testCase.intent ?? "null")→\(outcome.predicted ?? "null")", default: 0] += 1
        }
        return counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map {
            let parts = $0.key.components(separatedBy: "→")
            return (parts[0], parts[1], $0.value)
        }
    }

    public var failures: [EvaluationOutcome] { outcomes.filter { !$0.isCorrect } }
    /// The messages replied to in another language than their label's.
    public var languageFailures: [EvaluationOutcome] { outcomes.filter { !$0.languageIsCorrect } }

    /// Median and 99th percentile of the time per message, in microseconds.
    public var timing: (median: Double, p99: Double) {
        let sorted = outcomes.map(\.microseconds).sorted()
        guard !sorted.isEmpty else { return (0, 0) }
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
    }

    private func tally(
        _ outcomes: [EvaluationOutcome], correct: (EvaluationOutcome) -> Bool = { $0.isCorrect }, by key: (EvaluationOutcome) -> String
    ) -> [String: Tally] {
        var tallies: [String: Tally] = [:]
        for outcome in outcomes {
            tallies[key(outcome), default: Tally()].total += 1
            if correct(outcome) { tallies[key(outcome), default: Tally()].correct += 1 }
        }
        return tallies
    }
}

/// A line of an evaluation file that cannot be read.
public struct EvaluationFileError: Error, CustomStringConvertible {
    public let line: Int
    public let message: String
    public var description: String { "line \(line): \(message)" }
}
