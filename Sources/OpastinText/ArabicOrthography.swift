/// Spelling variants of Arabic-script text that residents mix freely: hamza seats,
/// tā' marbūṭa, alif maqṣūra, Persian and Arabic yeh and kaf, tatweel, harakat.
enum ArabicOrthography {
    static func unify(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { (0x0600...0x06FF).contains($0.value) }) else { return text }
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
