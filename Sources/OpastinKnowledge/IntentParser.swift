internal import Foundation
internal import OpastinText
internal import Yams

/// Reads one `Knowledge/<intent>.yaml` and checks its own rules.
struct IntentParser {
    let file: YAMLFile
    let languages: Set<LanguageCode>
    let policy: ContentPolicy

    func parse(expectedID: String) -> Intent? {
        guard let root = file.root, file.mapping(root, "the intent") != nil else { return nil }
        guard let id = file.string(root, "id") else { return nil }
        if id != expectedID { file.error(root["id"], "id `\(id)` does not match the file name `\(expectedID).yaml`") }
        let topic = file.string(root, "topic") ?? ""
        // Dialogue replies and the out-of-scope examples ("none") state no facts: no sources.
        let isDialogue = topic == "dialogue" || topic == "none"
        let cities = file.strings(root["cities"], "cities").map { City($0.text) }
        for (index, city) in cities.enumerated() where !City.all.contains(city) {
            file.error(root["cities"]?.sequence?[index], "unknown city `\(city)` (known: \(City.all.map(\.rawValue).joined(separator: ", ")))")
        }

        let sources = parseSources(root["sources"])
        if sources.isEmpty && !isDialogue { file.error(root["sources"] ?? root, "a service intent needs at least one source") }

        let links = file.strings(root["links"], "links")
        for link in links where !policy.allowsLink(link.text) {
            file.error(link.node, "link `\(link.text)` is not one of the allowed public portals")
        }

        let titles = perLanguageTexts(root["title"], "title")
        for language in languages.sorted() where titles[language] == nil {
            file.error(root["title"] ?? root, "no title in `\(language)`")
        }

        let answers = parseAnswers(root["answers"], isDialogue: isDialogue)
        if !DialogueAction.withoutAnswers.contains(id) {
            for language in languages.sorted() where answers[language] == nil {
                file.error(root["answers"] ?? root, "no answer in `\(language)`")
            }
        }

        var examples: [LanguageCode: [String]] = [:]
        var exampleKeys: [LanguageCode: [String]] = [:]
        for entry in file.entries(root["examples"], "examples") {
            let language = LanguageCode(entry.key)
            if !languages.contains(language) { file.error(entry.keyNode, "examples in `\(language)`, which has no locale") }
            var seen = Set<String>()
            var texts: [String] = []
            var keys: [String] = []
            for example in file.strings(entry.value, "examples.\(language)") {
                let key = ExampleKey.make(example.text)
                if !seen.insert(key).inserted { file.error(example.node, "the example \"\(example.text)\" is listed twice") }
                texts.append(example.text)
                keys.append(key)
            }
            examples[language] = texts
            exampleKeys[language] = keys
        }
        for language in languages.sorted() where (examples[language]?.count ?? 0) < policy.minimumExamples {
            file.error(root["examples"]?[language.rawValue] ?? root["examples"] ?? root,
                       "\(examples[language]?.count ?? 0) examples in `\(language)`; at least \(policy.minimumExamples) needed")
        }

        var cityAliases: [City: [String]] = [:]
        for entry in file.entries(root["city_aliases"], "city_aliases") {
            cityAliases[City(entry.key)] = file.strings(entry.value, "city_aliases.\(entry.key)").map { $0.text.lowercased() }
        }

        return Intent(
            id: id, topic: topic, cities: cities, sources: sources, links: links.map(\.text), titles: titles,
            answers: answers, examples: examples, cityAliases: cityAliases, exampleKeys: exampleKeys)
    }

    private func parseSources(_ node: Node?) -> [Source] {
        guard let node else { return [] }
        guard let sequence = node.sequence else {
            file.error(node, "sources must be a list")
            return []
        }
        var sources: [Source] = []
        for item in sequence {
            guard let seed = file.string(item, "seed"), let location = file.string(item, "where") else { continue }
            let says = file.string(item, "says", required: false) ?? ""
            let knownSeed = policy.seedNames.isEmpty
                ? seed.range(of: #"^\d{3}_[0-9a-f]{16}\.txt$"#, options: .regularExpression) != nil
                : policy.seedNames.contains(seed)
            if !knownSeed { file.error(item["seed"], "source `\(seed)` names no seed document") }
            let city = file.string(item, "city", required: false).map { City($0) }
            if let city, !City.all.contains(city) { file.error(item["city"], "unknown city `\(city)` in a source") }
            sources.append(Source(seed: seed, location: location, says: says, city: city))
        }
        return sources
    }

    private func perLanguageTexts(_ node: Node?, _ what: String) -> [LanguageCode: String] {
        var texts: [LanguageCode: String] = [:]
        for entry in file.entries(node, what) {
            guard let text = entry.value.scalar?.string, !text.isEmpty else {
                file.error(entry.value, "\(what).\(entry.key) must be a text")
                continue
            }
            texts[LanguageCode(entry.key)] = text.trimmingWhitespace()
        }
        return texts
    }

    private func parseAnswers(_ node: Node?, isDialogue: Bool) -> [LanguageCode: AnswerText] {
        var answers: [LanguageCode: AnswerText] = [:]
        for entry in file.entries(node, "answers") {
            let language = LanguageCode(entry.key)
            if !languages.contains(language) { file.error(entry.keyNode, "an answer in `\(language)`, which has no locale") }
            if let text = entry.value.scalar?.string {
                checkLength(text, entry.value, language, isDialogue: isDialogue)
                answers[language] = .everyCity(text.trimmingWhitespace())
            } else if entry.value.mapping != nil {
                var texts: [City: String] = [:]
                for cityEntry in file.entries(entry.value, "answers.\(language)") {
                    let city = City(cityEntry.key)
                    guard City.all.contains(city) else {
                        file.error(cityEntry.keyNode, "unknown city `\(city)` in answers.\(language)")
                        continue
                    }
                    guard let text = cityEntry.value.scalar?.string, !text.isEmpty else {
                        file.error(cityEntry.value, "answers.\(language).\(city) must be a text")
                        continue
                    }
                    checkLength(text, cityEntry.value, language, isDialogue: isDialogue)
                    texts[city] = text.trimmingWhitespace()
                }
                for city in City.all where texts[city] == nil {
                    file.error(entry.value, "answers.\(language) is given per city but has no text for `\(city)`")
                }
                answers[language] = .perCity(texts)
            } else {
                file.error(entry.value, "answers.\(language) must be a text or a mapping of city to text")
            }
        }
        return answers
    }

    private func checkLength(_ text: String, _ node: Node, _ language: LanguageCode, isDialogue: Bool) {
        guard !isDialogue else { return }
        let words = text.wordCount
        // Chinese and similar scripts have no spaces: word counts do not apply.
        if words > 3 && !policy.answerWords.contains(words) {
            file.warning(node, "the \(language) answer has \(words) words; \(policy.answerWords.lowerBound)–\(policy.answerWords.upperBound) reads best")
        }
    }
}

/// The form two examples are compared in to find duplicates: case-folded, spaces collapsed.
enum ExampleKey {
    static func make(_ text: String) -> String {
        var key: [UInt8] = []
        key.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in TextNormalizer.foldCase(text).unicodeScalars {
            if isWordCharacter(scalar) {
                if pendingSpace && !key.isEmpty { key.append(UInt8(ascii: " ")) }
                pendingSpace = false
                UTF8.encode(scalar) { key.append($0) }
            } else {
                pendingSpace = true
            }
        }
        return String(decoding: key, as: UTF8.self)
    }

    /// A letter or digit. ASCII is decided without looking up Unicode properties: that lookup
    /// was most of start-up, run for every example twice.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0..<0x80: false
        default: scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
    }
}
