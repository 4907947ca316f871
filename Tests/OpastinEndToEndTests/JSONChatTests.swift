import Foundation
import Testing

/// `opastin chat --json` through a pipe: the protocol a web back end or a script uses.
@Suite struct JSONChatTests {
    @Test func designExampleGivesThreeAnswersAndTwoErrorsThenExitsZero() throws {
        let output = try BinaryRunner.run(["chat", "--json"], lines: [
            #"{"id":1,"text":"Miten pääsen suomen kielen kurssille?"}"#,
            #"{"id":2,"text":"kak zapisatsya na kursy finskogo yazyka"}"#,
            #"{"id":3,"text":"أين أجد دروس اللغة الفنلندية؟"}"#,
            "not json",
            #"{"id":5}"#,
        ])
        #expect(output.status == 0)
        let lines = output.lines
        try #require(lines.count == 5)
        for (index, language) in ["fi", "ru", "ar"].enumerated() {
            let reply = try BinaryRunner.object(lines[index])
            #expect(reply["id"] as? Int == index + 1)
            #expect(reply["intent"] as? String == "finnish-courses")
            #expect(reply["lang"] as? String == language)
            #expect((reply["sources"] as? [Any])?.isEmpty == false)
        }
        // Answers in their own scripts.
        let russian = try BinaryRunner.object(lines[1])["answer"] as? String ?? ""
        #expect(russian.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) })
        let arabic = try BinaryRunner.object(lines[2])["answer"] as? String ?? ""
        #expect(arabic.unicodeScalars.contains { (0x0600...0x06FF).contains($0.value) })
        let invalid = try BinaryRunner.object(lines[3])
        #expect((invalid["error"] as? [String: Any])?["code"] as? String == "invalid_json")
        let missing = try BinaryRunner.object(lines[4])
        #expect((missing["error"] as? [String: Any])?["code"] as? String == "missing_text")
        #expect(missing["id"] as? Int == 5)
    }

    @Test(arguments: [
        (#"[1,2]"#, "not_an_object"),
        (#"{"id":"a","text":42}"#, "invalid_text"),
        (#"{"text":"   "}"#, "empty_text"),
        (#"{"text":"hei","lang":"xx"}"#, "unknown_lang"),
        (#"{"text":"hei","city":"tampere"}"#, "unknown_city"),
        (#"{"text":"hei","session":5}"#, "invalid_session"),
        ("   ", "empty_line"),
        // Whitespace beyond ASCII (ideographic space, no-break space) is whitespace too.
        ("\u{3000} \u{00A0}", "empty_line"),
    ])
    func badRequestGetsItsErrorCodeAndTheNextLineIsStillAnswered(line: String, code: String) throws {
        let output = try BinaryRunner.run(["chat", "--json"], lines: [line, #"{"id":9,"text":"hello"}"#])
        #expect(output.status == 0)
        try #require(output.lines.count == 2)
        let error = try BinaryRunner.object(output.lines[0])
        #expect((error["error"] as? [String: Any])?["code"] as? String == code)
        #expect(try BinaryRunner.object(output.lines[1])["id"] as? Int == 9)
    }

    @Test func invalidUTF8AndOverlongLinesGetErrorsAndTheStreamGoesOn() throws {
        var input = Data([0x7B, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D, 0x0A])
        input += Data(("{\"text\":\"" + String(repeating: "a", count: 70_000) + "\"}\n").utf8)
        input += Data("{\"id\":3,\"text\":\"kiitos\"}\n".utf8)
        let output = try BinaryRunner.run(["chat", "--json"], input: input)
        try #require(output.lines.count == 3)
        #expect((try BinaryRunner.object(output.lines[0])["error"] as? [String: Any])?["code"] as? String == "invalid_utf8")
        #expect((try BinaryRunner.object(output.lines[1])["error"] as? [String: Any])?["code"] as? String == "line_too_long")
        #expect(try BinaryRunner.object(output.lines[2])["intent"] as? String == "thanks")
    }

    @Test func explicitLanguageSticksForTheSession() throws {
        let output = try BinaryRunner.run(["chat", "--json"], lines: [
            #"{"session":"s1","text":"asumisneuvonta","lang":"en"}"#,
            #"{"session":"s1","text":"päiväkoti"}"#,
            #"{"session":"s2","text":"päiväkoti"}"#,
        ])
        try #require(output.lines.count == 3)
        #expect(try BinaryRunner.object(output.lines[0])["lang"] as? String == "en")
        #expect(try BinaryRunner.object(output.lines[1])["lang"] as? String == "en")
        #expect(try BinaryRunner.object(output.lines[2])["lang"] as? String == "fi")
    }

    @Test func cityQuestionIsAskedAndTheNumberAnswersIt() throws {
        let output = try BinaryRunner.run(["chat", "--json"], lines: [
            #"{"text":"I have a problem with my rented flat, who can advise me?"}"#,
            #"{"text":"2"}"#,
            #"{"text":"and in Helsinki?"}"#,
        ])
        try #require(output.lines.count == 3)
        let question = try BinaryRunner.object(output.lines[0])
        #expect(question["kind"] as? String == "city")
        #expect((question["options"] as? [[String: Any]])?.count == 2)
        let answer = try BinaryRunner.object(output.lines[1])
        #expect(answer["intent"] as? String == "housing-advice")
        #expect(answer["city"] as? String == "vaasa")
        let followUp = try BinaryRunner.object(output.lines[2])
        #expect(followUp["intent"] as? String == "housing-advice")
        #expect(followUp["city"] as? String == "helsinki")
        #expect(followUp["answer"] as? String != answer["answer"] as? String)
    }

    /// A message of acute distress is not left with "try other words": it gets the mental
    /// wellbeing answer, and the city question that comes first already says to get emergency
    /// help when in danger.
    @Test func distressGetsTheSafetyLineBeforeTheCityQuestion() throws {
        let output = try BinaryRunner.run(["chat", "--json"], lines: [
            #"{"text":"I keep thinking everyone would be better off without me"}"#,
            #"{"text":"1"}"#,
        ])
        try #require(output.lines.count == 2)
        let question = try BinaryRunner.object(output.lines[0])
        #expect(question["intent"] as? String == "mental-wellbeing")
        #expect(question["kind"] as? String == "city")
        let text = try #require(question["answer"] as? String)
        let danger = try #require(text.range(of: "If you are in danger right now"))
        let city = try #require(text.range(of: "Do you live in Helsinki or Vaasa?"))
        #expect(danger.lowerBound < city.lowerBound)
        let answer = try BinaryRunner.object(output.lines[1])
        #expect(answer["intent"] as? String == "mental-wellbeing")
        #expect(answer["city"] as? String == "helsinki")
        #expect((answer["sources"] as? [Any])?.isEmpty == false)
    }

    @Test func outOfScopeGetsNullIntentAndAHelpfulFallback() throws {
        let output = try BinaryRunner.run(["chat", "--json"], lines: [#"{"text":"what is the best recipe for chocolate cake"}"#])
        let reply = try BinaryRunner.object(try #require(output.lines.first))
        #expect(reply["intent"] is NSNull)
        #expect((reply["answer"] as? String)?.isEmpty == false)
    }

    @Test func staffFieldsComeWithJSONWhenAskedFor() throws {
        let output = try BinaryRunner.run(["chat", "--json", "--staff"], lines: [#"{"text":"paivakoti"}"#])
        let reply = try BinaryRunner.object(try #require(output.lines.first))
        let staff = try #require(reply["staff"] as? [String: Any])
        let alternatives = try #require(staff["alternatives"] as? [[String: Any]])
        #expect(alternatives.first?["intent"] as? String == "daycare")
        #expect((alternatives.first?["closest_example"] as? String)?.isEmpty == false)
        #expect(staff["latin_key"] as? String == "paivakoti")
        let plain = try BinaryRunner.run(["chat", "--json"], lines: [#"{"text":"paivakoti"}"#])
        #expect(try BinaryRunner.object(try #require(plain.lines.first))["staff"] == nil, "only when asked for")
    }

    @Test func clarificationOptionIsPickedByNumberThroughThePipe() throws {
        let output = try BinaryRunner.run(["chat", "--json"], lines: [
            // Noisy neighbours in a rented flat: housing advice and finding another home are
            // both fair readings of this.
            #"{"session":"c","text":"Соседи сверху постоянно шумят ночью, уже месяц не можем нормально спать. Квартира съёмная, что нам делать?"}"#,
            #"{"session":"c","text":"2"}"#,
        ])
        try #require(output.lines.count == 2)
        let question = try BinaryRunner.object(output.lines[0])
        #expect(question["kind"] as? String == "clarify")
        let options = try #require(question["options"] as? [[String: Any]])
        #expect(options.count >= 2)
        #expect(question["lang"] as? String == "ru")
        let answer = try BinaryRunner.object(output.lines[1])
        #expect(answer["intent"] as? String == options[1]["value"] as? String)
        #expect(answer["lang"] as? String == "ru")
    }

    @Test func askingForAnotherLanguageSticksAcrossMessages() throws {
        let output = try BinaryRunner.run(["chat", "--json"], lines: [
            #"{"text":"voitko vastata englanniksi"}"#,
            #"{"text":"missä on päiväkoti"}"#,
            #"{"text":"kiitos"}"#,
        ])
        try #require(output.lines.count == 3)
        let switched = try BinaryRunner.object(output.lines[0])
        #expect(switched["intent"] as? String == "change-language")
        #expect(switched["lang"] as? String == "en")
        #expect(try BinaryRunner.object(output.lines[1])["intent"] as? String == "daycare")
        #expect(try output.lines.map { try BinaryRunner.object($0)["lang"] as? String } == ["en", "en", "en"])
    }
}
