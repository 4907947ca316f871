/// Spelling variants of Arabic-script text that residents mix freely: hamza seats,
/// tā' marbūṭa, alif maqṣūra, Persian and Arabic yeh and kaf, tatweel, harakat.
enum ArabicOrthography {
    static func unify(_ text: String) -> String {
        // U+0600–U+06FF are exactly the UTF-8 sequences led by 0xD8–0xDB: a byte scan, no decoding.
        guard text.containsUTF8Byte(where: { (0xD8...0xDB).contains($0) }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0622, 0x0623, 0x0625, 0x0671: scalars.append("\u{0627}")  // آ أ إ ٱ → ا
            case 0x0629: scalars.append("\u{0647}")  // ة → ه
            case 0x0649, 0x06CC: scalars.append("\u{064A}")  // ى ی → ي
            case 0x06A9: scalars.append("\u{0643}")  // ک → ك
            case 0x0640, 0x064B...0x065F, 0x0670: continue  // tatweel, harakat
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}

extension ArabicOrthography {
    /// Prefixes stripped by light stemming (Larkey's light10): the article and the
    /// conjunctions and prepositions written onto it — "الفنلندية", "والسكن", "بالعربي".
    private static let prefixes: [[Unicode.Scalar]] = ["وال", "بال", "كال", "فال", "لل", "ال"].map { Array($0.unicodeScalars) }

    /// A word without its article prefix, when at least three letters remain.
    static func lightStem(_ word: String) -> String {
        let scalars = Array(word.unicodeScalars)
        guard let first = scalars.first, (0x0600...0x06FF).contains(first.value) else { return word }
        for prefix in prefixes where scalars.count - prefix.count >= 3 && scalars.starts(with: prefix) {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[prefix.count...])
            return String(view)
        }
        return word
    }
}
