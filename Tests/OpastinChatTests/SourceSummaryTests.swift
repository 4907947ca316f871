@testable import OpastinChat
import Testing

/// The kiosk's source line and the staff view's source lines.
@Suite struct SourceSummaryTests {
    static let sources = [
        ReplySource(seed: "004.txt", document: "Vasa integrationsprogram", location: "Henkisen hyvinvoinnin edistäminen", says: "Valo runs info sessions."),
        ReplySource(seed: "004.txt", document: "Vasa integrationsprogram", location: "Henkisen hyvinvoinnin edistäminen", says: "Staff are trained."),
        ReplySource(seed: "003.txt", document: "Helsinki programme", location: "4.8", says: "Low-threshold support."),
        ReplySource(seed: "004.txt", document: "Vasa integrationsprogram", location: "Neuvonnan keskittäminen", says: "Advice in one place."),
    ]

    @Test func eachDocumentAndPlaceIsNamedOnce() {
        #expect(TerminalChat.sourceSummary(Self.sources)
            == "Vasa integrationsprogram (Henkisen hyvinvoinnin edistäminen, Neuvonnan keskittäminen); Helsinki programme (4.8)")
    }

    @Test func staffSeeWhatEachSourceSays() {
        let lines = TerminalChat.staffSources(Self.sources).split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[1] == "     004.txt, Henkisen hyvinvoinnin edistäminen: Valo runs info sessions.")
        #expect(lines[2] == "     004.txt, Henkisen hyvinvoinnin edistäminen: Staff are trained.")
        #expect(TerminalChat.staffSources([]) == "   sources: none")
    }
}
