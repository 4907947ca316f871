import ArgumentParser
import Foundation
import OpastinChat
import OpastinKnowledge
import OpastinText

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate Knowledge/ and Locales/: every problem with its file and line; exit 1 on any error.")

    @OptionGroup var knowledge: KnowledgeOptions

    @Flag(help: "Print a machine-readable report: coverage per intent and every problem.")
    var json = false

    @Option(help: "The service catalogue whose intents must all be present (default: ../shared/spec/intents.yaml when it exists).")
    var catalogue: String?

    @Option(help: "The seed documents folder sources must name (default: ../shared/seeds when it exists).")
    var seeds: String?

    func run() throws {
        let root = OpastinSetup.resolveRoot(knowledge.root)
        var loader = OpastinSetup.loader(root: root)
        let seedsFolder = seeds ?? existing(root.appendingPathComponent("../shared/seeds").path)
        if let seedsFolder {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: seedsFolder)) ?? []
            loader.policy.seedNames = Set(names.filter { $0.hasSuffix(".txt") })
        }
        var (base, problems) = loader.loadCollectingProblems()
        if let path = catalogue ?? existing(root.appendingPathComponent("../shared/spec/intents.yaml").path) {
            do {
                problems += try Catalogue.load(URL(fileURLWithPath: path)).missing(from: base?.intents.map(\.id) ?? [])
            } catch {
                problems.append(KnowledgeProblem(file: path, line: nil, "cannot read the catalogue: \(error)"))
            }
        }
        let errors = problems.filter { $0.severity == .error }
        if json {
            print(CheckReportJSON.render(base.map(CoverageReport.init), problems: problems))
        } else {
            for problem in problems { print(problem) }
            let intents = base?.intents.count ?? 0
            let languages = base?.languages.map(\.rawValue).joined(separator: " ") ?? ""
            print("\(intents) intents, languages: \(languages); \(errors.count) errors, \(problems.count - errors.count) warnings")
        }
        if !errors.isEmpty { throw ExitCode(1) }
    }

    private func existing(_ path: String) -> String? {
        FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
