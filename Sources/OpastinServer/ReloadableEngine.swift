public import Foundation
public import OpastinChat
import Synchronization

/// The chat engine the server answers with, replaceable while it serves (SIGHUP).
///
/// A reload builds a whole new engine first and swaps it in only when that succeeded, so a
/// broken edit of `Knowledge/` or `Locales/` never leaves the server without knowledge.
public final class ReloadableEngine: Sendable {
    private let engine: Mutex<SharedEngine>
    /// Bumped on every swap; connections compare it per line, which is cheaper than locking.
    private let generationCounter = Atomic<Int>(0)

    /// Runs before each reload's build (the server's `EngineBuildHelper`, which builds the
    /// engine's cache in a child process); nil: the reload builds in process.
    private let prepare: (@Sendable (URL) -> Void)?

    /// Starts with an engine already built (and so already validated).
    public init(_ engine: ChatEngine, prepare: (@Sendable (URL) -> Void)? = nil) {
        self.engine = Mutex(SharedEngine(engine))
        self.prepare = prepare
    }

    /// The engine serving now.
    public var current: ChatEngine {
        engine.withLock { $0.engine }
    }

    /// How many times the engine was replaced; changes exactly when ``current`` does.
    public var generation: Int {
        generationCounter.load(ordering: .acquiring)
    }

    /// The engine serving now, with its generation, read together.
    public func snapshot() -> (shared: SharedEngine, generation: Int) {
        engine.withLock { ($0, generationCounter.load(ordering: .relaxed)) }
    }

    /// Rebuilds the engine from the knowledge under `root` and serves it from now on.
    ///
    /// On failure the old engine keeps serving and the error (a knowledge problem report, or
    /// the reason the engine could not be built) is returned.
    @discardableResult
    public func reload(root: URL) -> Result<ChatEngine, any Error> {
        prepare?(root)
        let result = Result { try OpastinSetup.buildEngine(root: root) }
        if case .success(let newEngine) = result { replace(with: newEngine) }
        return result
    }

    /// Serves `newEngine` from now on.
    public func replace(with newEngine: ChatEngine) {
        engine.withLock {
            $0 = SharedEngine(newEngine)
            generationCounter.add(1, ordering: .releasing)
        }
    }
}
