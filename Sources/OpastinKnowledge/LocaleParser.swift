internal import Foundation
internal import OpastinText
internal import Yams

/// Reads one `Locales/<code>.yaml`.
struct LocaleParser {
    let file: YAMLFile

    func parse(expectedCode: String) -> LocaleStrings? {
        guard let root = file.root, file.mapping(root, "the locale") != nil else { return nil }
        guard let code = file.string(root, "code") else { return nil }
        if code != expectedCode { file.error(root["code"], "code `\(code)` does not match the file name `\(expectedCode).yaml`") }
        let name = file.string(root, "name") ?? code
        let englishName = file.string(root, "english_name") ?? code
        let script = file.string(root, "script") ?? "Latn"
        let direction = file.string(root, "direction") ?? "ltr"
        if direction != "ltr" && direction != "rtl" { file.error(root["direction"], "direction must be `ltr` or `rtl`") }
        let romanization = root["romanization"]?.scalar.flatMap { $0.string == "null" || $0.string.isEmpty ? nil : $0.string }
        if let romanization, (try? Transliterator(romanization)) == nil {
            file.error(root["romanization"], "ICU has no transform `\(romanization)`")
        }

        var strings: [String: String] = [:]
        for entry in file.entries(root["strings"], "strings") {
            if let text = entry.value.scalar?.string, !text.isEmpty {
                strings[entry.key] = text.trimmingWhitespace()
            } else {
                file.error(entry.value, "strings.\(entry.key) must be a non-empty text")
            }
        }
        if root["strings"] == nil { file.error(root, "missing `strings`") }
        for key in UIString.allCases {
            guard let text = strings[key.rawValue] else {
                file.error(root["strings"] ?? root, "missing UI string `\(key.rawValue)`")
                continue
            }
            for placeholder in key.placeholders where !text.contains("{\(placeholder)}") {
                file.error(root["strings"]?[key.rawValue], "UI string `\(key.rawValue)` must contain `{\(placeholder)}`")
            }
        }
        var topics: [String: String] = [:]
        for entry in file.entries(root["topics"], "topics") { topics[entry.key] = entry.value.scalar?.string }
        if root["topics"] == nil { file.error(root, "missing `topics`") }
        var cities: [City: String] = [:]
        for entry in file.entries(root["cities"], "cities") { cities[City(entry.key)] = entry.value.scalar?.string }
        for city in City.all where cities[city] == nil { file.error(root["cities"] ?? root, "missing the name of the city `\(city)`") }

        var documents: [String: String] = [:]
        for entry in file.entries(root["documents"], "documents") {
            guard let title = entry.value.scalar?.string, !title.isEmpty else {
                file.error(entry.value, "documents.\(entry.key) must be a title")
                continue
            }
            documents[entry.key] = title
        }
        if root["documents"] == nil { file.error(root, "missing `documents` (the seed documents' titles)") }

        let concepts = parseConcepts(root["concepts"])

        return LocaleStrings(
            code: LanguageCode(code), name: name, englishName: englishName, script: Script(script),
            isRightToLeft: direction == "rtl", romanization: romanization,
            aliases: file.strings(root["aliases"], "aliases").map { $0.text.lowercased() },
            suffixes: file.strings(root["suffixes"], "suffixes").map(\.text),
            strings: strings, topics: topics, cities: cities, documents: documents, concepts: concepts)
    }

    /// `concepts:` (optional): concept id → its words in one text, separated by spaces, a
    /// trailing `*` marking a stem that matches every word starting with it, a leading `=` a
    /// word matched only as written (not folded). (One text per
    /// concept, not a YAML list: twenty thousand list items took YAML parsing 50 ms of every
    /// start-up.)
    private func parseConcepts(_ node: Node?) -> [(concept: String, words: [String])] {
        guard let node else { return [] }
        var concepts: [(concept: String, words: [String])] = []
        for entry in file.entries(node, "concepts") {
            guard Self.isConceptID(entry.key) else {
                file.error(entry.keyNode, "concept id `\(entry.key)` must be lowercase letters, digits and hyphens")
                continue
            }
            guard let text = entry.value.scalar?.string else {
                file.error(entry.value, "concepts.\(entry.key) must be a text: its words separated by spaces")
                continue
            }
            var words: [String] = []
            // Split on spaces alone, not case-folded here (the lexicon folds words as the
            // analyzer does): per word, both cost more than the YAML parsing of the file.
            for word in text.split(separator: " ").map(String.init) {
                let isExact = word.hasPrefix("=")
                let stem = (word.hasSuffix("*") ? word.dropLast() : Substring(word)).dropFirst(isExact ? 1 : 0)
                if stem.isEmpty || stem.utf8.contains(UInt8(ascii: "*")) || stem.utf8.contains(UInt8(ascii: "=")) {
                    file.error(entry.value, "concepts.\(entry.key): `\(word)` must be a word (a `*` only at its end, a `=` only at its start)")
                } else if isExact && word.hasSuffix("*") {
                    file.error(entry.value, "concepts.\(entry.key): `\(word)` is an exact word (`=`) and cannot be a stem (`*`)")
                } else if word.hasSuffix("*") && stem.unicodeScalars.count < 3 {
                    file.error(entry.value, "concepts.\(entry.key): the stem `\(word)` is too short (at least 3 letters before `*`)")
                } else {
                    words.append(word)
                }
            }
            concepts.append((entry.key, words))
        }
        return concepts
    }

    static func isConceptID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
