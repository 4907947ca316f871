import Foundation
import OpastinServer
import Testing

extension ServerSuites {
    /// Too many connections, silent clients, and graceful shutdown.
    @Suite struct ServerLimitsTests {
        @Test func connectionOverTheLimitGetsTooManyConnectionsAndEndOfFile() async throws {
            try await withDeadline {
                try await TestServer.with({ $0.maximumConnections = 2 }) { server in
                    let first = try await TestClient.connect(to: server)
                    let second = try await TestClient.connect(to: server)
                    try await first.session { one in
                        try await second.session { two in
                            // Both answered: both hold a place.
                            #expect(try await one.ask(#"{"id":1,"text":"hei"}"#)["id"] as? Int == 1)
                            #expect(try await two.ask(#"{"id":2,"text":"hei"}"#)["id"] as? Int == 2)
                            try await TestClient.connect(to: server).session { third in
                                let refusal = try await third.next()
                                #expect(refusal.errorCode == "too_many_connections")
                                #expect(try await third.nextLine() == nil)
                            }
                        }
                    }
                    // The places are free again once the first two have gone.
                    var answered = false
                    for _ in 0..<50 where !answered {
                        // Until the server has seen the close, a new client may still be refused.
                        answered = (try? await TestClient.connect(to: server).session { again in
                            try await again.ask(#"{"id":3,"text":"hei"}"#)["id"] as? Int == 3
                        }) ?? false
                        if !answered { try await Task.sleep(for: .milliseconds(20)) }
                    }
                    #expect(answered)
                }
            }
        }

        @Test func silentClientIsClosedAfterTheIdleTimeout() async throws {
            try await withDeadline {
                try await TestServer.with({ $0.idleTimeout = .seconds(1) }) { server in
                    let started = ContinuousClock.now
                    let line = try await TestClient.connect(to: server).session { silent in
                        try await silent.nextLine()
                    }
                    #expect(line == nil)
                    let waited = ContinuousClock.now - started
                    #expect(waited >= .milliseconds(900))
                    #expect(waited < .seconds(5))
                }
            }
        }

        @Test func talkingClientIsNotClosedByTheIdleTimeout() async throws {
            try await withDeadline {
                try await TestServer.with({ $0.idleTimeout = .seconds(1) }) { server in
                    try await TestClient.connect(to: server).session { client in
                        for id in 1...4 {
                            #expect(try await client.ask(request(["id": id, "text": "hei"]))["id"] as? Int == id)
                            try await Task.sleep(for: .milliseconds(400))
                        }
                    }
                }
            }
        }

        @Test func gracefulShutdownAnswersEveryLineAlreadySentThenCloses() async throws {
            try await withDeadline {
                let server = try await TestServer.start()
                let clients = 10, requests = 40
                let connections = try await withThrowingTaskGroup(of: TestClient.self) { group in
                    for _ in 0..<clients { group.addTask { try await TestClient.connect(to: server) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let (sent, allSent) = AsyncStream.makeStream(of: Void.self)
                async let stopped: Void = {
                    for await _ in sent.prefix(clients) {}
                    try await server.stop()
                }()
                let replies = try await withThrowingTaskGroup(of: Int.self) { group in
                    for client in connections {
                        group.addTask {
                            try await client.session { conversation in
                                var batch = ""
                                for id in 0..<requests { batch += request(["id": id, "text": "Var hittar jag svenskakurser?"]) + "\n" }
                                // One small write is one segment on loopback: once the first reply
                                // is back, every line of the batch is in the server's socket buffer.
                                try await conversation.send(bytes: Array(batch.utf8))
                                var count = 0
                                if let first = try await conversation.nextLine() {
                                    let reply = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
                                    #expect(reply?["id"] as? Int == 0)
                                    count = 1
                                }
                                allSent.yield()
                                while let line = try await conversation.nextLine() {
                                    let reply = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                                    #expect(reply?["id"] as? Int == count)
                                    count += 1
                                }
                                return count
                            }
                        }
                    }
                    return try await group.reduce(0, +)
                }
                try await stopped
                #expect(replies == clients * requests)
                // Stopped: nobody is accepted any more.
                await #expect(throws: (any Error).self) { try await TestClient.connect(port: server.addresses.port) }
            }
        }
    }
}
