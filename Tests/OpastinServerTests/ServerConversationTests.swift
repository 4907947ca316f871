import Foundation
import OpastinServer
import Testing

extension ServerSuites {
    /// A resident's conversation over a real socket: one session per connection.
    @Suite struct ServerConversationTests {
        /// The city question, the answer for the chosen city, then a switch of city.
        private func haveCityConversation(over client: TestClient) async throws {
            try await client.session { conversation in
                let question = try await conversation.ask(request(["id": 1, "text": "I have a problem with my rented flat, who can advise me?"]))
                #expect(question["id"] as? Int == 1)
                #expect(question["kind"] as? String == "city")
                #expect((question["options"] as? [Any])?.count == 2)

                let intent = try #require(question["intent"] as? String)
                Self.expectHousingAdvice(intent)

                let vaasa = try await conversation.ask(request(["id": 2, "text": "2"]))
                #expect(vaasa["intent"] as? String == intent)
                #expect(vaasa["city"] as? String == "vaasa")
                #expect(vaasa["kind"] as? String == "answer")

                let helsinki = try await conversation.ask(request(["id": 3, "text": "and in Helsinki?"]))
                #expect(helsinki["intent"] as? String == intent)
                #expect(helsinki["city"] as? String == "helsinki")
            }
        }

        static func expectHousingAdvice(_ intent: String) {
            #expect(intent == "housing-advice")
        }

        @Test func cityQuestionThenVaasaThenHelsinkiOverTCP() async throws {
            try await withDeadline {
                try await TestServer.with { server in
                    try await haveCityConversation(over: try await TestClient.connect(to: server))
                }
            }
        }

        @Test func cityQuestionThenVaasaThenHelsinkiOverUnixSocket() async throws {
            try await withDeadline {
                try await TestServer.with(unixSocket: true) { server in
                    let path = try #require(server.addresses.unixSocketPath)
                    #expect(server.addresses.readyLine.hasSuffix(" unix://\(path)"))
                    try await haveCityConversation(over: try await TestClient.connect(unixSocketPath: path))
                }
            }
        }

        /// A clarification, its option chosen by number, the city question, then the other city.
        @Test func clarificationThenCityThenFollowUpOverTCP() async throws {
            try await withDeadline {
                try await TestServer.with { server in
                    let client = try await TestClient.connect(to: server)
                    try await client.session { conversation in
                        // "Language courses" in Arabic typed in Latin letters: which language,
                        // and for work or not, is left open, so the closest intents are asked about.
                        let question = try await conversation.ask(request(["id": "a", "text": "dawrat lugha"]))
                        #expect(question["kind"] as? String == "clarify")
                        #expect(question["lang"] as? String == "ar")
                        let options = try #require(question["options"] as? [[String: Any]])
                        let values = options.compactMap { $0["value"] as? String }
                        #expect(values.contains("finnish-courses"))

                        let chosen = try #require(values.firstIndex(of: "finnish-courses")) + 1
                        let city = try await conversation.ask(request(["id": "b", "text": "\(chosen)"]))
                        #expect(city["intent"] as? String == "finnish-courses")
                        #expect(city["kind"] as? String == "city")
                        #expect(city["lang"] as? String == "ar")

                        let vaasa = try await conversation.ask(request(["id": "c", "text": "2"]))
                        #expect(vaasa["kind"] as? String == "answer")
                        #expect(vaasa["city"] as? String == "vaasa")
                        #expect(vaasa["intent"] as? String == "finnish-courses")

                        let helsinki = try await conversation.ask(request(["id": "d", "text": "and in Helsinki?"]))
                        #expect(helsinki["intent"] as? String == "finnish-courses")
                        #expect(helsinki["city"] as? String == "helsinki")
                        #expect(helsinki["id"] as? String == "d")
                    }
                }
            }
        }

        @Test func readyLineNamesTheRealPort() async throws {
            try await withDeadline {
                try await TestServer.with { server in
                    #expect(server.addresses.port > 0)
                    #expect(server.addresses.readyLine == "opastin listening on tcp://127.0.0.1:\(server.addresses.port)")
                }
            }
        }

        @Test func eachConnectionHasItsOwnSession() async throws {
            try await withDeadline {
                try await TestServer.with { server in
                    let first = try await TestClient.connect(to: server)
                    let second = try await TestClient.connect(to: server)
                    try await first.session { one in
                        let question = try await one.ask(request(["text": "I have a problem with my rented flat, who can advise me?"]))
                        #expect(question["kind"] as? String == "city")
                        // The other connection knows nothing of the pending city question.
                        try await second.session { two in
                            let reply = try await two.ask(request(["text": "2"]))
                            #expect(reply["intent"] as? String != "housing-advice")
                        }
                        let answer = try await one.ask(request(["text": "2"]))
                        #expect(answer["city"] as? String == "vaasa")
                    }
                }
            }
        }

        @Test func namedSessionsAreSharedAcrossConnections() async throws {
            try await withDeadline {
                try await TestServer.with { server in
                    try await TestClient.connect(to: server).session { one in
                        let question = try await one.ask(request(["session": "kiosk-1", "text": "I have a problem with my rented flat, who can advise me?"]))
                        #expect(question["kind"] as? String == "city")
                    }
                    try await TestClient.connect(to: server).session { two in
                        let answer = try await two.ask(request(["session": "kiosk-1", "text": "2"]))
                        #expect(answer["kind"] as? String == "answer")
                        #expect(answer["city"] as? String == "vaasa")
                        #expect(answer["session"] as? String == "kiosk-1")
                    }
                }
            }
        }

        @Test func halfClosedClientStillGetsEveryReply() async throws {
            try await withDeadline {
                try await TestServer.with { server in
                    try await TestClient.connect(to: server).session { conversation in
                        for id in 1...20 { try await conversation.send(request(["id": id, "text": "hei"])) }
                        // Like `printf … | nc -N`: the client's side is shut after the last line.
                        try await conversation.send(bytes: Array(#"{"id":21,"text":"kiitos"}"#.utf8))
                        conversation.finishSending()
                        for id in 1...21 {
                            let reply = try await conversation.next()
                            #expect(reply["id"] as? Int == id)
                        }
                        #expect(try await conversation.nextLine() == nil)
                    }
                }
            }
        }
    }
}
