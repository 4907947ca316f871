internal import Foundation
internal import OpastinText
internal import Yams

/// A parsed YAML file that records a problem, with its line, for every field that is
/// missing or of the wrong kind, so `opastin check` can point at the exact place.
final class YAMLFile {
    let name: String
    private(set) var problems: [KnowledgeProblem] = []
    let root: Node?

    init(url: URL, displayName: String) {
        name = displayName
        var parsed: Node?
        do {
            let text = try String(contentsOf: url, encoding: .utf8)
            parsed = try Yams.compose(yaml: text)
            if parsed == nil { problems.append(KnowledgeProblem(file: displayName, line: nil, "the file is empty")) }
        } catch let error as YamlError {
            problems.append(KnowledgeProblem(file: displayName, line: Self.line(of: error), "not valid YAML: \(error)"))
        } catch {
            problems.append(KnowledgeProblem(file: displayName, line: nil, "cannot be read as UTF-8 text: \(error.localizedDescription)"))
        }
        root = parsed
    }

    func error(_ node: Node?, _ message: String) {
        problems.append(KnowledgeProblem(file: name, line: Self.line(of: node), message))
    }

    func warning(_ node: Node?, _ message: String) {
        problems.append(KnowledgeProblem(.warning, file: name, line: Self.line(of: node), message))
    }

    static func line(of node: Node?) -> Int? { node?.mark.map { $0.line } }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    // MARK: Typed access that records what is wrong

    func mapping(_ node: Node?, _ what: String) -> Node.Mapping? {
        guard let node else { return nil }
        guard let mapping = node.mapping else {
            error(node, "\(what) must be a mapping (key: value)")
            return nil
        }
        return mapping
    }

    func string(_ parent: Node?, _ key: String, required: Bool = true) -> String? {
        guard let value = parent?[key] else {
            if required { error(parent, "missing `\(key)`") }
            return nil
        }
        guard let text = value.scalar?.string, !(value.scalar?.string.isEmpty ?? true) else {
            error(value, "`\(key)` must be a non-empty text")
            return nil
        }
        return text.trimmingWhitespace()
    }

    func strings(_ node: Node?, _ what: String) -> [(text: String, node: Node)] {
        guard let node else { return [] }
        if case .scalar(let scalar) = node, scalar.tag.description.hasSuffix("null") || scalar.string == "null" { return [] }
        guard let sequence = node.sequence else {
            error(node, "\(what) must be a list")
            return []
        }
        var result: [(String, Node)] = []
        for item in sequence {
            guard let text = item.scalar?.string, !text.trimmingWhitespace().isEmpty else {
                error(item, "\(what): every item must be a non-empty text")
                continue
            }
            result.append((text.trimmingWhitespace(), item))
        }
        return result
    }

    /// The entries of a mapping whose keys are texts, in file order.
    func entries(_ node: Node?, _ what: String) -> [(key: String, keyNode: Node, value: Node)] {
        guard let mapping = mapping(node, what) else { return [] }
        var result: [(String, Node, Node)] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                error(key, "\(what): keys must be texts")
                continue
            }
            result.append((name, key, value))
        }
        return result
    }
}
