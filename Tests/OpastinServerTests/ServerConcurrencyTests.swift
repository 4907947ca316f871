import Foundation
import OpastinServer
import Testing

extension ServerSuites {
    /// Many clients at once, each pipelining requests: every reply reaches its own client, in order.
    @Suite struct ServerConcurrencyTests {
        static let texts = [
            "Miten pääsen suomen kielen kurssille?", "kak zapisatsya na kursy finskogo yazyka",
            "I need advice about my rental apartment", "Var hittar jag svenskakurser?", "hei", "2",
        ]

        @Test func hundredClientsPipeliningFiftyRequestsEachGetTheirRepliesInOrder() async throws {
            let clients = 100, requests = 50
            let received = try await withDeadline(seconds: 50) {
                try await TestServer.with({ $0.maximumConnections = 200 }) { server in
                    let connections = try await withThrowingTaskGroup(of: TestClient.self) { group in
                        for _ in 0..<clients { group.addTask { try await TestClient.connect(to: server) } }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                    return try await withThrowingTaskGroup(of: Int.self) { group in
                        for (number, client) in connections.enumerated() {
                            group.addTask {
                                try await client.session { conversation in
                                    // All requests go out before any reply is read.
                                    var batch = ""
                                    for index in 0..<requests {
                                        let text = Self.texts[(number + index) % Self.texts.count]
                                        batch += request(["id": "c\(number)-r\(index)", "text": text]) + "\n"
                                    }
                                    try await conversation.send(bytes: Array(batch.utf8))
                                    var matched = 0
                                    for index in 0..<requests {
                                        let reply = try await conversation.next()
                                        guard reply["id"] as? String == "c\(number)-r\(index)", reply["answer"] is String else {
                                            throw TestFailure("client \(number) request \(index) got \(reply)")
                                        }
                                        matched += 1
                                    }
                                    return matched
                                }
                            }
                        }
                        return try await group.reduce(0, +)
                    }
                }
            }
            #expect(received == clients * requests)
        }
    }
}
