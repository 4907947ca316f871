import ArgumentParser
import Foundation
import OpastinChat

/// Builds the engine for the knowledge and stores it in the engine cache, then exits: the
/// child process in which `serve` has the engine built (`EngineBuildHelper`). Hidden from help.
struct PrepareEngine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare-engine",
        abstract: "Build the engine for Knowledge/ and Locales/ into the engine cache.",
        shouldDisplay: false)

    @OptionGroup var knowledge: KnowledgeOptions

    func run() throws {
        do {
            _ = try OpastinSetup.buildEngine(root: OpastinSetup.resolveRoot(knowledge.root))
        } catch {
            FileHandle.standardError.write(Data("opastin: cannot load the knowledge:\n\(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
