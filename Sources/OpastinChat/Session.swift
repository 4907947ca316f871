public import OpastinKnowledge
public import OpastinText

/// One resident's conversation: what was said or set before that shapes the next reply.
public struct Session: Sendable {
    /// The language replies are written in.
    public var language: LanguageCode?
    /// True when the resident chose the language (`/lang`, "in English please", `"lang"`):
    /// detection then no longer changes it.
    public var languageIsExplicit = false
    public var city: City?
    /// A question the last reply asked, which the next message may answer.
    public var pending: PendingQuestion?
    /// The last intent answered, for follow-ups like "and in Vaasa?".
    public var lastIntent: String?

    public init(language: LanguageCode? = nil) {
        self.language = language
    }
}

/// A question the assistant asked and awaits an answer to.
public enum PendingQuestion: Sendable, Equatable {
    /// "Did you mean 1. … 2. …": the intent ids offered.
    case clarification([String])
    /// "Helsinki or Vaasa?": asked before answering this intent.
    case city(intentID: String)
    /// "Which language?": the languages offered.
    case language([LanguageCode])
}
