import CByteScan
import Foundation
@testable import OpastinChat
@testable import OpastinMatch
import OpastinText
import Testing

/// The reply writer's strings: whatever the text, Foundation reads back the same string, and
/// the line holds no raw control character or U+2028/U+2029 (which end a line in JavaScript).
@Suite struct JSONWriterTests {
    @Test func stringsSurviveARoundTripThroughFoundation() throws {
        // Pieces that need escaping, and plain runs long enough to cross 16-byte chunks.
        let pieces = ["\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}", "\u{2027}",
                      "ä", "ж", "ع", "😀", "plain text ", "0123456789abcdef", "Työväenopisto järjestää kursseja. "]
        var random = SplitMix64(seed: 2028)
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            var writer = JSONWriter()
            writer.write(.array([.string(text)]))
            let line = writer.output
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" })
            let decoded = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String]
            #expect(decoded == [text], "\(line)")
        }
    }

    /// A source is encoded once, when it is made; a reply copies those bytes into its line,
    /// which must read as if each source had been written member by member.
    @Test func preEncodedSourcesReadBackAsTheirFields() throws {
        let sources = [
            ReplySource(seed: "003.txt", document: "Helsingin \"ohjelma\"", location: "4.8", says: "Rivi\nja\u{2028}toinen"),
            ReplySource(seed: "004.txt", document: "Vasa", location: "", says: "ä ж ع 😀"),
        ]
        var reply = ChatReply(language: "fi", intent: "x", confidence: 0.5, answer: "a", kind: .answer, options: [], sources: sources, links: [])
        reply.id = .integer(7)
        let line = ProtocolCodec.encode(reply)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let decoded = try #require(object["sources"] as? [[String: String]])
        #expect(decoded == sources.map { ["document": $0.document, "says": $0.says, "seed": $0.seed, "where": $0.location] })
        #expect(line.contains(#""sources":[{"document":"Helsingin \"ohjelma\"","says":"#), "members in protocol order: \(line)")
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" })
    }

    /// The scan finds the first byte that may need escaping, wherever it sits in a sixteen-byte
    /// chunk or the tail after the last whole chunk, whatever the bytes around it are.
    @Test func scanFindsTheFirstByteThatMayNeedEscaping() {
        let special = Set<UInt8>([0x22, 0x5C, 0x7F, 0xE2]).union(0..<0x20)
        for byte in UInt8.min...UInt8.max {
            for length in [1, 15, 16, 17, 40] {
                for position in 0..<length {
                    for filler: UInt8 in [0x61, 0xD0, 0xFF, 0x20, 0x80] {
                        // A later special byte must not move the answer.
                        var bytes = [UInt8](repeating: filler, count: length)
                        bytes[position] = byte
                        if position < length - 1 { bytes[length - 1] = 0x22 }
                        let expected = bytes.firstIndex(where: special.contains) ?? length
                        let found = bytes.withUnsafeBufferPointer { cbytescan_json_plain_length($0.baseAddress!, $0.count) }
                        #expect(found == expected, "byte \(byte) at \(position) of \(length)")
                    }
                }
            }
        }
    }
}
