/// The 64-bit FNV-1a hash: fast, stable across runs and platforms (unlike `Hasher`), which
/// the feature hashes and the cache key need.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64

    /// Starts a hash; `seed` keeps kinds of value apart (a word never collides with an n-gram).
    public init(seed: UInt64 = 0) {
        value = 0xcbf2_9ce4_8422_2325 ^ seed
    }

    @inline(__always)
    public mutating func mix(_ item: UInt64) {
        value ^= item
        value = value &* 0x0000_0100_0000_01B3
    }

    /// Inlinable, so a caller's byte buffer is iterated specialised, not through a generic
    /// sequence witness per byte.
    @inlinable
    public mutating func mix(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { mix(UInt64(byte)) }
    }
}
