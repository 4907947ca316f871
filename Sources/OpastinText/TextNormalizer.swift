internal import CICU

/// Unicode normalisation through ICU.
public enum TextNormalizer {
    /// NFKC case folding: full-width and ligature forms become plain letters, case is folded,
    /// and default-ignorable characters (zero-width joiners and spaces, bidi controls) vanish.
    public static func foldCase(_ text: String) -> String {
        if text.isASCII {
            // Most messages are already lower case: no new string for them.
            return text.containsUTF8Byte(where: { (0x41...0x5A).contains($0) }) ? text.lowercased() : text
        }
        let source = text.utf16Units
        let folded = source.withUnsafeBufferPointer { src in
            withICUOutput(capacityHint: source.count * 2 + 8) { dest, capacity in
                cicu_nfkc_casefold(src.baseAddress, Int32(src.count), dest, capacity)
            }
        }
        guard let folded else { return text.lowercased() }
        return String(utf16Units: folded[...])
    }

    /// Removes combining marks (accents, Arabic harakat) after canonical decomposition:
    /// "päivä" becomes "paiva", "مَدْرَسَة" becomes "مدرسة".
    public static func removeMarks(_ text: String) -> String {
        if text.isASCII { return text }
        let source = text.utf16Units
        let decomposed = source.withUnsafeBufferPointer { src in
            withICUOutput(capacityHint: source.count * 2 + 8) { dest, capacity in
                cicu_nfd(src.baseAddress, Int32(src.count), dest, capacity)
            }
        }
        guard let decomposed else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in String(utf16Units: decomposed[...]).unicodeScalars
        where cicu_is_nonspacing_mark(scalar.value) == 0 {
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// Replaces control characters (C0, C1, DEL, NUL) with spaces so that they can never
    /// reach a terminal or split a protocol line.
    public static func replacingControlCharacters(_ text: String) -> String {
        guard mayHaveControlCharacters(text) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            scalars.append(isControl(scalar) ? " " : scalar)
        }
        return String(scalars)
    }

    /// False when no byte can start a control character: C0 and DEL are bytes below 0x20 and
    /// 0x7F, C1 (U+0080–U+009F) starts with 0xC2. A byte scan, no decoding.
    private static func mayHaveControlCharacters(_ text: String) -> Bool {
        text.containsUTF8Byte { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
