import ArgumentParser
import Foundation
import OpastinChat
import OpastinKnowledge
import OpastinText

struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Chat on stdin/stdout: the kiosk REPL, or the JSON line protocol with --json.")

    @OptionGroup var knowledge: KnowledgeOptions

    @Flag(help: "Speak the line-delimited JSON protocol (docs/protocol.md) instead of the REPL.")
    var json = false

    @Flag(help: "Staff view: intent, confidence, alternatives, analysis, sources and time under every reply.")
    var staff = false

    @Option(help: "Start in this language (fi, sv, en, ru, ar, so).")
    var lang: String?

    @Option(help: "Seconds of inactivity after which the kiosk clears the conversation (0 = never).")
    var idleReset: Int = 120

    func run() throws {
        let engine: ChatEngine
        do {
            engine = try OpastinSetup.buildEngine(root: OpastinSetup.resolveRoot(knowledge.root))
        } catch {
            FileHandle.standardError.write(Data("opastin: cannot load the knowledge:\n\(error)\n".utf8))
            throw ExitCode(2)
        }
        if let lang, engine.knowledge.locales[LanguageCode(lang)] == nil {
            throw ValidationError("unknown language `\(lang)`; available: \(engine.knowledge.languages.map(\.rawValue).joined(separator: ", "))")
        }
        if json {
            JSONLinesChat(engine: engine, staff: staff).run()
        } else {
            TerminalChat(
                engine: engine, staff: staff, language: lang.map { LanguageCode($0) },
                idleReset: idleReset > 0 ? .seconds(idleReset) : nil
            ).run()
        }
    }
}
