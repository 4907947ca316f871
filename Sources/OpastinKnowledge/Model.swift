public import OpastinText
internal import Foundation

/// A city whose services the knowledge describes.
public struct City: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public static let helsinki = City("helsinki")
    public static let vaasa = City("vaasa")
    /// The cities the programmes in seeds/ cover.
    public static let all: [City] = [.helsinki, .vaasa]
    public var description: String { rawValue }
    public static func < (lhs: City, rhs: City) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a fact comes from: a seed programme document and the measure in it.
public struct Source: Sendable, Equatable {
    public let seed: String
    public let location: String
    public let says: String
    /// The city whose programme this is: an answer for one city cites only its sources.
    public let city: City?
}

/// An answer in one language: the same for every city, or one text per city.
public enum AnswerText: Sendable, Equatable {
    case everyCity(String)
    case perCity([City: String])

    /// The text for a city, or nil when the answer depends on a city not yet known.
    public func text(for city: City?) -> String? {
        switch self {
        case .everyCity(let text): return text
        case .perCity(let texts): return city.flatMap { texts[$0] }
        }
    }

    /// Every text it holds.
    public var allTexts: [String] {
        switch self {
        case .everyCity(let text): [text]
        case .perCity(let texts): texts.keys.sorted().compactMap { texts[$0] }
        }
    }
}

/// One thing residents ask about, with its examples, answers and sources.
public struct Intent: Sendable, Identifiable {
    public let id: String
    public let topic: String
    public let cities: [City]
    public let sources: [Source]
    public let links: [String]
    public let titles: [LanguageCode: String]
    public let answers: [LanguageCode: AnswerText]
    public let examples: [LanguageCode: [String]]
    /// For `set-city`: the words that name each city.
    public let cityAliases: [City: [String]]
    /// Each example's duplicate key (`ExampleKey`), in the order of `examples`: made once
    /// while parsing, since the cross-file check needs them again.
    let exampleKeys: [LanguageCode: [String]]

    /// True when at least one language's answer differs by city.
    public var dependsOnCity: Bool {
        answers.values.contains { if case .perCity = $0 { true } else { false } }
    }
}

/// The intents whose replies the dialogue builds itself instead of reading an answer.
public enum DialogueAction {
    public static let changeLanguage = "change-language"
    public static let setCity = "set-city"
    public static let help = "help"
    /// Examples of what Opastin must not answer (weather, sport, shopping…): a message
    /// closest to these gets the fallback, as if nothing had matched.
    public static let outOfScope = "out-of-scope"
    /// Intents that need no written answer.
    public static let withoutAnswers: Set<String> = [changeLanguage, setCity, outOfScope]
    /// Chat turns: a whole message when it is only that ("kiitos paljon!"), politeness
    /// around a question otherwise ("Hei! Missä voin opiskella suomea?").
    public static let chatTurns: Set<String> = ["greeting", "thanks", "goodbye", help]
}

/// A language's metadata and every UI string.
public struct LocaleStrings: Sendable {
    public let code: LanguageCode
    public let name: String
    public let englishName: String
    public let script: Script
    public let isRightToLeft: Bool
    /// An ICU transform that writes the language in Latin letters as residents type it.
    public let romanization: String?
    /// Words in any language that name this language ("englanti", "по-английски").
    public let aliases: [String]
    public let suffixes: [String]
    public let strings: [String: String]
    public let topics: [String: String]
    public let cities: [City: String]
    /// The titles of the seed documents, by file name, for showing sources to residents.
    public let documents: [String: String]
    /// Concept id → the words (and `*` stems) that name it in this language, in file order.
    public let concepts: [(concept: String, words: [String])]

    /// A UI string with `{placeholders}` filled in. Validation guarantees every key exists.
    public func string(_ key: UIString, _ values: [String: String] = [:]) -> String {
        var text = strings[key.rawValue] ?? key.rawValue
        // The standard library's `replacing`: Foundation's `replacingOccurrences` bridged
        // through NSString.
        for (name, value) in values { text = text.replacing("{\(name)}", with: value) }
        return text
    }

    public func cityName(_ city: City) -> String { cities[city] ?? city.rawValue.capitalized }
}

/// The UI strings every locale must have, with the placeholders each must contain.
public enum UIString: String, CaseIterable, Sendable {
    case greeting, kioskHelp = "kiosk_help", help, fallback, clarify, clarifyHint = "clarify_hint"
    case cityQuestion = "city_question", citySet = "city_set", languageQuestion = "language_question", languageSet = "language_set"
    /// Said before the city question of a safety intent (mental wellbeing, violence): the
    /// answer waits for the city, the way to emergency help must not.
    case safetyLine = "safety_line"
    case sourcesLabel = "sources_label", linksLabel = "links_label", resetDone = "reset_done"
    case errorEmpty = "error_empty", errorTooLong = "error_too_long"
    case errorUnknownLanguage = "error_unknown_language", errorUnknownCommand = "error_unknown_command"
    case goodbye

    public var placeholders: [String] {
        switch self {
        case .citySet: ["city"]
        case .errorUnknownLanguage: ["code", "available"]
        case .errorUnknownCommand: ["command"]
        default: []
        }
    }
}

/// Everything Opastin knows: the intents and the locales.
public struct KnowledgeBase: Sendable {
    public let intents: [Intent]
    public let locales: [LanguageCode: LocaleStrings]

    public init(intents: [Intent], locales: [LanguageCode: LocaleStrings]) {
        self.intents = intents.sorted { $0.id < $1.id }
        self.locales = locales
        self.intentsByID = Dictionary(self.intents.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private let intentsByID: [String: Intent]

    public func intent(_ id: String) -> Intent? { intentsByID[id] }

    /// The languages with a locale, in a stable order.
    public var languages: [LanguageCode] { locales.keys.sorted() }
}
