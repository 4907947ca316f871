import Foundation
@testable import OpastinChat
@testable import OpastinMatch
import Testing

/// The request parser against Foundation's JSONDecoder, which it replaced: the same values
/// for valid JSON, an error for everything RFC 8259 forbids.
@Suite struct JSONParserTests {
    @Test(arguments: [
        #"{"id":1,"text":"hei"}"#,
        #"  { "text" : "Miten pääsen suomen kielen kurssille?" , "lang":"fi","city":null }  "#,
        #"{"id":"a-1","text":"line\nbreak \"quoted\" \\ \/ \t tab \u00e4 \ud83d\ude00"}"#,
        #"{"id":-12.5e3,"text":"x","nested":{"a":[1,2,{"b":false}],"c":true}}"#,
        #"{"id":0,"text":"","list":[],"obj":{}}"#,
        #"{"id":9007199254740993,"text":"big id"}"#,
        #"{"text":"أين أجد دروس اللغة الفنلندية؟"}"#,
        #"[1,2,3]"#, #""just a string""#, "42", "null",
    ])
    func agreesWithFoundation(line: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
        #expect(try JSONParser.parse(Array(line.utf8)) == expected)
    }

    @Test(arguments: [
        "", "{", "}", #"{"text":}"#, #"{"text":"unterminated}"#, #"{"text":"a",}"#, #"{text:"a"}"#,
        #"{"text":'a'}"#, "[1,]", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "NaN", "Infinity",
        #"{"a":1} x"#, #"{"a":1}{"b":2}"#, #""\x""#, #""\u12""#, #""\ud800""#, #""\udc00x""#,
        "\"tab\there\"", "\"new\nline\"", "1e400",
    ])
    func rejectsInvalidJSON(line: String) {
        #expect(throws: JSONParser.Invalid.self) { try JSONParser.parse(Array(line.utf8)) }
    }

    @Test func refusesDeepNestingInsteadOfExhaustingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.Invalid.self) { try JSONParser.parse(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect((try? JSONParser.parse(Array(fine.utf8))) != nil)
    }

    /// Random short texts over JSON's own characters: the parser accepts exactly what
    /// Foundation accepts, with the same value.
    @Test func randomTextsAgreeWithFoundation() {
        let alphabet = Array(#"{}[]":,-+.eE0123456789 \ntrufalsn"abc"#)
        var generator = SplitMix64(seed: 7)
        var disagreements: [String] = []
        for _ in 0..<3_000 {
            let length = Int(generator.next() % 12) + 1
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            let ours = try? JSONParser.parse(Array(text.utf8))
            let foundation = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            if ours != foundation { disagreements.append(text) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }
}
