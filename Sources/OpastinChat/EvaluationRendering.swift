internal import Foundation
internal import OpastinMatch
internal import OpastinText

extension EvaluationReport {
    private func percent(_ tally: Tally) -> String {
        String(format: "%5.1f %% (%d/%d)", tally.accuracy * 100, tally.correct, tally.total)
    }

    /// The report for people.
    public var text: String {
        var lines: [String] = []
        lines.append("In-scope top-1 accuracy: \(percent(inScope))")
        for (language, tally) in inScopeByLanguage.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(language.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0)) \(percent(tally))")
        }
        lines.append("Out of scope answered null (recall): \(percent(outOfScopeRecall))")
        lines.append("Null replies that were out of scope (precision): \(percent(outOfScopePrecision))")
        lines.append("In-scope messages rejected: \(percent(falseRejections))")
        lines.append("Reply language right:")
        for (language, tally) in languageByLanguage.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(language.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0)) \(percent(tally))")
        }
        lines.append("Per intent:")
        for (intent, tally) in byIntent.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(intent.padding(toLength: 32, withPad: " ", startingAt: 0)) \(percent(tally))")
        }
        lines.append("Most confused (expected → predicted):")
        for confusion in confusions.prefix(10) {
            lines.append("  \(confusion.count)× \(confusion.expected) → \(confusion.predicted)")
        }
        lines.append("Failures:")
        for failure in failures {
            let top = failure.top.map { "\($0.intentID) \(String(format: "%.2f", $0.score))" }.joined(separator: ", ")
            lines.append("  [\(failure.testCase.language?.rawValue ?? "?")] \(failure.testCase.text)")
            lines.append("      expected \(failure.testCase.intent ?? "null"), got \(failure.predicted ?? "null") (reply \(failure.replyLanguage)); top: \(top)")
            lines.append("      concepts: \(failure.concepts.isEmpty ? "none" : failure.concepts.joined(separator: ", "))"
                + (failure.secondOpinion.map { "; answered by the classifier's second opinion (\($0))" } ?? ""))
        }
        lines.append("Replied in another language:")
        for failure in languageFailures {
            lines.append("  [\(failure.testCase.language?.rawValue ?? "?") → \(failure.replyLanguage)] \(failure.testCase.text)")
        }
        let time = timing
        lines.append(String(format: "Time per message: median %.1f µs, p99 %.1f µs (%d messages)", time.median, time.p99, outcomes.count))
        return lines.joined(separator: "\n")
    }

    private static func outcomeJSON(_ outcome: EvaluationOutcome) -> JSONValue {
        .object([
            "text": .string(outcome.testCase.text),
            "lang": outcome.testCase.language.map { .string($0.rawValue) } ?? .null,
            "reply_lang": .string(outcome.replyLanguage.rawValue),
            "expected": outcome.testCase.intent.map { .string($0) } ?? .null,
            "predicted": outcome.predicted.map { .string($0) } ?? .null,
            "top": .array(outcome.top.map { .object(["intent": .string($0.intentID), "score": .number(($0.score * 1000).rounded() / 1000)]) }),
            "coverage": .number((outcome.coverage * 1000).rounded() / 1000),
            "concepts": .array(outcome.concepts.map { .string($0) }),
            "second_opinion": outcome.secondOpinion.map { .string($0) } ?? .null,
        ])
    }

    /// The same report as one JSON object.
    public func json(includingAll: Bool = false) -> String {
        func tallyJSON(_ tally: Tally) -> JSONValue {
            .object(["correct": .integer(tally.correct), "total": .integer(tally.total), "accuracy": .number((tally.accuracy * 10000).rounded() / 10000)])
        }
        let time = timing
        var writer = JSONWriter()
        writer.writeObject([
            ("in_scope", tallyJSON(inScope)),
            ("in_scope_by_lang", .object(Dictionary(uniqueKeysWithValues: inScopeByLanguage.map { ($0.key.rawValue, tallyJSON($0.value)) }))),
            ("out_of_scope_recall", tallyJSON(outOfScopeRecall)),
            ("out_of_scope_precision", tallyJSON(outOfScopePrecision)),
            ("false_rejections", tallyJSON(falseRejections)),
            ("reply_lang_by_lang", .object(Dictionary(uniqueKeysWithValues: languageByLanguage.map { ($0.key.rawValue, tallyJSON($0.value)) }))),
            ("by_intent", .object(byIntent.mapValues(tallyJSON))),
            ("confusions", .array(confusions.prefix(20).map {
                .object(["expected": .string($0.expected), "predicted": .string($0.predicted), "count": .integer($0.count)])
            })),
            ("failures", .array(failures.map(Self.outcomeJSON))),
            ("language_failures", .array(languageFailures.map(Self.outcomeJSON))),
            ("outcomes", .array(includingAll ? outcomes.map(Self.outcomeJSON) : [])),
            ("microseconds_median", .number((time.median * 10).rounded() / 10)),
            ("microseconds_p99", .number((time.p99 * 10).rounded() / 10)),
        ])
        return writer.output
    }
}
