public import Foundation
public import Logging
import OpastinChat

/// Builds the engine's cache in a child process when there is none for the knowledge.
///
/// Building the index, the language model and the classifier allocates far more than the
/// engine keeps, and what it frees leaves the heap fragmented: a server that built its engine
/// itself held about 1.4 MiB more with 10,000 idle connections than one that read it from the
/// cache (80.7 MB against 79.3 MB), and every SIGHUP reload of edited knowledge added such
/// garbage. (Measured in stop 19: 77.8 MiB built in process, 76.1 MiB built in the child.)
/// A child (this executable's `prepare-engine`) builds and stores the engine; the
/// server then reads it back from the cache like any warm start. When the child cannot (no
/// cache folder, broken knowledge), the server builds in process as before, and reports the
/// knowledge's problems itself.
public struct EngineBuildHelper: Sendable {
    /// The `opastin` executable to run as the child.
    public let executable: URL
    private let logger: Logger

    public init(executable: URL, logger: Logger) {
        self.executable = executable
        self.logger = logger
    }

    /// Makes sure the cache holds the engine for the knowledge under `root`: runs the child
    /// and waits for it when it does not. Returns whether a child ran and succeeded.
    @discardableResult
    public func prepareCache(root: URL) -> Bool {
        let cache = EngineCache.standard()
        guard cache.directory != nil, !cache.hasEntry(key: EngineCache.key(root: root)) else { return false }
        let started = ContinuousClock.now
        let status = run(["prepare-engine", "--root", root.path])
        let elapsed = ContinuousClock.now - started
        guard status == 0, cache.hasEntry(key: EngineCache.key(root: root)) else {
            logger.info("the engine is built in process", metadata: ["helper-exit-status": "\(status)"])
            return false
        }
        logger.info("engine built in a helper process", metadata: ["milliseconds": "\(elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000)"])
        return true
    }

    /// Runs the executable with `arguments`, output discarded; its exit status (-1 when it
    /// could not be started). posix_spawn, not Foundation's Process, which on Linux waits by
    /// spinning a run loop.
    private func run(_ arguments: [String]) -> Int32 {
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var child: pid_t = 0
        guard posix_spawn(&child, executable.path, &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(child, &status, 0) == -1 && errno == EINTR {}
        // Exited normally: the exit code; killed by a signal: -1.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : -1
    }
}
