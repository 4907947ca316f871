public import Foundation
public import OpastinKnowledge

/// Finds the knowledge folders and builds the chat engine: the one `build` function the
/// executable and the tests share.
public enum OpastinSetup {
    /// The folder holding `Knowledge/` and `Locales/`: the one given, else the working
    /// directory or the nearest folder above the executable that has them.
    public static func resolveRoot(_ given: String?) -> URL {
        if let given { return URL(fileURLWithPath: given) }
        let fileManager = FileManager.default
        let workingDirectory = URL(fileURLWithPath: fileManager.currentDirectoryPath)
        if fileManager.fileExists(atPath: workingDirectory.appendingPathComponent("Knowledge").path) { return workingDirectory }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            if fileManager.fileExists(atPath: directory.appendingPathComponent("Knowledge").path) { return directory }
            directory = directory.deletingLastPathComponent()
        }
        return workingDirectory
    }

    /// The loader for a root folder.
    public static func loader(root: URL) -> KnowledgeLoader {
        KnowledgeLoader(
            knowledgeDirectory: root.appendingPathComponent("Knowledge"),
            localesDirectory: root.appendingPathComponent("Locales"))
    }

    /// Loads and validates the knowledge under `root` and builds the engine, reusing the
    /// built index and model from the cache when the knowledge has not changed.
    public static func buildEngine(root: URL, cache: EngineCache = .standard()) throws -> ChatEngine {
        let knowledge = try loader(root: root).load()
        return try ChatEngine.build(knowledge: knowledge, cache: cache, cacheKey: EngineCache.key(root: root))
    }
}
