internal import Foundation
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

    var isAnswer: Bool {
        if case .answer = self { true } else { false }
    }
}

/// The matcher's full view of one message, kept for staff and evaluation.
public struct MatchResult: Sendable {
    public let analyzed: AnalyzedText
    public let ranked: [IntentScore]
    public internal(set) var decision: MatchDecision
    /// The classifier's intent when it decided the answer (for staff).
    public internal(set) var secondOpinion: String?
    /// 0–1: how sure the matcher is of the top intent.
    public let confidence: Double
    /// 0–1: the share of the message's weight on features the examples know.
    public var coverage: Double = 1
}

/// The thresholds that turn scores into a decision.
public struct MatchPolicy: Sendable {
    // Chosen on Tests/Evaluation/dev.jsonl + dev2.jsonl (588 messages), never on the test set.
    /// Below this similarity nothing is answered.
    public var minimumScore = 0.20
    /// A message of at least this many words needs only `longMessageMinimumScore`: most of a
    /// long message tells the resident's situation in words no example has, which lowers its
    /// similarity to every example. The out-of-scope examples still have to stay clear
    /// (`outOfScopeMargin`). On the dev sets: 2 more in-scope messages answered right, 3 fewer
    /// rejected, no out-of-scope message answered (the same from 0.10 to 0.14; from 6 words,
    /// one CLINC query more answered).
    public var longMessageWords = 8
    public var longMessageMinimumScore = 0.14
    /// When the runner-up is within this of the best (and the best is not high), ask.
    public var clarifyMargin = 0.01
    /// When the out-of-scope examples score within this of the best intent, the message is
    /// taken as out of scope: it resembles what Opastin must not answer as much as anything.
    public var outOfScopeMargin = 0.10
    /// The intents a person in distress needs (crisis and mental health, violence and
    /// forced marriage, discrimination). Missing such a message costs more than answering an
    /// unrelated one with where to find help, so the out-of-scope examples must come only
    /// within `safetyOutOfScopeMargin` of them, not `outOfScopeMargin`, to take the message.
    /// On the dev sets, 0.075: three distress messages answered (a forced marriage, a morning
    /// dread, a racist shop) that fell back; no out-of-scope message answered, CLINC's
    /// included (0.05 would have answered a banking-app question with mental health).
    public var safetyIntents: Set<String> = ["mental-wellbeing", "violence-and-special-support", "discrimination"]
    public var safetyOutOfScopeMargin = 0.075
    /// The concepts that tell of distress: suicide and crisis, violence, low mood, stress,
    /// fear, the mind, loneliness, racism and harassment. A message naming one, whose best intent is a safety
    /// intent, is answered with it from `distressMinimumScore` up instead of `minimumScore`:
    /// a resident who writes "min man slår mig" or "itken joka ilta" in a few words shares
    /// too little with any example to reach 0.20, and a fallback that says "try other words"
    /// is the worst reply such a message can get. The intent must still score above the
    /// out-of-scope examples ("how to beat jet lag" names violence). Chosen on
    /// Tests/Evaluation/dev-distress.jsonl and the other dev sets: crisis and violence alone
    /// answered 2 more of 72 distress messages, the other five concepts 3 more, against 2 of
    /// 24 look-alikes (how to kill a process, sad songs) and 1 CLINC query ("when did camus
    /// die") now answered with a safety intent — the trade `safetyIntents` describes;
    /// discrimination and bullying 2 more (racist insults on a tram and a bus), nothing lost.
    /// "sleep" and "trauma" were left out: they answered "do ducks sleep" and "who wrote War
    /// and Peace" with mental health for one distress message more. Keeping
    /// `safetyOutOfScopeMargin` here as well answered no distress message more.
    public var distressConcepts: Set<String> = ["crisis", "violence", "depression", "stress", "fear", "mental-health", "lonely", "discrimination", "bullying"]
    public var distressMinimumScore = 0.07
    /// Of the distress concepts, those that tell of acute danger: suicide and crisis, violence.
    /// A message naming one that the net takes gets the best-scoring safety intent, even when
    /// another intent scores higher ("jag vill dö", I want to die, is nearest "jag vill inte
    /// prata med en bot" of talk-to-a-person): for such a message any other intent, or "try
    /// other words", is the worse reply. Chosen a priori, not on the dev sets: dev-distress, every
    /// other dev set and CLINC unchanged; measured after, check2-distress 50 → 52 of 96, its
    /// look-alikes and check-distress unchanged.
    public var acuteDistressConcepts: Set<String> = ["crisis", "violence"]
    /// The confidence curve: P(right) = 1 / (1 + e^-(bias + scoreWeight·best + leadWeight·lead)),
    /// fitted with bench/calibrate.py on the dev sets, so 0.8 means "right about 8 times in 10".
    /// Refitted after the 3-grams lost their example postings and the chat turns were set
    /// aside: the old curve said 0.27 where 0.53 came out right (log-loss 0.154 → 0.130).
    public var confidenceBias = -4.266
    public var confidenceScoreWeight = 15.894
    public var confidenceLeadWeight = 9.527
    /// Above this the best intent is answered whatever the runner-up.
    public var certainScore = 0.65
    /// When an answer's runner-up is within this of the best, the classifier may choose the
    /// runner-up instead (0.10 and up measured alike on the dev sets; less changed fewer).
    public var runnerUpLead = 0.10
    /// The concepts a chat turn itself names ("hi", "thanks", "bye", "help", "advice",
    /// "information"); any other concept in a message that ranks a chat turn first is a topic,
    /// and the chat turns are set aside (see `Matcher.setAsideChatTurns`).
    public var chatTurnConcepts: Set<String> = ["hello", "thanks", "goodbye", "help", "advice", "information"]
    /// Of those, the ones that are only politeness: a topic is scored without their words.
    public var politeConcepts: Set<String> = ["hello", "thanks", "goodbye"]
    /// A greeting, thanks or goodbye ranked first with a question mark and at least this many
    /// words besides the polite ones is also a question (see `setAsideChatTurns`). On the dev
    /// sets, 3: dev4 +2, dev3 and dev-oos +1 each, nothing lost (a pure greeting that asks
    /// "kifak?", how are you, now gets the fallback); 4 and 5 gained one less.
    public var questionAfterPolitenessWords = 3
    public init() {}
}

/// Scores every intent for a message and decides: answer, clarify, or fall back.
public struct Matcher: Sendable {
    public let index: IntentIndex
    public let analyzer: Analyzer
    /// A second opinion, asked only when the index alone would not answer.
    public let classifier: LinearClassifier?
    public var policy = MatchPolicy()

    public init(index: IntentIndex, analyzer: Analyzer, classifier: LinearClassifier? = nil) {
        self.index = index
        self.analyzer = analyzer
        self.classifier = classifier
    }

    /// Analyses and matches one message.
    public func match(_ text: String) -> MatchResult {
        match(analyzer.analyze(text))
    }

    /// Matches an already analysed message; `language`, when known, chooses the concept
    /// lists its words are read in.
    public func match(_ analyzed: AnalyzedText, language: LanguageCode? = nil) -> MatchResult {
        let (scored, coverage) = index.scoreWithCoverage(analyzed, language: language)
        let ranked = setAsideChatTurns(scored, analyzed, language: language)
        var result = decide(analyzed, ranked, language: language)
        result.coverage = coverage
        // The classifier, which sees the text as written and was trained to tell intents
        // apart, settles what the index leaves open: a message it would not answer (too weak,
        // or too close to call), or an answer whose runner-up is close. It may pick only an
        // intent the index put forward. Measured on the dev sets: fewer rejections, fewer
        // neighbours confused (finnish-courses for finnish-at-work), no out-of-scope answered.
        let putForward = Self.intentsPutForward(by: result.decision, ranked, runnerUpLead: policy.runnerUpLead)
        if let classifier, !putForward.isEmpty,
           let opinion = classifier.predict(analyzed.normalized, more: index.concepts.features(in: analyzed, language: language)),
           putForward.contains(opinion)
        {
            result.decision = .answer(intentID: opinion)
            result.secondOpinion = opinion
        }
        return result
    }

    /// The ranking without the chat turns (greeting, thanks, goodbye, help) when one of them
    /// comes first but the message also names a topic: "Hyvää huomenta, miten saan lapseni
    /// kouluun?" is a school question, and a distressed message that says "a lot" is not a
    /// thank-you. Chat-turn examples are short, so the one polite word such a message shares
    /// with them outweighs the topic it shares with longer examples. On the dev sets: dev4
    /// 101 → 106 of 120, every other set unchanged.
    func setAsideChatTurns(_ ranked: [IntentScore], _ analyzed: AnalyzedText, language: LanguageCode?) -> [IntentScore] {
        guard let top = ranked.first(where: { $0.intentID != DialogueAction.outOfScope }),
              DialogueAction.chatTurns.contains(top.intentID)
        else { return ranked }
        // The question is scored without its polite words, which would otherwise lower its
        // similarity to every example of its topic.
        let question = analyzed.removingWords { position in
            let names = index.concepts.names(ofWordAt: position, in: analyzed, language: language)
            return !names.isEmpty && names.allSatisfy(policy.politeConcepts.contains)
        }
        let namesTopic = index.concepts.names(in: analyzed, language: language).contains(where: { !policy.chatTurnConcepts.contains($0) })
        // A greeting or thanks followed by a question of a few words more ("Hej! Vet du när
        // färjan går i morgon?") asks something: answered if an intent fits it, else the
        // fallback, not "hello". Help is left out: its own messages are questions.
        let asksMore = top.intentID != DialogueAction.help && question.keys.count >= policy.questionAfterPolitenessWords
            && analyzed.normalized.contains(where: { $0 == "?" || $0 == "؟" })
        guard namesTopic || asksMore else { return ranked }
        return index.score(question, language: language).filter { !DialogueAction.chatTurns.contains($0.intentID) }
    }

    /// The intents a second opinion may settle on: the options of a clarification; the two
    /// best intents when none was strong enough; the runner-up of an answer when it is within
    /// `runnerUpLead` of the best.
    static func intentsPutForward(by decision: MatchDecision, _ ranked: [IntentScore], runnerUpLead: Double) -> [String] {
        let best = Array(ranked.lazy.filter { $0.intentID != DialogueAction.outOfScope }.prefix(2))
        switch decision {
        case .answer:
            guard best.count == 2, best[0].score - best[1].score < runnerUpLead else { return [] }
            return [best[1].intentID]
        case .clarify(let options): return options
        case .fallback: return best.map(\.intentID)
        }
    }

    private func decide(_ analyzed: AnalyzedText, _ ranked: [IntentScore], language: LanguageCode?) -> MatchResult {
        let outOfScope = ranked.first { $0.intentID == DialogueAction.outOfScope }?.score ?? 0
        let minimum = analyzed.keys.count >= policy.longMessageWords ? policy.longMessageMinimumScore : policy.minimumScore
        guard let best = ranked.first, best.score >= minimum, best.intentID != DialogueAction.outOfScope,
              best.score - outOfScope >= (policy.safetyIntents.contains(best.intentID) ? policy.safetyOutOfScopeMargin : policy.outOfScopeMargin)
        else {
            let decision: MatchDecision = distressIntent(analyzed, ranked, language: language).map { .answer(intentID: $0) } ?? .fallback
            return MatchResult(analyzed: analyzed, ranked: ranked, decision: decision, confidence: confidence(ranked))
        }
        let close = ranked.prefix(3).filter { best.score - $0.score < policy.clarifyMargin && $0.intentID != DialogueAction.outOfScope }
        if close.count > 1 && best.score < policy.certainScore {
            return MatchResult(analyzed: analyzed, ranked: ranked, decision: .clarify(intentIDs: close.map(\.intentID)),
                               confidence: confidence(ranked))
        }
        return MatchResult(analyzed: analyzed, ranked: ranked, decision: .answer(intentID: best.intentID), confidence: confidence(ranked))
    }

    /// The safety net under the minimum score: the best intent, when it is a safety intent
    /// that scores at least `distressMinimumScore` and above the out-of-scope examples, and
    /// the message names a distress concept (the best safety intent, when the concept is an
    /// acute one).
    func distressIntent(_ analyzed: AnalyzedText, _ ranked: [IntentScore], language: LanguageCode?) -> String? {
        let outOfScope = ranked.first { $0.intentID == DialogueAction.outOfScope }?.score ?? 0
        // The score conditions first: most fallbacks fail them, and the concepts cost a lookup.
        guard let safety = ranked.first(where: { policy.safetyIntents.contains($0.intentID) }),
              safety.score >= policy.distressMinimumScore, safety.score > outOfScope
        else { return nil }
        let names = index.concepts.names(in: analyzed, language: language)
        guard names.contains(where: policy.distressConcepts.contains) else { return nil }
        // The best intent when it is a safety intent; with suicide or violence named, the best
        // safety intent even behind another.
        let best = ranked.first { $0.intentID != DialogueAction.outOfScope }
        guard best?.intentID == safety.intentID || names.contains(where: policy.acuteDistressConcepts.contains) else { return nil }
        return safety.intentID
    }

    /// A calibrated 0–1 confidence from the best score and its lead over the runner-up
    /// (the out-of-scope examples are not a rival intent here).
    func confidence(_ ranked: [IntentScore]) -> Double {
        var best: Double?, runnerUp: Double?
        for rival in ranked where rival.intentID != DialogueAction.outOfScope {
            if best == nil {
                best = rival.score
            } else {
                runnerUp = rival.score
                break
            }
        }
        guard let best else { return 0 }
        let lead = best - (runnerUp ?? 0)
        let logit = policy.confidenceBias + policy.confidenceScoreWeight * best + policy.confidenceLeadWeight * lead
        return ((1 / (1 + exp(-logit))) * 100).rounded() / 100
    }
}
