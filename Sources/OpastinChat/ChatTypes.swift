public import OpastinKnowledge
public import OpastinMatch
public import OpastinText

/// One message from a resident, from any front end.
public struct ChatRequest: Sendable {
    /// Echoed in the reply so clients can pair replies with requests.
    public var id: JSONValue?
    /// Names the conversation; front ends supply a default (one per connection or kiosk).
    public var session: String?
    public var text: String
    /// Answer in this language (and keep it for the session).
    public var language: String?
    /// The resident's city, when the front end knows it.
    public var city: String?

    public init(id: JSONValue? = nil, session: String? = nil, text: String, language: String? = nil, city: String? = nil) {
        self.id = id
        self.session = session
        self.text = text
        self.language = language
        self.city = city
    }
}

/// A numbered choice offered to the resident (a clarification or the city question).
public struct ReplyOption: Sendable, Equatable {
    public let number: Int
    public let label: String
    /// The intent id or city it stands for.
    public let value: String
}

/// Where a reply's facts come from, with the document's title in the reply's language.
public struct ReplySource: Sendable, Equatable {
    public let seed: String
    public let document: String
    public let location: String
    public let says: String
    /// This source as the protocol writes it, a JSON object, in two parts: the document's
    /// title (which differs by language) and the rest, shared by every language's copy.
    /// Encoded once, when the engine works out each intent's sources at start, since a reply's
    /// sources were most of the bytes it escaped.
    let jsonHead: [UInt8]
    let jsonTail: [UInt8]

    /// - Parameter jsonTail: `Self.jsonTail(...)` of the same fields, when another language's
    ///   copy of this source has it already.
    init(seed: String, document: String, location: String, says: String, jsonTail: [UInt8]? = nil) {
        self.seed = seed
        self.document = document
        self.location = location
        self.says = says
        var head = JSONWriter(capacity: document.utf8.count + 16)
        head.writeObjectOpening(firstMember: "document", .string(document))
        jsonHead = head.outputBytes
        self.jsonTail = jsonTail ?? Self.jsonTail(seed: seed, location: location, says: says)
    }

    /// The members after the document's title, and the closing brace.
    static func jsonTail(seed: String, location: String, says: String) -> [UInt8] {
        var tail = JSONWriter(capacity: says.utf8.count + seed.utf8.count + location.utf8.count + 32)
        tail.writeObjectClosing([("says", .string(says)), ("seed", .string(seed)), ("where", .string(location))])
        return tail.outputBytes
    }
}

/// What a reply is.
public enum ReplyKind: String, Sendable {
    case answer, clarify, city, fallback, language, notice
}

/// The reply to one message.
public struct ChatReply: Sendable {
    public var id: JSONValue?
    public var session: String?
    public var language: LanguageCode
    public var intent: String?
    public var confidence: Double
    public var answer: String
    public var kind: ReplyKind
    public var options: [ReplyOption]
    public var sources: [ReplySource]
    public var links: [String]
    public var city: City?
    /// For staff: why this reply was chosen.
    public var diagnostics: Diagnostics?
}

/// The matcher's and language identifier's view of a message, and the time taken.
public struct Diagnostics: Sendable {
    public let match: MatchResult
    public let detectedLanguage: LanguageGuess?
    public let microseconds: Double
}

/// A request the chat cannot take, with a stable protocol code.
public enum ChatError: Error, Equatable, Sendable {
    case emptyText
    case textTooLong(limit: Int)
    case unknownLanguage(String, available: [LanguageCode])
    case unknownCity(String)

    public var code: String {
        switch self {
        case .emptyText: "empty_text"
        case .textTooLong: "text_too_long"
        case .unknownLanguage: "unknown_lang"
        case .unknownCity: "unknown_city"
        }
    }

    public var message: String {
        switch self {
        case .emptyText: "`text` is empty or only whitespace"
        case .textTooLong(let limit): "`text` is longer than \(limit) characters"
        case .unknownLanguage(let code, let available):
            "unknown language `\(code)`; available: \(available.map(\.rawValue).joined(separator: ", "))"
        case .unknownCity(let city): "unknown city `\(city)`; known: \(City.all.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
