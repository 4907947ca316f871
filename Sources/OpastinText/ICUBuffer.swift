internal import CICU

/// Runs an ICU call that writes UTF-16 into a caller buffer, growing the buffer when ICU
/// reports that it needed more room.
func withICUOutput(
    capacityHint: Int,
    _ call: (UnsafeMutablePointer<UInt16>, Int32) -> Int32
) -> [UInt16]? {
    var capacity = max(capacityHint, 16)
    for _ in 0..<3 {
        var output = [UInt16](repeating: 0, count: capacity)
        let written = output.withUnsafeMutableBufferPointer { buffer in
            // The buffer is non-empty (capacity >= 16), so baseAddress is set.
            call(buffer.baseAddress!, Int32(capacity))
        }
        if written < 0 { return nil }
        if Int(written) <= capacity {
            output.removeSubrange(Int(written)...)
            return output
        }
        capacity = Int(written) + 1
    }
    return nil
}

extension String {
    /// Decodes ICU's UTF-16 output, an unpaired surrogate becoming U+FFFD as with
    /// `String(decoding:as: UTF16.self)` — but in one tight loop straight into UTF-8, which
    /// measured several times faster than the standard library's generic decoder (that
    /// decoder was a fifth of the analyser's time).
    init(utf16Units units: UnsafeBufferPointer<UInt16>) {
        self.init(unsafeUninitializedCapacity: units.count * 3) { output in
            var read = 0, written = 0
            while read < units.count {
                let unit = UInt32(units[read])
                read += 1
                var scalar = unit
                if unit & 0xF800 == 0xD800 {
                    // A high surrogate followed by a low one is one scalar; anything else is
                    // replaced.
                    if unit < 0xDC00, read < units.count, units[read] & 0xFC00 == 0xDC00 {
                        scalar = 0x10000 + ((unit - 0xD800) << 10) + (UInt32(units[read]) - 0xDC00)
                        read += 1
                    } else {
                        scalar = 0xFFFD
                    }
                }
                switch scalar {
                case ..<0x80:
                    output[written] = UInt8(scalar)
                    written += 1
                case ..<0x800:
                    output[written] = UInt8(0xC0 | scalar >> 6)
                    output[written + 1] = UInt8(0x80 | scalar & 0x3F)
                    written += 2
                case ..<0x10000:
                    output[written] = UInt8(0xE0 | scalar >> 12)
                    output[written + 1] = UInt8(0x80 | scalar >> 6 & 0x3F)
                    output[written + 2] = UInt8(0x80 | scalar & 0x3F)
                    written += 3
                default:
                    // Two UTF-16 units in, four bytes out: still within 3 bytes per unit.
                    output[written] = UInt8(0xF0 | scalar >> 18)
                    output[written + 1] = UInt8(0x80 | scalar >> 12 & 0x3F)
                    output[written + 2] = UInt8(0x80 | scalar >> 6 & 0x3F)
                    output[written + 3] = UInt8(0x80 | scalar & 0x3F)
                    written += 4
                }
            }
            return written
        }
    }

    /// Decodes UTF-16 code units (see `init(utf16Units:)`).
    init(utf16Units units: ArraySlice<UInt16>) {
        self = units.withUnsafeBufferPointer { String(utf16Units: $0) }
    }

    /// The string as UTF-16 code units, for ICU.
    var utf16Units: [UInt16] { Array(self.utf16) }

    /// True when every scalar is ASCII: such text skips ICU on the hot path.
    var isASCII: Bool {
        // A native string's bytes are read in place; only another kind is copied first.
        if let ascii = utf8.withContiguousStorageIfAvailable(Self.allASCII) { return ascii }
        var text = self
        return text.withUTF8(Self.allASCII)
    }

    private static func allASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Eight bytes at a time: ASCII bytes have the high bit clear.
        var position = 0
        if let base = bytes.baseAddress {
            while position + 8 <= bytes.count {
                if UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                position += 8
            }
        }
        return bytes[position...].allSatisfy { $0 < 0x80 }
    }
}
