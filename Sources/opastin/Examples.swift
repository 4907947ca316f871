import ArgumentParser
import Foundation
import OpastinChat
import OpastinKnowledge

struct Examples: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every example utterance as JSONL {\"intent\", \"lang\", \"text\"} (for reviewers and baselines).")

    @OptionGroup var knowledge: KnowledgeOptions

    func run() throws {
        let base = try OpastinSetup.loader(root: OpastinSetup.resolveRoot(knowledge.root)).load()
        for line in ExampleExport.lines(base) { print(line) }
    }
}
