import Foundation
import OpastinChat
import OpastinMatch
import OpastinText
import Testing

/// The on-disk cache of the built index and language model.
@Suite struct EngineCacheTests {
    private func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("opastin-cache-\(UUID().uuidString)")
    }

    private let messages = ["kak zapisatsya na kursy finskogo", "päiväkoti", "bdi mutarjem", "weather tomorrow", "asumisneuvonta vaasa"]

    @Test func cachedEngineAnswersExactlyLikeAFreshlyBuiltOne() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = EngineCache(directory: directory)
        let built = try OpastinSetup.buildEngine(root: EngineFixture.root, cache: cache)  // builds and stores
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 1)
        let cached = try OpastinSetup.buildEngine(root: EngineFixture.root, cache: cache)  // reads back
        for message in messages {
            let fresh = built.matcher.match(message), reread = cached.matcher.match(message)
            #expect(fresh.ranked == reread.ranked, "\(message)")
            #expect(fresh.decision == reread.decision)
            let analyzed = built.matcher.analyzer.analyze(message)
            #expect(built.languageIdentifier.identify(analyzed) == cached.languageIdentifier.identify(analyzed))
        }
    }

    @Test func corruptCacheIsRebuiltNotTrusted() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = EngineCache(directory: directory)
        _ = try OpastinSetup.buildEngine(root: EngineFixture.root, cache: cache)
        let file = try #require(try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil).first)
        var bytes = try Data(contentsOf: file)
        bytes.replaceSubrange(1_000..<2_000, with: Data(repeating: 0xFF, count: 1_000))
        try bytes.write(to: file)
        let engine = try OpastinSetup.buildEngine(root: EngineFixture.root, cache: cache)
        #expect(engine.matcher.match("päiväkoti").decision == .answer(intentID: "daycare"))
    }

    @Test func keyChangesWhenKnowledgeChanges() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["Knowledge", "Locales"] {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: EngineFixture.root.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
        }
        let before = EngineCache.key(root: root)
        let file = root.appendingPathComponent("Knowledge/daycare.yaml")
        try (String(contentsOf: file, encoding: .utf8) + "\n").write(to: file, atomically: true, encoding: .utf8)
        #expect(EngineCache.key(root: root) != before)
    }

    @Test func oldCachedEnginesAreRemovedKeepingTheNewest() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Six engines left by earlier builds, written an hour apart.
        for age in 1...6 {
            let file = directory.appendingPathComponent("engine-old\(age).bin")
            try Data([1, 2, 3]).write(to: file)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: Double(-3_600 * age))], ofItemAtPath: file.path)
        }
        try Data([4]).write(to: directory.appendingPathComponent("notes.txt"))
        _ = try OpastinSetup.buildEngine(root: EngineFixture.root, cache: EngineCache(directory: directory))
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
        #expect(left.count == EngineCache.filesKept + 1)
        #expect(left.isSuperset(of: ["engine-old1.bin", "engine-old2.bin", "engine-old3.bin", "notes.txt"]))
        #expect(left.contains { $0.hasPrefix("engine-") && !$0.hasPrefix("engine-old") })
    }
}
