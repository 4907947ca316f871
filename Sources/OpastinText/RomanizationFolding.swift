/// Folds the many ways one sound is written in Latin letters into one key, so that
/// `finskiy`, `finskij` and `finskii` (финский), `kh`/`h` (х), `3`/`7` in Arabizi, and
/// Finnish long vowels typed short all meet. Applied to every language alike: it only
/// builds matching keys, never text a resident sees.
public enum RomanizationFolding {
    public static func fold(_ latin: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(latin.utf8.count)
        let hasLetters = latin.utf8.contains { isLetter($0) }
        for byte in latin.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes.append(byte + 32)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): bytes.append(byte)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                // Arabizi digits stand for letters inside a word: 7 = ح, 5 = خ, 3 = ع, 2 = ء.
                if hasLetters {
                    switch byte {
                    case UInt8(ascii: "7"): bytes.append(UInt8(ascii: "h"))
                    case UInt8(ascii: "5"): bytes.append(contentsOf: [UInt8(ascii: "k"), UInt8(ascii: "h")])
                    case UInt8(ascii: "2"), UInt8(ascii: "3"): continue
                    default: bytes.append(byte)
                    }
                } else {
                    bytes.append(byte)
                }
            default: continue  // apostrophes, soft-sign marks, hyphens
            }
        }
        // Second pass in place: it never writes ahead of where it reads.
        var written = 0
        var index = 0
        while index < bytes.count {
            var byte = bytes[index]
            let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
            // Digraphs typed for one Cyrillic or Arabic sound.
            if byte == UInt8(ascii: "k"), next == UInt8(ascii: "h") {
                byte = UInt8(ascii: "h"); index += 1
            } else if byte == UInt8(ascii: "c"), next == UInt8(ascii: "k") {
                byte = UInt8(ascii: "k"); index += 1
            }
            switch byte {
            case UInt8(ascii: "j"), UInt8(ascii: "y"): byte = UInt8(ascii: "i")
            case UInt8(ascii: "w"): byte = UInt8(ascii: "v")
            case UInt8(ascii: "q"): byte = UInt8(ascii: "k")
            default: break
            }
            // Doubled letters (Finnish long vowels and consonants) are often typed single.
            if written == 0 || bytes[written - 1] != byte {
                bytes[written] = byte
                written += 1
            }
            index += 1
        }
        return String(decoding: bytes[..<written], as: UTF8.self)
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }
}
