#if canImport(Glibc)
import Glibc
#endif

/// glibc's malloc arenas: by default a process may get up to eight per core, one per thread
/// that ever met a locked arena, and each keeps the memory freed into it. On a small machine
/// busy with other work the server's threads (two event loops, the engine build at start)
/// then spread over many arenas and the resident memory grows by tens of MB for nothing.
public enum MallocArenas {
    /// Caps the number of malloc arenas (glibc only; elsewhere it does nothing). Call it at
    /// start, before other threads allocate.
    public static func limit(to count: Int) {
        #if canImport(Glibc)
        // `mallopt` is declared in <malloc.h>, which the Glibc module does not export: look it
        // up. RTLD_DEFAULT (a null handle) searches the process's global symbols.
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(arenaMaximumParameter, Int32(clamping: max(count, 1)))
        #endif
    }

    /// `M_ARENA_MAX` from glibc's <malloc.h>.
    private static let arenaMaximumParameter: Int32 = -8
}
