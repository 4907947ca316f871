internal import Foundation
internal import OpastinKnowledge
internal import OpastinMatch
public import OpastinText
import Synchronization

/// The kiosk REPL: reads lines from stdin, answers on stdout. Prompt and banners appear
/// only on a terminal, so piped output stays one reply per message.
public final class TerminalChat: Sendable {
    private let engine: ChatEngine
    private let staff: Bool
    private let interactive: Bool
    private let idleReset: Duration?
    private let state: Mutex<(session: Session, lastInput: ContinuousClock.Instant, hasConversation: Bool)>

    public init(engine: ChatEngine, staff: Bool, language: LanguageCode?, idleReset: Duration?) {
        self.engine = engine
        self.staff = staff
        self.interactive = isatty(STDIN_FILENO) == 1
        self.idleReset = idleReset
        var session = Session(language: language)
        session.languageIsExplicit = language != nil
        state = Mutex((session, .now, false))
    }

    /// Runs until end of input or `/quit`.
    public func run() {
        if interactive {
            write(banner())
            startIdleWatch()
        }
        while true {
            if interactive { write("> ", newline: false) }
            guard let line = readLine(strippingNewline: true) else { break }
            state.withLock { $0.lastInput = .now }
            let text = line.trimmingWhitespace()
            if text.isEmpty { continue }
            if text.hasPrefix("/") {
                if !command(text) { break }
                continue
            }
            write(answer(text))
        }
    }

    // MARK: Commands

    /// Runs a slash command; false means quit.
    private func command(_ text: String) -> Bool {
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        let locale = currentLocale()
        switch parts[0].lowercased() {
        case "/quit", "/exit":
            write(locale.string(.goodbye))
            return false
        case "/reset":
            reset()
            write(currentLocale().string(.resetDone))
        case "/help":
            write(locale.string(.kioskHelp))
        case "/lang":
            guard parts.count == 2 else {
                write(languageMenu())
                return true
            }
            let code = LanguageCode(parts[1].trimmingWhitespace().lowercased())
            guard engine.knowledge.locales[code] != nil else {
                write(locale.string(.errorUnknownLanguage, ["code": code.rawValue, "available": engine.knowledge.languages.map(\.rawValue).joined(separator: ", ")]))
                return true
            }
            let reply = state.withLock { engine.switchLanguage(to: code, session: &$0.session, confidence: 1) }
            write(reply.answer)
        default:
            write(locale.string(.errorUnknownCommand, ["command": parts[0]]))
        }
        return true
    }

    private func answer(_ text: String) -> String {
        let result: Result<ChatReply, ChatError> = state.withLock { state in
            state.hasConversation = true
            do throws(ChatError) {
                return .success(try engine.reply(to: ChatRequest(text: text), in: &state.session))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let reply): return render(reply)
        case .failure(let error):
            let locale = currentLocale()
            switch error {
            case .emptyText: return locale.string(.errorEmpty)
            case .textTooLong: return locale.string(.errorTooLong)
            default: return error.message
            }
        }
    }

    // MARK: Rendering

    private func render(_ reply: ChatReply) -> String {
        let locale = engine.locale(reply.language)
        var lines = [reply.answer]
        if !reply.links.isEmpty { lines.append(locale.string(.linksLabel) + ": " + reply.links.joined(separator: "  ")) }
        // Sources under answers; a question back ("Helsinki or Vaasa?") stays short.
        if !reply.sources.isEmpty && reply.kind == .answer {
            lines.append(locale.string(.sourcesLabel) + ": " + Self.sourceSummary(reply.sources))
        }
        if staff, let diagnostics = reply.diagnostics { lines.append(staffView(reply, diagnostics)) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "Document (1.2, 1.4); Other document (4.11)": each document once, each of its places
    /// once (two facts from one section are one place to a reader).
    static func sourceSummary(_ sources: [ReplySource]) -> String {
        var order: [String] = []
        var locations: [String: [String]] = [:]
        for source in sources {
            if locations[source.document] == nil { order.append(source.document) }
            if locations[source.document]?.contains(source.location) != true {
                locations[source.document, default: []].append(source.location)
            }
        }
        return order.map { "\($0) (\(locations[$0, default: []].joined(separator: ", ")))" }.joined(separator: "; ")
    }

    private func staffView(_ reply: ChatReply, _ diagnostics: Diagnostics) -> String {
        let alternatives = diagnostics.match.ranked.prefix(3)
            .map { "\($0.intentID) \(String(format: "%.3f", $0.score))" }.joined(separator: ", ")
        let concepts = engine.matcher.index.concepts.names(in: diagnostics.match.analyzed, language: diagnostics.detectedLanguage?.language)
        let detected = diagnostics.detectedLanguage.map { "\($0.language)-\($0.script) \(String(format: "%.2f", $0.confidence))" } ?? "undetermined"
        return """
            ── staff ── intent: \(reply.intent ?? "null")  kind: \(reply.kind.rawValue)  confidence: \(String(format: "%.2f", reply.confidence))
               alternatives: \(alternatives.isEmpty ? "none" : alternatives)\(diagnostics.match.secondOpinion.map { "  (answered because the classifier agrees: \($0))" } ?? "")
               language: \(reply.language) (detected \(detected)), script \(diagnostics.match.analyzed.script)
               normalized: \(diagnostics.match.analyzed.normalized)
               latin key: \(diagnostics.match.analyzed.latinKey)  (known to the examples: \(Int((diagnostics.match.coverage * 100).rounded())) %)
               concepts: \(concepts.isEmpty ? "none" : concepts.joined(separator: ", "))
            \(Self.closestExamples(diagnostics.match.ranked.prefix(3)))
            \(Self.staffSources(reply.sources))
               time: \(String(format: "%.0f", diagnostics.microseconds)) µs
            """
    }

    /// Each source on its own line: the seed file, the place in it and what it says, so staff
    /// can check every fact of the answer against its document.
    static func staffSources(_ sources: [ReplySource]) -> String {
        guard !sources.isEmpty else { return "   sources: none" }
        return "   sources:\n" + sources.map { "     \($0.seed), \($0.location): \($0.says)" }.joined(separator: "\n")
    }

    /// Each alternative's closest example, so staff see why a message went where it went.
    static func closestExamples(_ alternatives: ArraySlice<IntentScore>) -> String {
        guard !alternatives.isEmpty else { return "   closest examples: none" }
        return "   closest examples:\n" + alternatives.map { "     \($0.intentID): \"\($0.closestExample)\"" }.joined(separator: "\n")
    }

    private func banner() -> String {
        let locale = currentLocale()
        return locale.string(.greeting) + "\n" + languageMenu() + "\n" + locale.string(.kioskHelp) + "\n"
    }

    private func languageMenu() -> String {
        engine.knowledge.languages.map { "/lang \($0)  \(engine.knowledge.locales[$0]?.name ?? $0.rawValue)" }.joined(separator: "\n")
    }

    private func currentLocale() -> LocaleStrings {
        engine.locale(state.withLock { $0.session.language })
    }

    private func reset() {
        state.withLock { state in
            let explicit = state.session.languageIsExplicit ? state.session.language : nil
            state.session = Session(language: explicit)
            state.session.languageIsExplicit = explicit != nil
            state.hasConversation = false
        }
    }

    /// After a quiet spell the screen is cleared and the conversation forgotten, so the
    /// next resident at the kiosk does not see the previous one.
    private func startIdleWatch() {
        guard let idleReset else { return }
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 1)
                let expired = state.withLock { state -> Bool in
                    guard state.hasConversation, ContinuousClock.now - state.lastInput > idleReset else { return false }
                    state.session = Session()
                    state.hasConversation = false
                    return true
                }
                if expired { write("\u{1B}[2J\u{1B}[H" + banner() + "> ", newline: false) }
            }
        }
    }

    private func write(_ text: String, newline: Bool = true) {
        FileHandle.standardOutput.write(Data((newline ? text + "\n" : text).utf8))
    }
}
