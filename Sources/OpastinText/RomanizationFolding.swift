/// Folds the many ways one sound is written in Latin letters into one key, so that
/// `finskiy`, `finskij` and `finskii` (финский), `kh`/`h` (х), `3`/`7` in Arabizi, and
/// Finnish long vowels typed short all meet. Applied to every language alike: it only
/// builds matching keys, never text a resident sees.
public enum RomanizationFolding {
    public static func fold(_ latin: String) -> String {
        let utf8 = latin.utf8
        let hasLetters = latin.containsUTF8Byte { isLetter($0) }
        // Written straight into the string's storage (appending to an array byte by byte
        // was a tenth of analysing a message). A byte becomes at most two ("5" is "kh").
        return String(unsafeUninitializedCapacity: utf8.count * 2) { bytes in
            var count = 0
            func append(_ byte: UInt8) {
                bytes[count] = byte
                count += 1
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): append(byte + 32)
                case UInt8(ascii: "a")...UInt8(ascii: "z"): append(byte)
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    // Arabizi digits stand for letters inside a word: 7 = ح, 5 = خ, 3 = ع, 2 = ء.
                    if hasLetters {
                        switch byte {
                        case UInt8(ascii: "7"): append(UInt8(ascii: "h"))
                        case UInt8(ascii: "5"): append(UInt8(ascii: "k")); append(UInt8(ascii: "h"))
                        case UInt8(ascii: "2"), UInt8(ascii: "3"): continue
                        default: append(byte)
                        }
                    } else {
                        append(byte)
                    }
                default: continue  // apostrophes, soft-sign marks, hyphens
                }
            }
            // Second pass in place: it never writes ahead of where it reads.
            var written = 0
            var index = 0
            while index < count {
                var byte = bytes[index]
                let next: UInt8? = index + 1 < count ? bytes[index + 1] : nil
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
            return written
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }
}
