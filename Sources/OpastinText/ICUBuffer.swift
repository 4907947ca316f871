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
    /// The string as UTF-16 code units, for ICU.
    var utf16Units: [UInt16] { Array(self.utf16) }

    /// True when every scalar is ASCII: such text skips ICU on the hot path.
    var isASCII: Bool { utf8.allSatisfy { $0 < 0x80 } }
}
