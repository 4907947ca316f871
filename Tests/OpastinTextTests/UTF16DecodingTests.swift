@testable import OpastinText
import Testing

/// The fast decoder of ICU's UTF-16 output must agree with the standard library's, unpaired
/// surrogates included.
@Suite struct UTF16DecodingTests {
    @Test func agreesWithTheStandardLibrary() {
        // Code units from every range that decodes differently: ASCII, two- and three-byte
        // scalars, surrogate pairs, lone high and low surrogates, and U+FFFF.
        let units: [UInt16] = [0x41, 0x7F, 0x80, 0xE4, 0x7FF, 0x800, 0x0416, 0x0639, 0x2028, 0xFFFD, 0xFFFF,
                               0xD83D, 0xDE00, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0x20]
        var state: UInt64 = 42
        for _ in 0..<2_000 {
            var text: [UInt16] = []
            for _ in 0..<Int(state % 12) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text.append(units[Int(state >> 33) % units.count])
            }
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let fast = text.withUnsafeBufferPointer { String(utf16Units: $0) }
            #expect(fast == String(decoding: text, as: UTF16.self), "\(text)")
            #expect(Array(fast.utf8) == Array(String(decoding: text, as: UTF16.self).utf8))
        }
    }
}
