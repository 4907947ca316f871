public import Foundation
internal import Yams

/// The service catalogue (spec/intents.yaml): the intent ids Knowledge/ must cover.
public struct Catalogue: Sendable {
    public let intentIDs: [String]

    /// Reads the catalogue's `intents[].id`.
    public static func load(_ url: URL) throws -> Catalogue {
        let text = try String(contentsOf: url, encoding: .utf8)
        let root = try Yams.compose(yaml: text)
        let ids = (root?["intents"]?.sequence ?? []).compactMap { $0["id"]?.string }
        return Catalogue(intentIDs: ids)
    }

    /// A problem for every catalogue intent that has no Knowledge file.
    public func missing(from knowledge: [String]) -> [KnowledgeProblem] {
        let present = Set(knowledge)
        return intentIDs.filter { !present.contains($0) }.map {
            KnowledgeProblem(file: "Knowledge/\($0).yaml", line: nil, "the catalogue intent `\($0)` has no Knowledge file")
        }
    }
}
