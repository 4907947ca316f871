@testable import OpastinText
import Testing

@Suite struct AnalyzerTests {
    static let analyzer = try! Analyzer()

    private func key(_ text: String) -> String { Self.analyzer.analyze(text).latinKey }

    @Test(arguments: [
        ("päiväkoti", "paivakoti"),
        ("bostadsrådgivning", "bostadsradgivning"),
        ("Kielikurssille", "kielikurssille"),
        ("ＰＡＩＶＡＫＯＴＩ", "paivakoti"),
        ("pa\u{0308}iva\u{0308}koti", "paivakoti"),  // combining diaeresis
        ("päivä\u{200B}koti", "päiväkoti"),  // zero-width space inside the word
    ])
    func latinWithAndWithoutDiacriticsMeet(written: String, typed: String) {
        #expect(key(written) == key(typed))
    }

    @Test func cyrillicMeetsRussianTypedInLatinLetters() {
        #expect(key("курсы финского языка") == key("kursy finskogo yazyka"))
        #expect(key("финский") == key("finskij"))
        #expect(key("хочу") == key("hochu"))
    }

    @Test func arabicIsTransliteratedAndHarakatIgnored() {
        let plain = Self.analyzer.analyze("مدرسة")
        #expect(plain.script == .arabic)
        #expect(!plain.latinKey.isEmpty)
        #expect(key("مَدْرَسَة") == plain.latinKey)
        #expect(key("أين") == key("اين"))  // hamza seat
    }

    @Test func persianZeroWidthNonJoinerDoesNotSplitOrChangeTheWord() {
        let withZWNJ = Self.analyzer.analyze("می\u{200C}خواهم")
        let without = Self.analyzer.analyze("میخواهم")
        #expect(withZWNJ.keys == without.keys)
        #expect(withZWNJ.keys.count == 1)
    }

    @Test func chineseIsSegmentedIntoWords() {
        let analyzed = Self.analyzer.analyze("我想学芬兰语")
        #expect(analyzed.script == .han)
        #expect(analyzed.words.count >= 3)
        #expect(analyzed.keys.allSatisfy { $0.allSatisfy(\.isASCII) })
    }

    /// Threads analysing at once (as the server's do) each get a break iterator of their own
    /// and the same words as one thread alone.
    @Test func concurrentAnalysesAgreeWithSerialOnes() async {
        let texts = ["我想学芬兰语", "Где находится työväenopisto?", "أحتاج مترجم عند الطبيب", "Hur söker jag till förskolan?"]
        let expected = texts.map { Self.analyzer.analyze($0).words }
        await withTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    (0..<200).allSatisfy { round in
                        let index = (task + round) % texts.count
                        return Self.analyzer.analyze(texts[index]).words == expected[index]
                    }
                }
            }
            for await agreed in group { #expect(agreed) }
        }
    }

    @Test func ligaturesAndFullWidthAreFolded() {
        #expect(key("ﬁnnish ﬂat") == "finish flat")
        #expect(key("Ｈｅｌｓｉｎｋｉ") == key("helsinki"))
    }

    @Test func emojiAndBidiControlsLeaveOnlyWords() {
        let analyzed = Self.analyzer.analyze("\u{202E}hello 👋🏽 \u{2067}مرحبا\u{2069}")
        #expect(analyzed.words.count == 2)
        #expect(!analyzed.normalized.contains("\u{202E}"))
        #expect(Self.analyzer.analyze("👍🎉").keys.isEmpty)
    }

    @Test func controlCharactersAndNulAreReplaced() {
        let analyzed = Self.analyzer.analyze("suomi\u{0000}kurssi\u{0007}")
        #expect(analyzed.keys == ["suomi", "kursi"])
        // DEL and a C1 control (U+0085) too; "©" shares its first UTF-8 byte (0xC2) with the C1
        // controls and stays as it is.
        #expect(Self.analyzer.analyze("suomi\u{007F}kurssi\u{0085}joo").normalized == "suomi kurssi joo")
        #expect(Self.analyzer.analyze("café©kurssi").normalized == "café©kurssi")
    }

    @Test func veryLongInputIsAnalysedWithoutTrouble() {
        let long = String(repeating: "kurssi ", count: 15_000)
        #expect(Self.analyzer.analyze(long).keys.count == 15_000)
    }

    @Test(arguments: [("Latn", "hello"), ("Cyrl", "привет"), ("Arab", "مرحبا"), ("Hani", "你好"), ("Zyyy", "123 !")])
    func dominantScriptIsFound(script: String, text: String) {
        #expect(Script.dominant(in: text).code == script)
    }
}

@Suite struct RomanizationFoldingTests {
    @Test(arguments: [("finskiy", "finskij"), ("kharkov", "harkov"), ("zapisatsya", "zapisat'sya"), ("tuulkki", "tulki")])
    func variantsFoldTogether(first: String, second: String) {
        #expect(RomanizationFolding.fold(first) == RomanizationFolding.fold(second))
    }

    @Test func arabiziDigitsStandForLettersOnlyInsideWords() {
        #expect(RomanizationFolding.fold("7ayat") == "haiat")
        #expect(RomanizationFolding.fold("2024") == "2024")
    }
}

@Suite struct TransliteratorTests {
    @Test func unknownTransformIsATypedError() {
        #expect(throws: TextError.self) { try Transliterator("Klingon-Latin") }
    }

    @Test func customRulesWork() throws {
        let rules = try Transliterator("a > b;", rules: true)
        #expect(rules.transliterate("banana") == "bbnbnb")
    }

    @Test func concurrentUseIsSafe() async throws {
        let transliterator = try Transliterator("Any-Latin; Latin-ASCII")
        await withTaskGroup(of: String.self) { group in
            for _ in 0..<32 { group.addTask { transliterator.transliterate("привет мир") } }
            for await result in group { #expect(result == "privet mir") }
        }
    }
}

/// A client that sends thousands of different characters must not make the analyzer's table
/// of transliterated letters grow without bound; words with letters beyond it still get keys.
@Suite struct LetterKeyBoundTests {
    @Test func rememberedLettersStopAtTheLimitAndLaterLettersStillGetKeys() throws {
        let analyzer = try Analyzer()
        let limit = Analyzer.maximumRememberedLetters
        // Han characters, eight to a word: more distinct letters than the limit.
        let letters = (0x4E00..<(0x4E00 + limit + 800)).compactMap(Unicode.Scalar.init)
        for start in stride(from: 0, to: letters.count, by: 8) {
            let word = String(String.UnicodeScalarView(letters[start..<min(start + 8, letters.count)]))
            _ = analyzer.latinKey(of: word)
        }
        #expect(analyzer.rememberedLetterCount == limit)
        let late = String(String.UnicodeScalarView(letters.suffix(8)))
        let key = analyzer.latinKey(of: late)
        #expect(!key.isEmpty)
        #expect(key == analyzer.latinKey(of: late), "the same key every time, remembered or not")
    }
}
