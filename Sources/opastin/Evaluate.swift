import ArgumentParser
import Foundation
import OpastinChat

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accuracy report on a JSONL file of {\"text\", \"intent\": id or null, \"lang\"?}.")

    @OptionGroup var knowledge: KnowledgeOptions

    @Argument(help: "The evaluation file (JSONL).")
    var file: String

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    @Flag(help: "With --json: also list every message with its top-3 scores (for tuning).")
    var all = false

    func run() throws {
        let engine = try OpastinSetup.buildEngine(root: OpastinSetup.resolveRoot(knowledge.root))
        let cases: [EvaluationCase]
        do {
            cases = try EvaluationReport.readCases(URL(fileURLWithPath: file))
        } catch {
            throw ValidationError("cannot read \(file): \(error)")
        }
        let report = EvaluationReport(engine: engine, cases: cases)
        print(json ? report.json(includingAll: all) : report.text)
    }
}
