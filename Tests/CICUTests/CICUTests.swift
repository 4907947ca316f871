import CICU
import Testing

/// Calls the C shim directly: the plain-C API must work without any Swift wrapper.
@Suite struct CICUTests {
    private func units(_ text: String) -> [UInt16] { Array(text.utf16) }

    private func fold(_ text: String) -> String {
        let source = units(text)
        var output = [UInt16](repeating: 0, count: source.count * 3 + 8)
        let length = cicu_nfkc_casefold(source, Int32(source.count), &output, Int32(output.count))
        #expect(length >= 0)
        return String(decoding: output[..<Int(length)], as: UTF16.self)
    }

    @Test(arguments: [
        ("ＦＵＬＬ　ｗｉｄｔｈ", "full width"),
        ("ﬁnnish", "finnish"),
        ("Päiväkoti", "päiväkoti"),
        ("ПРИВЕТ", "привет"),
        ("a\u{200B}b\u{200D}c", "abc"),
        ("\u{202B}مرحبا\u{202C}", "مرحبا"),
    ])
    func nfkcCasefoldFoldsCompatibilityCaseAndIgnorables(input: String, expected: String) {
        #expect(fold(input) == expected)
    }

    @Test func casefoldReportsTheCapacityItNeeds() {
        let source = units("ﬃﬃﬃﬃ")
        var small = [UInt16](repeating: 0, count: 2)
        let needed = cicu_nfkc_casefold(source, Int32(source.count), &small, 2)
        #expect(needed == 12)
    }

    @Test func transliteratorOpensTransformsAndRejectsUnknownOnes() throws {
        var message = [CChar](repeating: 0, count: 128)
        let id = units("Any-Latin; Latin-ASCII")
        let handle = try #require(cicu_transliterator_open(id, Int32(id.count), 0, &message, 128))
        defer { cicu_transliterator_close(handle) }
        var buffer = units("привет") + [UInt16](repeating: 0, count: 32)
        let length = cicu_transliterate(handle, &buffer, 6, Int32(buffer.count))
        #expect(String(decoding: buffer[..<Int(length)], as: UTF16.self) == "privet")

        let bad = units("No-Such-Transform")
        #expect(cicu_transliterator_open(bad, Int32(bad.count), 0, &message, 128) == nil)
        #expect(message.first != 0)
    }

    @Test func wordBreakerSegmentsChineseWithoutSpaces() throws {
        let breaker = try #require(cicu_word_breaker_open(""))
        defer { cicu_word_breaker_close(breaker) }
        let text = units("我想学芬兰语。")
        var starts = [Int32](repeating: 0, count: 16)
        var ends = [Int32](repeating: 0, count: 16)
        let count = cicu_word_breaker_words(breaker, text, Int32(text.count), &starts, &ends, 16)
        #expect(count >= 3)  // 我 想 学 芬兰语 (dictionary-based), punctuation skipped
        #expect(ends[Int(count) - 1] == 6)
    }

    @Test func scriptCodesNameLatinCyrillicArabicAndHan() {
        var name = [CChar](repeating: 0, count: 8)
        for (character, expected) in [("a", "Latn"), ("ж", "Cyrl"), ("ع", "Arab"), ("语", "Hani"), ("1", "Zyyy")] {
            cicu_script_name(cicu_script(character.unicodeScalars.first!.value), &name, 8)
            #expect(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == expected)
        }
    }

    @Test func marksAndLettersAreClassified() {
        #expect(cicu_is_nonspacing_mark(0x0308) == 1)  // combining diaeresis
        #expect(cicu_is_nonspacing_mark(0x064E) == 1)  // Arabic fatha
        #expect(cicu_is_letter(0x00E4) == 1)
        #expect(cicu_is_letter(0x0031) == 0)
    }
}
