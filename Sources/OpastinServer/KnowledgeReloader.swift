public import Foundation
public import Logging
import OpastinChat
import OpastinKnowledge
public import ServiceLifecycle
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reloads `Knowledge/` and `Locales/` on SIGHUP, the usual "re-read your configuration"
/// signal. A reload that fails validation is logged and the old knowledge keeps serving.
///
/// A `Service` of its own, so it runs beside the server in the `ServiceGroup` and stops on
/// graceful shutdown. It catches SIGHUP from the moment it is created, so a signal sent right
/// after the server's ready line is neither lost nor fatal.
public final class KnowledgeReloader: Service, Sendable {
    private let engine: ReloadableEngine
    private let root: URL
    private let logger: Logger
    private let hangups: AsyncStream<Void>
    private let source: Mutex<(any DispatchSourceSignal)?>

    /// - Parameter root: the folder holding `Knowledge/` and `Locales/`.
    public init(engine: ReloadableEngine, root: URL, logger: Logger) {
        self.engine = engine
        self.root = root
        self.logger = logger
        // Without this the default action of SIGHUP would end the process.
        signal(SIGHUP, SIG_IGN)
        let (hangups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { continuation.yield() }
        source.setCancelHandler { continuation.finish() }
        source.resume()
        self.hangups = hangups
        self.source = Mutex(source)
    }

    deinit {
        stopListening()
    }

    /// Reloads on every SIGHUP until graceful shutdown.
    public func run() async throws {
        defer { stopListening() }
        for await _ in hangups.cancelOnGracefulShutdown() {
            reload()
        }
    }

    /// Rebuilds the engine from the root now, logging the outcome; false when it failed.
    @discardableResult
    public func reload() -> Bool {
        logger.info("reloading the knowledge", metadata: ["root": "\(root.path)"])
        let started = ContinuousClock.now
        let result = engine.reload(root: root)
        // Building an engine frees much temporary data; give it back.
        Malloc.releaseFreeMemory()
        switch result {
        case .success(let newEngine):
            logger.info("knowledge reloaded", metadata: [
                "intents": "\(newEngine.knowledge.intents.count)",
                "languages": "\(newEngine.knowledge.locales.count)",
                "took": "\(ContinuousClock.now - started)",
            ])
            return true
        case .failure(let error):
            logger.error("knowledge reload failed; the previous knowledge keeps serving", metadata: ["problems": "\(error)"])
            return false
        }
    }

    private func stopListening() {
        source.withLock { source in
            source?.cancel()
            source = nil
        }
    }
}
