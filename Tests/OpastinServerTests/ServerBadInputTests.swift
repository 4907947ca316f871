import Foundation
import OpastinServer
import Testing

extension ServerSuites {
    /// Every bad line gets its error code, and the same connection then answers a good request.
    @Suite struct ServerBadInputTests {
        static let badLines: [(bytes: [UInt8], code: String)] = [
            ([0x7B, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D], "invalid_utf8"),
            (Array("not json".utf8), "invalid_json"),
            (Array("[1]".utf8), "not_an_object"),
            (Array(#"{"id":1}"#.utf8), "missing_text"),
            (Array(#"{"text":5}"#.utf8), "invalid_text"),
            (Array(#"{"text":"  "}"#.utf8), "empty_text"),
            (Array(#"{"text":"hi","lang":"xx"}"#.utf8), "unknown_lang"),
            (Array(#"{"text":"hi","city":"oulu"}"#.utf8), "unknown_city"),
            (Array(#"{"text":"hi","session":5}"#.utf8), "invalid_session"),
            (Array("   ".utf8), "empty_line"),
            (Array(("{\"text\":\"" + String(repeating: "a", count: 70_000) + "\"}").utf8), "line_too_long"),
        ]

        @Test(arguments: badLines.indices)
        func badLineGetsItsErrorAndTheConnectionStaysOpen(index: Int) async throws {
            let (bytes, code) = Self.badLines[index]
            try await withDeadline {
                try await TestServer.with { server in
                    try await TestClient.connect(to: server).session { conversation in
                        try await conversation.send(bytes: bytes + [0x0A])
                        let error = try await conversation.next()
                        #expect(error.errorCode == code, "line \(index)")
                        let good = try await conversation.ask(#"{"id":"after","text":"Miten pääsen suomen kielen kurssille?"}"#)
                        #expect(good["id"] as? String == "after")
                        #expect(good["intent"] as? String == "finnish-courses")
                    }
                }
            }
        }

        @Test func errorEchoesTheIdWhenTheLineWasAnObject() async throws {
            try await withDeadline {
                try await TestServer.with { server in
                    try await TestClient.connect(to: server).session { conversation in
                        let error = try await conversation.ask(#"{"id":41,"text":"hi","lang":"xx"}"#)
                        #expect(error["id"] as? Int == 41)
                        #expect(error.errorCode == "unknown_lang")
                    }
                }
            }
        }

        @Test func escapedNulInsideATextIsAnsweredNormally() async throws {
            try await withDeadline {
                try await TestServer.with { server in
                    try await TestClient.connect(to: server).session { conversation in
                        let reply = try await conversation.ask(#"{"id":7,"text":"hei\u0000 kiitos"}"#)
                        #expect(reply["id"] as? Int == 7)
                        #expect(reply["answer"] is String)
                    }
                }
            }
        }

        @Test func overLongLineSentInPiecesIsRefusedOnceThenTheStreamGoesOn() async throws {
            try await withDeadline {
                try await TestServer.with { server in
                    try await TestClient.connect(to: server).session { conversation in
                        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 16_384)
                        for _ in 0..<16 { try await conversation.send(bytes: piece) }
                        try await conversation.send(bytes: [0x0A])
                        #expect(try await conversation.next().errorCode == "line_too_long")
                        let good = try await conversation.ask(#"{"id":2,"text":"hei"}"#)
                        #expect(good["id"] as? Int == 2)
                    }
                }
            }
        }
    }
}
