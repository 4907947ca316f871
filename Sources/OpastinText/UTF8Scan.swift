extension String {
    /// Whether any of the string's UTF-8 bytes satisfies `predicate`. Over the contiguous
    /// bytes of a native string: the UTF-8 view's iterator, which also serves bridged
    /// strings, took several times as many instructions per byte.
    @inline(__always)
    func containsUTF8Byte(where predicate: (UInt8) -> Bool) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(where: predicate) } ?? utf8.contains(where: predicate)
    }
}
