/// A read-only map from feature hashes to what is known about each feature, for the hot path
/// of matching and language identification.
///
/// The keys are already well-mixed 64-bit hashes, so a lookup needs no hashing of its own:
/// open addressing with linear probing over a table at most three quarters full, each key
/// beside its value so that one lookup is one cache miss. `Dictionary<UInt64, _>` re-hashes
/// every key with SipHash, which measured as a tenth of a reply's time.
///
/// Inlinable, so each client specialises it for its value type (unspecialised generic code
/// looked up type metadata on every probe).
public struct FeatureTable<Value: BitwiseCopyable & Sendable>: Sendable {
    /// A key beside its value. Key 0 marks an empty slot (a flag would make each slot a word
    /// longer); the key 0 itself, should a hash ever be 0, is kept apart in `zeroKeyValue`.
    @usableFromInline
    struct Slot: BitwiseCopyable, Sendable {
        @usableFromInline var key: UInt64
        @usableFromInline var value: Value

        @inlinable
        init(key: UInt64, value: Value) {
            self.key = key
            self.value = value
        }
    }

    @usableFromInline let slots: [Slot]
    @usableFromInline let zeroKeyValue: Value?
    /// The number of keys.
    public let count: Int

    /// Builds the table. Keys must be distinct.
    @inlinable
    public init(_ entries: [(key: UInt64, value: Value)]) {
        // At most three quarters full: short probes, without the memory of a half-empty table
        // (the tables are megabytes each). Any size, not only powers of two (see `home`).
        let capacity = max(16, entries.count * 4 / 3 + 1)
        var slots: [Slot] = []
        var zeroKeyValue: Value?
        if let first = entries.first {
            // Empty slots need some value; their key 0 tells them apart.
            slots = [Slot](repeating: Slot(key: 0, value: first.value), count: capacity)
        }
        for entry in entries {
            guard entry.key != 0 else {
                zeroKeyValue = entry.value
                continue
            }
            var position = Self.home(of: entry.key, capacity: capacity)
            while slots[position].key != 0 { position = position + 1 == capacity ? 0 : position + 1 }
            slots[position] = Slot(key: entry.key, value: entry.value)
        }
        self.slots = slots
        self.zeroKeyValue = zeroKeyValue
        self.count = entries.count
    }

    /// The value of a key, or nil when it is not in the table.
    @inlinable @inline(__always)
    public subscript(key: UInt64) -> Value? {
        guard !slots.isEmpty, key != 0 else { return key == 0 ? zeroKeyValue : nil }
        return slots.withUnsafeBufferPointer { slots in
            var position = Self.home(of: key, capacity: slots.count)
            while true {
                let slot = slots[position]
                if slot.key == key { return slot.value }
                if slot.key == 0 { return nil }
                position = position + 1 == slots.count ? 0 : position + 1
            }
        }
    }

    /// Asks for the cache line where a lookup of `key` starts, through the caller's prefetch
    /// instruction: prefetching every key of a message before looking any up lets their
    /// cache misses overlap instead of queueing.
    @inlinable @inline(__always)
    public func prefetch(_ key: UInt64, with prefetch: (UnsafeRawPointer) -> Void) {
        slots.withUnsafeBufferPointer { slots in
            guard let base = slots.baseAddress else { return }
            prefetch(UnsafeRawPointer(base + Self.home(of: key, capacity: slots.count)))
        }
    }

    /// Every key with its value, in no particular order.
    @inlinable
    public var entries: [(key: UInt64, value: Value)] {
        slots.lazy.filter { $0.key != 0 }.map { ($0.key, $0.value) } + (zeroKeyValue.map { [(UInt64(0), $0)] } ?? [])
    }

    /// The first slot to look in: the key mixed (FNV-1a's low bits are weak for short
    /// inputs), then scaled to the table by a multiply's high half — no division, any size.
    @inlinable @inline(__always)
    static func home(of key: UInt64, capacity: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: UInt64(capacity)).high)
    }
}
