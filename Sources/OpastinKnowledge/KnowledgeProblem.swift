/// Something wrong (or doubtful) in a Knowledge or Locales file, with where it is.
public struct KnowledgeProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public let severity: Severity
    /// The file, relative to the folder it was loaded from ("Knowledge/daycare.yaml").
    public let file: String
    /// 1-based line, when the problem sits on one.
    public let line: Int?
    public let message: String

    public init(_ severity: Severity = .error, file: String, line: Int?, _ message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(severity.rawValue): \(message)"
    }
}

/// Thrown when knowledge cannot be loaded; carries every problem found.
public struct KnowledgeError: Error, CustomStringConvertible {
    public let problems: [KnowledgeProblem]
    public var description: String {
        problems.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
    }
}
