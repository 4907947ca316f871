public import Foundation
internal import OpastinMatch
internal import OpastinText

/// Keeps the built index and language model on disk, keyed by everything they are built
/// from (every Knowledge and Locales file, and the executable itself), so a restart with
/// unchanged knowledge reads them back in milliseconds instead of rebuilding them.
///
/// A missing, unreadable or corrupt cache is simply rebuilt; a cache never changes answers.
public struct EngineCache: Sendable {
    /// Where cache files live; nil disables caching.
    public let directory: URL?
    /// Bumped whenever the binary layout changes.
    static let formatVersion = 17

    public init(directory: URL?) { self.directory = directory }

    /// The default place: `$OPASTIN_CACHE_DIR`, else `$XDG_CACHE_HOME/opastin`, else
    /// `~/.cache/opastin`; `OPASTIN_CACHE_DIR=off` disables the cache.
    public static func standard() -> EngineCache {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["OPASTIN_CACHE_DIR"] {
            return EngineCache(directory: configured == "off" ? nil : URL(fileURLWithPath: configured))
        }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return EngineCache(directory: URL(fileURLWithPath: xdg).appendingPathComponent("opastin"))
        }
        return EngineCache(directory: FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/opastin"))
    }

    /// A key for the knowledge under `root`: a hash of every file's name and bytes, and of
    /// the running executable's size and date (new code may analyse text differently).
    public static func key(root: URL) -> String {
        var hash = FNV1a()
        func mix(_ bytes: some Sequence<UInt8>) { hash.mix(bytes) }
        mix("v\(formatVersion)".utf8)
        for folder in ["Knowledge", "Locales"] {
            let directory = root.appendingPathComponent(folder)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
            for name in names {
                mix(name.utf8)
                // Through a raw buffer: Data's generic byte iterator was a tenth of start-up.
                if let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) {
                    data.withUnsafeBytes { mix($0) }
                }
            }
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        if let attributes = try? FileManager.default.attributesOfItem(atPath: executable) {
            mix("\(attributes[.size] ?? 0)|\((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)".utf8)
        }
        return String(hash.value, radix: 16)
    }

    /// Whether a cache file for the key exists (not whether it is intact).
    public func hasEntry(key: String) -> Bool {
        file(for: key).map { FileManager.default.fileExists(atPath: $0.path) } ?? false
    }

    /// The cached index and model for a key, if present and intact.
    func load(key: String) -> (IntentIndex, LanguageIdentifier, LinearClassifier)? {
        guard let file = file(for: key), let data = FileManager.default.contents(atPath: file.path) else { return nil }
        var reader = BinaryReader([UInt8](data))
        do {
            let index = try IntentIndex(decoding: &reader)
            let identifier = try LanguageIdentifier(decoding: &reader)
            let classifier = try LinearClassifier(decoding: &reader)
            return reader.isAtEnd ? (index, identifier, classifier) : nil
        } catch {
            return nil
        }
    }

    /// Stores them (atomically: a reader never sees half a file); failures are ignored.
    func store(_ index: IntentIndex, _ identifier: LanguageIdentifier, _ classifier: LinearClassifier, key: String) {
        guard let directory, let file = file(for: key) else { return }
        var writer = BinaryWriter()
        index.encode(into: &writer)
        identifier.encode(into: &writer)
        classifier.encode(into: &writer)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? Data(writer.bytes).write(to: file, options: .atomic)
        removeStaleFiles(keeping: file)
    }

    /// How many cached engines are kept: one per knowledge version and build in use (a
    /// release binary, a debug one, tests) — without a bound every edit would leave ~7 MB behind.
    public static let filesKept = 4

    /// Deletes all but the most recently written cached engines.
    private func removeStaleFiles(keeping newest: URL) {
        guard let directory else { return }
        let manager = FileManager.default
        let files = ((try? manager.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.contentModificationDateKey])) ?? [])
            .filter { $0.lastPathComponent.hasPrefix("engine-") && $0.pathExtension == "bin" && $0.lastPathComponent != newest.lastPathComponent }
        let byAge = files.sorted {
            let first = (try? $0.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
            let second = (try? $1.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
            return first > second
        }
        for stale in byAge.dropFirst(Self.filesKept - 1) { try? manager.removeItem(at: stale) }
    }

    private func file(for key: String) -> URL? {
        directory?.appendingPathComponent("engine-\(key).bin")
    }
}
