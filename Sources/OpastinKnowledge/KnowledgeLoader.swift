public import Foundation
import Synchronization
internal import OpastinText
internal import Yams

/// Loads `Knowledge/` and `Locales/` and checks them, collecting every problem with its
/// file and line instead of stopping at the first.
public struct KnowledgeLoader: Sendable {
    /// The folder holding one YAML file per intent.
    public let knowledgeDirectory: URL
    /// The folder holding one YAML file per language.
    public let localesDirectory: URL
    /// The rules the content must follow.
    public var policy = ContentPolicy()

    public init(knowledgeDirectory: URL, localesDirectory: URL) {
        self.knowledgeDirectory = knowledgeDirectory
        self.localesDirectory = localesDirectory
    }

    /// Loads and validates; throws with every error when any file is wrong.
    public func load() throws(KnowledgeError) -> KnowledgeBase {
        let (base, problems) = loadCollectingProblems()
        guard let base, !problems.contains(where: { $0.severity == .error }) else {
            throw KnowledgeError(problems: problems)
        }
        return base
    }

    /// Loads what can be loaded and returns every problem (errors and warnings) found.
    public func loadCollectingProblems() -> (KnowledgeBase?, [KnowledgeProblem]) {
        var problems: [KnowledgeProblem] = []
        let localeFiles = yamlFiles(in: localesDirectory, label: "Locales", problems: &problems)
        var locales: [LanguageCode: LocaleStrings] = [:]
        for url in localeFiles {
            let file = YAMLFile(url: url, displayName: "Locales/\(url.lastPathComponent)")
            if let locale = LocaleParser(file: file).parse(expectedCode: url.deletingPathExtension().lastPathComponent) {
                locales[locale.code] = locale
            }
            problems += file.problems
        }
        if localeFiles.isEmpty == false, locales.isEmpty {
            problems.append(KnowledgeProblem(file: "Locales", line: nil, "no usable locale"))
        }

        // Intent files are independent: parse them on every core, then report in file order.
        let urls = yamlFiles(in: knowledgeDirectory, label: "Knowledge", problems: &problems)
        let languages = Set(locales.keys)
        let parsed = Mutex([(Intent?, [KnowledgeProblem])?](repeating: nil, count: urls.count))
        DispatchQueue.concurrentPerform(iterations: urls.count) { index in
            let url = urls[index]
            let file = YAMLFile(url: url, displayName: "Knowledge/\(url.lastPathComponent)")
            let intent = IntentParser(file: file, languages: languages, policy: policy)
                .parse(expectedID: url.deletingPathExtension().lastPathComponent)
            let problems = file.problems
            parsed.withLock { $0[index] = (intent, problems) }
        }
        var intents: [Intent] = []
        for result in parsed.withLock({ $0 }) {
            guard let (intent, fileProblems) = result else { continue }
            if let intent { intents.append(intent) }
            problems += fileProblems
        }
        problems += CrossFileRules(policy: policy).check(intents: intents, locales: locales)
        if intents.isEmpty || locales.isEmpty { return (nil, problems) }
        return (KnowledgeBase(intents: intents, locales: locales), problems)
    }

    private func yamlFiles(in directory: URL, label: String, problems: inout [KnowledgeProblem]) -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            problems.append(KnowledgeProblem(file: label, line: nil, "cannot read the folder \(directory.path)"))
            return []
        }
        let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        if files.isEmpty { problems.append(KnowledgeProblem(file: label, line: nil, "no .yaml files in \(directory.path)")) }
        return files.map { directory.appendingPathComponent($0) }
    }
}

/// The content rules `opastin check` enforces.
public struct ContentPolicy: Sendable {
    /// Fewest example utterances per language per intent.
    public var minimumExamples = 15
    /// Answer length in words, for service intents (dialogue replies may be shorter).
    public var answerWords = 40...120
    /// The public portals answers may link to (spec/intents.yaml, `portals`).
    public var allowedLinkHosts: Set<String> = [
        "infofinland.fi", "finnishcourses.fi", "vaasa.fi", "helsinkikanava.fi",
    ]
    /// The allowed path under a host, when only one page of it is allowed.
    public var allowedLinkPaths: [String: String] = ["vaasa.fi": "/kotouttamisohjelma"]
    /// The seed documents sources may name; empty means "any name of the seed form".
    public var seedNames: Set<String> = []

    public init() {}

    /// True when a link points at one of the allowed portals.
    public func allowsLink(_ link: String) -> Bool {
        guard let url = URL(string: link), url.scheme == "https", var host = url.host?.lowercased() else { return false }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        guard allowedLinkHosts.contains(host) else { return false }
        if let path = allowedLinkPaths[host] { return url.path.hasPrefix(path) }
        return true
    }
}
