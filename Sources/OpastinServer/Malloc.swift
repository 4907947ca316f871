#if canImport(Glibc)
import Glibc
#endif

/// Settings of glibc's malloc that matter for a long-running server's resident memory: its
/// arenas, and the memory it keeps after `free`.
public enum Malloc {
    /// Caps the number of malloc arenas (glibc only; elsewhere it does nothing). Call it at
    /// start, before other threads allocate.
    ///
    /// By default a process may get up to eight arenas per core, one more for each thread
    /// that meets a locked arena, and each keeps the memory freed into it; the server's few
    /// threads gain nothing from more than a couple.
    public static func limitArenas(to count: Int) {
        #if canImport(Glibc)
        // `mallopt` is declared in <malloc.h>, which the Glibc module does not export: look it
        // up. RTLD_DEFAULT (a null handle) searches the process's global symbols.
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(arenaMaximumParameter, Int32(clamping: max(count, 1)))
        #endif
    }

    /// Gives the memory freed so far back to the system (glibc only). Building the engine
    /// frees tens of MB of temporary data that malloc would otherwise keep for the life of
    /// the process: call it after a build.
    public static func releaseFreeMemory() {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        let trim = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        _ = trim(0)
        #endif
    }

    /// `M_ARENA_MAX` from glibc's <malloc.h>.
    private static let arenaMaximumParameter: Int32 = -8
}
