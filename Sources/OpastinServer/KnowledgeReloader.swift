public import Foundation
public import Logging
import OpastinChat
import OpastinKnowledge
public import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reloads `Knowledge/` and `Locales/` on SIGHUP, the usual "re-read your configuration"
/// signal. A reload that fails validation is logged and the old knowledge keeps serving.
///
/// A `Service` of its own, so it runs beside the server in the `ServiceGroup` and stops on
/// graceful shutdown.
public struct KnowledgeReloader: Service {
    private let engine: ReloadableEngine
    private let root: URL
    private let logger: Logger

    /// - Parameter root: the folder holding `Knowledge/` and `Locales/`.
    public init(engine: ReloadableEngine, root: URL, logger: Logger) {
        self.engine = engine
        self.root = root
        self.logger = logger
    }

    public func run() async throws {
        // Without this the default action of SIGHUP would end the process.
        signal(SIGHUP, SIG_IGN)
        let (hangups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { continuation.yield() }
        source.resume()
        defer {
            source.cancel()
            continuation.finish()
        }
        for await _ in hangups.cancelOnGracefulShutdown() {
            reload()
        }
    }

    /// Rebuilds the engine from the root now, logging the outcome.
    @discardableResult
    public func reload() -> Bool {
        logger.info("reloading the knowledge", metadata: ["root": "\(root.path)"])
        let started = ContinuousClock.now
        switch engine.reload(root: root) {
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
}
