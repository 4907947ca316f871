import Foundation
import Testing

/// The kiosk REPL through a pipe: no prompt on a pipe, one answer per message.
@Suite struct TerminalChatTests {
    @Test func answersInTheLanguageTypedAndSwitchesWithLang() throws {
        let output = try BinaryRunner.run(["chat"], lines: [
            "Tarvitsen tulkin lääkärikäynnille",
            "1",
            "/lang sv",
            "/lang xx",
            "/quit",
            "this line is never read",
        ])
        #expect(output.status == 0)
        #expect(output.stdout.contains("Asutko Helsingissä vai Vaasassa?"))  // the city question, in Finnish
        #expect(output.stdout.contains("Lähteet: "))  // the answer after "1", with its sources
        #expect(output.stdout.contains("svenska"))  // the switch to Swedish, said in Swedish
        #expect(!output.stdout.contains("never read"))
        #expect(!output.stdout.contains("> "))  // no prompt when stdin is not a terminal
    }

    @Test func survivesEmptyLinesControlCharactersAndAHugeLine() throws {
        var input = "\n\n   \n"
        input += "\u{01}\u{02}\u{1B}[31m hei \u{07}\n"
        input += String(repeating: "x", count: 100_000) + "\n"
        input += "kiitos\n"
        let output = try BinaryRunner.run(["chat"], input: Data(input.utf8))
        #expect(output.status == 0)
        #expect(!output.stdout.contains("\u{1B}[31m"))
        #expect(output.stdout.split(separator: "\n").count >= 3)
    }

    @Test func staffModeShowsIntentAlternativesAndTiming() throws {
        let output = try BinaryRunner.run(["chat", "--staff"], lines: ["paivakoti"])
        #expect(output.stdout.contains("intent: daycare"))
        #expect(output.stdout.contains("alternatives:"))
        #expect(output.stdout.contains("latin key: paivakoti"))
        #expect(output.stdout.contains("concepts: daycare"))
        // Each alternative's closest example, quoted: the top one is a daycare example.
        let closest = output.stdout.components(separatedBy: "closest examples:\n").last ?? ""
        #expect(closest.hasPrefix("     daycare: \""), "\(closest.prefix(80))")
        #expect(output.stdout.contains("µs"))
    }
}
