/// Turns spec names into Swift identifiers: one place for casing, keywords and overrides.
public enum SafeNames {
    /// Swift keywords that need backticks when used as identifiers.
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default",
        "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch",
        "where", "while", "as", "Any", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try",
        "await", "package", "consume", "borrowing", "consuming",
    ]

    /// Type names that would clash with well-known types in user code, and what to call them instead.
    public static let typeOverrides: [String: String] = [
        "Tag": "TagValue"  // Swift Testing's `Tag`
    ]

    /// Words of a raw name: split at non-alphanumerics and at lower→upper transitions.
    static func words(_ raw: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previous: Character?
        for ch in raw {
            if !(ch.isLetter || ch.isNumber) {
                if !current.isEmpty { words.append(current) }
                current = ""
                previous = nil
                continue
            }
            if let p = previous, ch.isUppercase, p.isLowercase || p.isNumber {
                words.append(current)
                current = ""
            }
            current.append(ch)
            previous = ch
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `UpperCamelCase` type name from any raw name.
    public static func typeName(_ raw: String) -> String {
        if let override = typeOverrides[raw] { return override }
        if raw.allSatisfy({ $0.isLetter || $0.isNumber }), raw.first?.isUppercase == true { return raw }
        let name = words(raw).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return prefixDigit(name.isEmpty ? "Value" : name)
    }

    /// `lowerCamelCase` member name: `$eq` → `eq`, `camunda.document.type` → `camundaDocumentType`,
    /// `ERROR_THROWN` → `errorThrown`, `lowerCamel` unchanged. Not escaped.
    public static func memberName(_ raw: String) -> String {
        let ws = words(raw)
        guard !ws.isEmpty else { return "value" }
        let isUpperSnake = raw.contains("_") || raw.allSatisfy { !$0.isLowercase }
        var result = ""
        for (index, word) in ws.enumerated() {
            let w = isUpperSnake ? word.lowercased() : word
            if index == 0 {
                // Keep acronym runs readable: `ID` → `id`, `URLPath` → `urlPath`.
                result += lowerLeading(w)
            } else {
                result += w.prefix(1).uppercased() + w.dropFirst()
            }
        }
        return prefixDigit(result)
    }

    static func lowerLeading(_ word: String) -> String {
        let chars = Array(word)
        var upperRun = 0
        while upperRun < chars.count, chars[upperRun].isUppercase { upperRun += 1 }
        if upperRun == 0 { return word }
        if upperRun == chars.count { return word.lowercased() }
        if upperRun == 1 { return chars[0].lowercased() + String(chars[1...]) }
        return String(chars[0..<(upperRun - 1)]).lowercased() + String(chars[(upperRun - 1)...])
    }

    static func prefixDigit(_ name: String) -> String {
        name.first?.isNumber == true ? "_" + name : name
    }

    /// An identifier ready to use in declarations, with backticks when it is a keyword.
    public static func escaped(_ name: String) -> String {
        keywords.contains(name) ? "`\(name)`" : name
    }
}
