import Foundation
import OpastinKnowledge
import OpastinText
import Testing

/// A scratch knowledge folder written from strings.
struct FixtureFolder {
    let root: URL

    init(files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("opastin-fixture-\(UUID().uuidString)")
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    var loader: KnowledgeLoader {
        var loader = KnowledgeLoader(knowledgeDirectory: root.appendingPathComponent("Knowledge"), localesDirectory: root.appendingPathComponent("Locales"))
        loader.policy.minimumExamples = 2
        return loader
    }

    static let locale = """
        code: en
        name: English
        english_name: English
        script: Latn
        direction: ltr
        romanization: null
        aliases: [english, englanti]
        strings:
          greeting: Hello.
          kiosk_help: Type a question.
          help: I can help with these topics.
          fallback: I did not understand.
          clarify: "Did you mean:"
          clarify_hint: Answer with the number.
          city_question: Helsinki or Vaasa?
          safety_line: If you are in danger, get help now.
          city_set: "OK, {city}."
          language_question: "Choose a language:"
          language_set: OK, English.
          sources_label: Sources
          links_label: More
          reset_done: Cleared.
          error_empty: Empty.
          error_too_long: Too long.
          error_unknown_language: "No {code}; we have {available}."
          error_unknown_command: "No {command}."
          goodbye: Bye.
        topics: {language: Language, dialogue: Talk}
        cities: {helsinki: Helsinki, vaasa: Vaasa}
        documents: {001_4dbe3307cfa3304b.txt: Helsinki programme}
        """

    static func intent(_ id: String, topic: String = "language", examples: [String], answer: String = "Text.", extra: String = "") -> String {
        """
        id: \(id)
        topic: \(topic)
        cities: [helsinki]
        sources:
          - seed: 001_4dbe3307cfa3304b.txt
            where: "1.1"
            says: A fact.
        title:
          en: \(id)
        answers:
          en: \(answer)
        examples:
          en:
        \(examples.map { "    - \($0)" }.joined(separator: "\n"))
        \(extra)
        """
    }

    static let dialogue = [
        "Knowledge/help.yaml": intent("help", topic: "dialogue", examples: ["what can you do", "menu"]),
        "Knowledge/change-language.yaml": intent("change-language", topic: "dialogue", examples: ["in english please", "speak english"]),
        "Knowledge/set-city.yaml": intent("set-city", topic: "dialogue", examples: ["i live in vaasa", "my city is helsinki"]),
    ]
}

@Suite struct KnowledgeLoaderTests {
    @Test func validKnowledgeLoads() throws {
        var files = FixtureFolder.dialogue
        files["Locales/en.yaml"] = FixtureFolder.locale
        files["Knowledge/courses.yaml"] = FixtureFolder.intent("courses", examples: ["finnish course", "learn finnish"])
        let base = try FixtureFolder(files: files).loader.load()
        #expect(base.intents.count == 4)
        #expect(base.intent("courses")?.answers["en"] == .everyCity("Text."))
        #expect(base.locales["en"]?.string(.citySet, ["city": "Vaasa"]) == "OK, Vaasa.")
    }

    @Test func everyProblemIsReportedWithFileAndLine() throws {
        var files = FixtureFolder.dialogue
        files["Locales/en.yaml"] = FixtureFolder.locale.replacingOccurrences(of: "  goodbye: Bye.\n", with: "")
        files["Knowledge/courses.yaml"] = FixtureFolder.intent(
            "courses", examples: ["finnish course", "finnish course"], extra: "links: [https://example.com]")
        files["Knowledge/other.yaml"] = FixtureFolder.intent("wrong-id", examples: ["learn finnish", "x"])
        files["Knowledge/broken.yaml"] = "id: [unclosed\n"
        let (_, problems) = try FixtureFolder(files: files).loader.loadCollectingProblems()
        let text = problems.map(\.description).joined(separator: "\n")
        #expect(text.contains("Locales/en.yaml"), "\(text)")
        #expect(text.contains("missing UI string `goodbye`"))
        #expect(problems.contains { $0.file == "Knowledge/courses.yaml" && $0.line == 15 && $0.message.contains("listed twice") }, "\(text)")
        #expect(problems.contains { $0.file == "Knowledge/courses.yaml" && $0.message.contains("https://example.com") && $0.line != nil })
        #expect(problems.contains { $0.file == "Knowledge/other.yaml" && $0.message.contains("does not match the file name") })
        #expect(problems.contains { $0.file == "Knowledge/broken.yaml" && $0.message.contains("not valid YAML") && $0.line != nil })
        #expect(throws: KnowledgeError.self) { try FixtureFolder(files: files).loader.load() }
    }

    /// The fixture with a Finnish locale too, its intents answered in Finnish, and the
    /// given `concepts:` blocks in each locale.
    private func bilingual(english: String, finnish: String) -> [String: String] {
        var files = FixtureFolder.dialogue
        files["Knowledge/courses.yaml"] = FixtureFolder.intent("courses", examples: ["finnish course", "learn finnish"])
        for (path, text) in files {
            let id = String(path.dropFirst("Knowledge/".count).dropLast(".yaml".count))
            files[path] = text
                .replacingOccurrences(of: "  en: \(id)\n", with: "  en: \(id)\n  fi: \(id)\n")
                .replacingOccurrences(of: "answers:\n  en: Text.", with: "answers:\n  en: Text.\n  fi: Teksti.")
                .replacingOccurrences(of: "examples:\n  en:", with: "examples:\n  fi:\n    - \(id) yksi\n    - \(id) kaksi\n  en:")
        }
        files["Locales/en.yaml"] = FixtureFolder.locale + "\nconcepts:\n" + english
        files["Locales/fi.yaml"] = FixtureFolder.locale.replacingOccurrences(of: "code: en", with: "code: fi") + "\nconcepts:\n" + finnish
        return files
    }

    @Test func conceptsLoadAcrossLocales() throws {
        let files = bilingual(
            english: "  work: job Work*\n  landlord: landlord\n", finnish: "  work: \"työ duuni*\"\n  nosie: melu\n")
        let (base, problems) = try FixtureFolder(files: files).loader.loadCollectingProblems()
        #expect(problems.filter { $0.severity == .error }.isEmpty, "\(problems)")
        #expect(base?.locales["en"]?.concepts.map(\.concept) == ["work", "landlord"])
        #expect(base?.locales["en"]?.concepts.first?.words == ["job", "Work*"])
        #expect(problems.filter { $0.severity == .warning }.map(\.message).sorted() == [
            "the concept `landlord` is in no other locale: is its id misspelt?",
            "the concept `nosie` is in no other locale: is its id misspelt?",
        ])
    }

    @Test func badConceptEntriesAreErrorsWithTheirLine() throws {
        let files = bilingual(
            english: "  work: job\n", finnish: "  work: työ\n  Bad_Id: x\n  landlord: \"vuokra*nantaja va* vuokra* =vuokra* =vuok=ra\"\n  noise: [melu]\n")
        let (_, problems) = try FixtureFolder(files: files).loader.loadCollectingProblems()
        let errors = problems.filter { $0.severity == .error }
        #expect(errors.count == 6, "\(problems)")
        #expect(errors.allSatisfy { $0.file == "Locales/fi.yaml" && $0.line != nil })
        #expect(errors.contains { $0.message.contains("`Bad_Id`") })
        #expect(errors.contains { $0.message.contains("`vuokra*nantaja` must be a word") })
        #expect(errors.contains { $0.message.contains("concepts.noise must be a text") })
        #expect(errors.contains { $0.message.contains("the stem `va*` is too short") })
        #expect(errors.contains { $0.message.contains("`=vuokra*` is an exact word (`=`) and cannot be a stem") })
        #expect(errors.contains { $0.message.contains("`=vuok=ra` must be a word") })
        #expect(throws: KnowledgeError.self) { try FixtureFolder(files: files).loader.load() }
    }

    @Test func everySourceDocumentNeedsATitleInEveryLocale() throws {
        var files = FixtureFolder.dialogue
        files["Locales/en.yaml"] = FixtureFolder.locale
        files["Knowledge/a.yaml"] = FixtureFolder.intent("a", examples: ["one", "two"])
            .replacingOccurrences(of: "001_4dbe3307cfa3304b.txt", with: "003_193b21f869fb5b54.txt")
        let (_, problems) = try FixtureFolder(files: files).loader.loadCollectingProblems()
        #expect(problems.contains { $0.file == "Locales/en.yaml" && $0.message.contains("003_193b21f869fb5b54.txt") })
    }

    @Test func sameExampleInTwoIntentsIsAnError() throws {
        var files = FixtureFolder.dialogue
        files["Locales/en.yaml"] = FixtureFolder.locale
        files["Knowledge/a.yaml"] = FixtureFolder.intent("a", examples: ["Finnish course", "one"])
        files["Knowledge/b.yaml"] = FixtureFolder.intent("b", examples: ["finnish  course", "two"])
        let (_, problems) = try FixtureFolder(files: files).loader.loadCollectingProblems()
        #expect(problems.contains { $0.message.contains("also an example of `a`") })
    }

    @Test func perCityAnswerNeedsEveryCity() throws {
        var files = FixtureFolder.dialogue
        files["Locales/en.yaml"] = FixtureFolder.locale
        files["Knowledge/a.yaml"] = FixtureFolder.intent("a", examples: ["one", "two"])
            .replacingOccurrences(of: "  en: Text.", with: "  en:\n    helsinki: Only Helsinki.")
        let (_, problems) = try FixtureFolder(files: files).loader.loadCollectingProblems()
        #expect(problems.contains { $0.message.contains("no text for `vaasa`") })
    }

    @Test(arguments: [
        ("https://www.infofinland.fi", true), ("https://infofinland.fi/en/living", true),
        ("https://www.vaasa.fi/kotouttamisohjelma", true), ("https://www.vaasa.fi/other", false),
        ("http://www.infofinland.fi", false), ("https://evil.example", false),
    ])
    func onlyThePublicPortalsMayBeLinked(link: String, allowed: Bool) {
        #expect(ContentPolicy().allowsLink(link) == allowed)
    }
}
