/// A compact binary form for built indexes and models, so a restart with unchanged
/// knowledge reads them back instead of rebuilding them (see `EngineCache`).
public struct BinaryWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Writes an array of plain values (integers, floats) with its count.
    public mutating func write<Element: BitwiseCopyable>(_ values: [Element]) {
        write(values.count)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    public mutating func write(_ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func write(_ value: Float) {
        write([value])
    }

    /// Writes strings as UTF-8 with their lengths.
    public mutating func write(_ strings: [String]) {
        write(strings.count)
        for string in strings { write(Array(string.utf8)) }
    }
}

/// Reads what `BinaryWriter` wrote; any truncation or inconsistency throws.
public struct BinaryReader: Sendable {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Thrown when the data ends early or holds an impossible count.
    public struct Corrupt: Error {
        public init() {}
    }

    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func readInt() throws(Corrupt) -> Int {
        guard offset + 8 <= bytes.count else { throw Corrupt() }
        var value: Int64 = 0
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[offset..<(offset + 8)]) }
        offset += 8
        return Int(Int64(littleEndian: value))
    }

    public mutating func readArray<Element: BitwiseCopyable>(of type: Element.Type) throws(Corrupt) -> [Element] {
        let count = try readInt()
        let size = MemoryLayout<Element>.stride
        guard count >= 0, count <= (bytes.count - offset) / max(size, 1) else { throw Corrupt() }
        let values = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count * size)]))
            }
            initialized = count
        }
        offset += count * size
        return values
    }

    public mutating func readFloat() throws(Corrupt) -> Float {
        let values = try readArray(of: Float.self)
        guard values.count == 1 else { throw Corrupt() }
        return values[0]
    }

    public mutating func readStrings() throws(Corrupt) -> [String] {
        let count = try readInt()
        guard count >= 0, count <= bytes.count - offset else { throw Corrupt() }
        var strings: [String] = []
        strings.reserveCapacity(count)
        for _ in 0..<count { strings.append(String(decoding: try readArray(of: UInt8.self), as: UTF8.self)) }
        return strings
    }
}
