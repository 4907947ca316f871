public import OpastinKnowledge
public import OpastinText

/// What the matcher concludes about a message.
public enum MatchDecision: Sendable, Equatable {
    /// One intent fits clearly.
    case answer(intentID: String)
    /// Two or more intents are close: ask which one.
    case clarify(intentIDs: [String])
    /// Nothing fits well enough.
    case fallback
}

/// The matcher's full view of one message, kept for staff and evaluation.
public struct MatchResult: Sendable {
    public let analyzed: AnalyzedText
    public let ranked: [IntentScore]
    public let decision: MatchDecision
    /// 0–1: how sure the matcher is of the top intent.
    public let confidence: Double
}

/// The thresholds that turn scores into a decision.
public struct MatchPolicy: Sendable {
    // Chosen with bench/tune_thresholds.py on Tests/Evaluation/dev.jsonl (not the test set).
    /// Below this similarity nothing is answered.
    public var minimumScore = 0.20
    /// When the runner-up is within this of the best (and the best is not high), ask.
    public var clarifyMargin = 0.02
    /// When the out-of-scope examples score within this of the best intent, the message is
    /// taken as out of scope: it resembles what Opastin must not answer as much as anything.
    public var outOfScopeMargin = 0.12
    /// Above this the best intent is answered whatever the runner-up.
    public var certainScore = 0.65
    public init() {}
}

/// Scores every intent for a message and decides: answer, clarify, or fall back.
public struct Matcher: Sendable {
    public let index: IntentIndex
    public let analyzer: Analyzer
    public var policy = MatchPolicy()

    public init(index: IntentIndex, analyzer: Analyzer) {
        self.index = index
        self.analyzer = analyzer
    }

    /// Analyses and matches one message.
    public func match(_ text: String) -> MatchResult {
        match(analyzer.analyze(text))
    }

    /// Matches an already analysed message.
    public func match(_ analyzed: AnalyzedText) -> MatchResult {
        let ranked = index.score(analyzed)
        let outOfScope = ranked.first { $0.intentID == DialogueAction.outOfScope }?.score ?? 0
        guard let best = ranked.first, best.score >= policy.minimumScore, best.intentID != DialogueAction.outOfScope,
              best.score - outOfScope >= policy.outOfScopeMargin
        else {
            return MatchResult(analyzed: analyzed, ranked: ranked, decision: .fallback, confidence: confidence(ranked))
        }
        let close = ranked.prefix(3).filter { best.score - $0.score < policy.clarifyMargin && $0.intentID != DialogueAction.outOfScope }
        if close.count > 1 && best.score < policy.certainScore {
            return MatchResult(analyzed: analyzed, ranked: ranked, decision: .clarify(intentIDs: close.map(\.intentID)),
                               confidence: confidence(ranked))
        }
        return MatchResult(analyzed: analyzed, ranked: ranked, decision: .answer(intentID: best.intentID), confidence: confidence(ranked))
    }

    /// A 0–1 confidence from the best score and its lead over the runner-up.
    func confidence(_ ranked: [IntentScore]) -> Double {
        guard let best = ranked.first else { return 0 }
        let lead = best.score - (ranked.dropFirst().first?.score ?? 0)
        let raw = 0.6 * min(1, best.score / policy.certainScore) + 0.4 * min(1, lead / 0.2)
        return (raw * 100).rounded() / 100
    }
}
