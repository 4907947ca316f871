import OpastinChat
import OpastinKnowledge
import OpastinMatch
import OpastinText
import Testing

/// The dialogue policy on the bundled knowledge, in process.
@Suite struct ConversationTests {
    @Test(arguments: [
        ("Miten pääsen suomen kielen kurssille?", "fi"),
        ("kak zapisatsya na kursy finskogo yazyka", "ru"),
        ("курсы финского языка для взрослых", "ru"),
        ("أين أجد دورات اللغة الفنلندية للكبار", "ar"),
        ("waxaan rabaa inaan barto af finishka", "so"),
        ("var kan jag läsa finska", "sv"),
        ("where can I study Finnish", "en"),
    ])
    func finnishCourseQuestionsReachTheIntentInTheirLanguage(text: String, language: String) throws {
        var session = Session()
        let reply = try EngineFixture.engine.reply(to: ChatRequest(text: text), in: &session)
        // Answered, or (for "I want to learn Finnish", which also fits informal learning)
        // offered among the clarification options.
        let reached = reply.intent == "finnish-courses" || (reply.kind == .clarify && reply.options.contains { $0.value == "finnish-courses" })
        #expect(reached, "\(text) → \(reply.intent ?? "null") \(reply.options.map(\.value))")
        #expect(reply.language == LanguageCode(language))
    }

    @Test func romanisedRussianIsAnsweredInCyrillic() throws {
        var session = Session(language: nil)
        session.city = .helsinki
        let reply = try EngineFixture.engine.reply(to: ChatRequest(text: "nuzhen perevodchik u vracha"), in: &session)
        #expect(reply.intent == "interpreting")
        #expect(reply.language == "ru")
        #expect(reply.answer.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) })
    }

    @Test func cityIsAskedOnceThenRemembered() throws {
        var session = Session()
        let replies = try EngineFixture.conversation(["tarvitsen tulkin", "2", "asumisneuvonta"], session: &session)
        #expect(replies[0].kind == .city)
        #expect(replies[0].options.map(\.value) == ["helsinki", "vaasa"])
        #expect(replies[1].intent == "interpreting" && replies[1].kind == .answer)
        #expect(session.city == .vaasa)
        #expect(replies[2].kind == .answer)  // no second question
    }

    @Test func cityFollowUpAnswersTheLastQuestionForTheOtherCity() throws {
        var session = Session()
        session.city = .vaasa
        let first = try EngineFixture.engine.reply(to: ChatRequest(text: "I need an interpreter"), in: &session)
        let followUp = try EngineFixture.engine.reply(to: ChatRequest(text: "and in Helsinki?"), in: &session)
        #expect(first.intent == "interpreting")
        #expect(followUp.intent == "interpreting")
        #expect(followUp.city == .helsinki)
        #expect(followUp.answer != first.answer)
    }

    @Test func explicitLanguageSticksUntilChanged() throws {
        var session = Session()
        let replies = try EngineFixture.conversation(["in English please", "päiväkoti", "kiitos"], session: &session)
        #expect(replies[0].intent == "change-language")
        #expect(replies.map(\.language) == ["en", "en", "en"])
        #expect(replies[1].intent == "daycare")
    }

    @Test(arguments: [
        ("en osaa vielä hyvin suomea, voisitko kirjoittaa englanniksi", nil, "en"),
        ("mitt svenska är dåligt, kan du skriva på engelska", nil, "en"),
        // The bot has been answering in English; the resident asks, in Russian, for Russian.
        ("я плохо понимаю английский, пишите по-русски", "en", "ru"),
    ])
    func namingTwoLanguagesAsksForTheOneTheConversationLacks(text: String, before: String?, language: String) throws {
        var session = Session()
        session.language = before.map { LanguageCode($0) }
        let reply = try EngineFixture.engine.reply(to: ChatRequest(text: text), in: &session)
        #expect(reply.intent == "change-language", "\(text) → \(reply.kind) \(reply.intent ?? "null")")
        #expect(reply.language == LanguageCode(language))
    }

    /// "Can you dance?" shares only "osaatko" with "osaatko englantia?": it is not about
    /// language, so the language list is not offered.
    @Test(arguments: ["osaatko tanssia?", "osaatko piirtää?"])
    func aCanYouQuestionThatIsNotAboutLanguageGetsTheFallback(text: String) throws {
        var session = Session()
        let reply = try EngineFixture.engine.reply(to: ChatRequest(text: text), in: &session)
        #expect(reply.kind == .fallback, "\(text) → \(reply.kind) \(reply.intent ?? "null")")
        #expect(reply.intent == nil)
        #expect(session.pending == nil)
    }

    @Test func askingForAnotherLanguageWithoutNamingOneListsThemUnderAQuestion() throws {
        var session = Session(language: "fi")
        let replies = try EngineFixture.conversation(["vaihda kieli", "6"], session: &session)
        #expect(replies[0].kind == .clarify)
        #expect(replies[0].options.map(\.value) == ["ar", "en", "fi", "ru", "so", "sv"])
        // The question and the hint in the session's language, each language's name in itself.
        let lines = replies[0].answer.split(separator: "\n").map(String.init)
        #expect(lines.first == "Valitse kieli:")
        #expect(lines.last == "Vastaa numerolla.")
        #expect(lines.contains("4. русский"))
        #expect(replies[1].intent == "change-language")
        #expect(replies[1].language == "sv")
    }

    @Test func languageFieldOverridesDetection() throws {
        var session = Session()
        let reply = try EngineFixture.engine.reply(to: ChatRequest(text: "päiväkoti", language: "so"), in: &session)
        #expect(reply.language == "so")
        #expect(session.languageIsExplicit)
    }

    @Test func clarificationOptionIsPickedByNumber() throws {
        var session = Session()
        session.pending = .clarification(["finnish-courses", "swedish-courses"])
        let reply = try EngineFixture.engine.reply(to: ChatRequest(text: "2"), in: &session)
        #expect(reply.intent == "swedish-courses")
    }

    @Test func shortAmbiguousMessageKeepsTheSessionLanguage() throws {
        var session = Session(language: "sv")
        let reply = try EngineFixture.engine.reply(to: ChatRequest(text: "ok"), in: &session)
        #expect(reply.language == "sv")
    }

    @Test(arguments: ["what is the weather in Lapland tomorrow", "best pizza recipe", "who won the hockey game"])
    func outOfScopeGetsTheFallback(text: String) throws {
        var session = Session()
        let reply = try EngineFixture.engine.reply(to: ChatRequest(text: text), in: &session)
        #expect(reply.intent == nil)
        #expect(reply.kind == .fallback)
        #expect(reply.answer.contains("Helsinki neuvoo"))
    }

    @Test(arguments: [
        ("Hyvää iltaa! Miten saan lapseni kouluun, kun muutimme juuri Vaasaan?", "school"),
        ("Спасибо большое! А где взрослому учить финский по вечерам?", "finnish-courses"),
    ])
    func aQuestionWrappedInPolitenessIsAnsweredAsTheQuestion(text: String, intent: String) throws {
        let matcher = EngineFixture.engine.matcher
        // The polite words alone would win: chat-turn examples are short.
        let raw = matcher.index.score(matcher.analyzer.analyze(text))
        #expect(["greeting", "thanks"].contains(raw.first { $0.intentID != "out-of-scope" }?.intentID ?? ""), "\(raw.prefix(3))")
        var session = Session()
        let reply = try EngineFixture.engine.reply(to: ChatRequest(text: text), in: &session)
        #expect(reply.intent == intent || (reply.kind == .city && session.pending != nil), "\(reply.intent ?? "null") \(reply.kind)")
        #expect(matcher.match(text).decision == .answer(intentID: intent))
        // A thank-you that is only that stays one.
        var other = Session()
        #expect(try EngineFixture.engine.reply(to: ChatRequest(text: "Thank you so much, you helped me a lot today!"), in: &other).intent == "thanks")
    }

    @Test func aGreetingBeforeAnUnrelatedQuestionGetsTheFallback() throws {
        let text = "Hej! Vet du när bussen till Åbo går i morgon?"
        let matcher = EngineFixture.engine.matcher
        let raw = matcher.index.score(matcher.analyzer.analyze(text))
        #expect(raw.first { $0.intentID != "out-of-scope" }?.intentID == "greeting", "\(raw.prefix(3))")
        var session = Session()
        #expect(try EngineFixture.engine.reply(to: ChatRequest(text: text), in: &session).kind == .fallback)
        // A greeting alone, and a question to the bot itself, keep their intents.
        var other = Session()
        #expect(try EngineFixture.engine.reply(to: ChatRequest(text: "hei, mitä kuuluu?"), in: &other).intent == "greeting")
        #expect(try EngineFixture.engine.reply(to: ChatRequest(text: "what can you do?"), in: &other).intent == "help")
    }

    @Test func aLongQuestionNamingLanguagesDoesNotSwitchTheReplyLanguage() throws {
        var session = Session()
        let text = "Is the citizenship test held in Finnish or can I do it in English, and how long does it take?"
        let reply = try EngineFixture.engine.reply(to: ChatRequest(text: text), in: &session)
        #expect(reply.kind == .fallback && reply.language == "en")
        #expect(!session.languageIsExplicit)
    }

    @Test func namingACityInAnotherQuestionDoesNotSetIt() throws {
        var session = Session()
        let reply = try EngineFixture.engine.reply(to: ChatRequest(text: "måste man betala hundskatt i Helsingfors?"), in: &session)
        #expect(reply.kind == .fallback && reply.intent == nil)
        #expect(session.city == nil)
        // Close to the out-of-scope examples, but strong enough: the city is set.
        var other = Session()
        let set = try EngineFixture.engine.reply(to: ChatRequest(text: "ku nool helsinki"), in: &other)
        #expect(set.intent == "set-city" && other.city == .helsinki)
    }

    @Test func badRequestsAreTypedErrors() {
        var session = Session()
        #expect(throws: ChatError.emptyText) { try EngineFixture.engine.reply(to: ChatRequest(text: " \n "), in: &session) }
        #expect(throws: ChatError.unknownCity("oulu")) { try EngineFixture.engine.reply(to: ChatRequest(text: "hei", city: "oulu"), in: &session) }
        #expect(throws: ChatError.self) { try EngineFixture.engine.reply(to: ChatRequest(text: String(repeating: "a", count: 5000)), in: &session) }
    }

    @Test(arguments: [("helsinki", "Helsinki"), ("vaasa", "Vaasa")])
    func aCityAnswerCitesOnlyThatCitysProgramme(city: String, documentWord: String) throws {
        var session = Session(language: "en")
        let reply = try EngineFixture.engine.reply(to: ChatRequest(text: "housing advice", city: city), in: &session)
        #expect(reply.intent == "housing-advice")
        #expect(!reply.sources.isEmpty)
        #expect(reply.sources.allSatisfy { $0.document.contains(documentWord) }, "\(reply.sources.map(\.document))")
    }

    @Test func aCityAnswerLeavesOutTheOtherCitysLinks() throws {
        var helsinki = Session(language: "en")
        let inHelsinki = try EngineFixture.engine.reply(to: ChatRequest(text: "school start for my child", city: "helsinki"), in: &helsinki)
        #expect(inHelsinki.intent == "school")
        #expect(!inHelsinki.links.isEmpty && !inHelsinki.links.contains { $0.contains("vaasa") }, "\(inHelsinki.links)")
        var vaasa = Session(language: "en")
        let inVaasa = try EngineFixture.engine.reply(to: ChatRequest(text: "school start for my child", city: "vaasa"), in: &vaasa)
        #expect(inVaasa.links.contains { $0.contains("vaasa") }, "\(inVaasa.links)")
    }

    @Test func everyAnswerCarriesSourcesWithDocumentTitles() throws {
        for intent in EngineFixture.engine.knowledge.intents where intent.topic != "dialogue" && intent.topic != "none" {
            var session = Session(language: "en")
            session.city = .helsinki
            let example = try #require(intent.examples["en"]?.first)
            let reply = try EngineFixture.engine.reply(to: ChatRequest(text: example), in: &session)
            guard reply.intent == intent.id else { continue }
            #expect(!reply.sources.isEmpty, "\(intent.id)")
            #expect(reply.sources.allSatisfy { !$0.document.hasSuffix(".txt") }, "\(intent.id)")
        }
    }
}
