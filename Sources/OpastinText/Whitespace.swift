extension String {
    /// The string without leading and trailing whitespace and newlines.
    ///
    /// Pure Swift on purpose: Foundation's `trimmingCharacters(in:)` bridges through
    /// NSString and was a fifth of the knowledge loading time.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        // A non-whitespace scalar exists, so lastIndex finds one.
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) ?? first
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }

    /// The number of whitespace-separated words.
    public var wordCount: Int {
        var count = 0
        var inWord = false
        for scalar in unicodeScalars {
            let isSpace = scalar.value < 0x80 ? (scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r") : scalar.properties.isWhitespace
            if isSpace {
                inWord = false
            } else if !inWord {
                inWord = true
                count += 1
            }
        }
        return count
    }
}
