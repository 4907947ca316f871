import ArgumentParser
import Foundation
import OpastinChat
import OpastinKnowledge
import OpastinMatch
import OpastinText

struct Identify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Identify the language of each stdin line: prints `lang<TAB>script<TAB>confidence`, or `-` when undetermined.")

    @OptionGroup var knowledge: KnowledgeOptions

    func run() throws {
        let engine = try OpastinSetup.buildEngine(root: OpastinSetup.resolveRoot(knowledge.root))
        var output = ""
        while let line = readLine(strippingNewline: true) {
            let analyzed = engine.matcher.analyzer.analyze(line)
            if let guess = engine.languageIdentifier.identify(analyzed) {
                output += "\(guess.language)\t\(guess.script)\t\(String(format: "%.2f", guess.confidence))\n"
            } else {
                output += "-\n"
            }
            if output.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(output.utf8))
                output = ""
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}
