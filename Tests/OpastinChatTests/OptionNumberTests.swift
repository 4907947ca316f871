import Foundation
@testable import OpastinChat
import Testing

/// A resident's answer to a numbered question: "1", " 2.", "(3)", "٢" pick an option.
@Suite struct OptionNumberTests {
    @Test(arguments: [
        ("1", 1), (" 2.", 2), ("3)", 3), ("(4)", 4), ("\t5!", 5), ("«6»", 6), ("٢", 2), ("۲", 2), ("\u{3000}7\u{00A0}", 7),
    ])
    func aNumberAmongSpacesAndPunctuationIsRead(text: String, number: Int) {
        #expect(OptionNumber.parse(text) == number)
    }

    @Test(arguments: ["0", "12", "1 2", "a", "", " . ", "x1", "1a", "\n1\n", "½"])
    func anythingElseIsNoOption(text: String) {
        #expect(OptionNumber.parse(text) == nil)
    }

    /// The pure-Swift trim keeps what Foundation's `trimmingCharacters(in:)` with whitespace
    /// and punctuation did, which it replaced.
    @Test func agreesWithFoundationsTrim() {
        let samples = ["1", " 2.", "-3-", "¿4?", "\u{2028}5", "\n6", "7\r", "8\u{200B}", "…9…", "#1", "+2", "'3'", "_4_", "1.5"]
        for text in samples {
            let trimmed = text.trimmingCharacters(in: CharacterSet.whitespaces.union(.punctuationCharacters))
            let expected = trimmed.count == 1 ? trimmed.first?.wholeNumberValue.flatMap { $0 > 0 ? $0 : nil } : nil
            #expect(OptionNumber.parse(text) == expected, "\(text.debugDescription)")
        }
    }
}
