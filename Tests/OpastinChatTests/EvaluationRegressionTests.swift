import Foundation
import OpastinChat
import OpastinText
import Testing

/// The held-out evaluation set (Tests/Evaluation/evaluation.jsonl, written apart from the
/// examples): accuracy must not fall below what was measured when the thresholds were set.
@Suite struct EvaluationRegressionTests {
    static let report: EvaluationReport = {
        let cases = (try? EvaluationReport.readCases(EngineFixture.root.appendingPathComponent("Tests/Evaluation/evaluation.jsonl"))) ?? []
        return EvaluationReport(engine: EngineFixture.engine, cases: cases)
    }()

    @Test func evaluationSetIsThere() {
        #expect(Self.report.outcomes.count >= 200)
    }

    @Test func inScopeAccuracyHolds() {
        #expect(Self.report.inScope.accuracy >= 0.85, "\(Self.report.inScope)")
    }

    @Test(arguments: ["fi", "sv", "en", "ru", "ar", "so"])
    func everyLanguageStaysAccurate(language: String) throws {
        let tally = try #require(Self.report.inScopeByLanguage[LanguageCode(language)])
        #expect(tally.accuracy >= 0.75, "\(language): \(tally)")
    }

    @Test func outOfScopeMessagesGetNoIntent() {
        #expect(Self.report.outOfScopeRecall.accuracy >= 0.9, "\(Self.report.outOfScopeRecall)")
    }

    @Test(arguments: ["fi", "sv", "en", "ru", "ar", "so"])
    func replyLanguageIsRight(language: String) throws {
        let tally = try #require(Self.report.languageByLanguage[LanguageCode(language)])
        #expect(tally.accuracy >= 0.95, "\(language): \(tally)")
    }
}
