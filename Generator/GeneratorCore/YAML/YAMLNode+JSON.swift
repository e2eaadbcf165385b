extension YAMLNode {
    /// The node as JSON text, typing plain scalars as YAML 1.2 core would (numbers, booleans, null);
    /// quoted scalars stay strings. Used for the spec's `example` values.
    public var jsonText: String {
        switch kind {
        case .scalar(let text, let plain):
            if plain {
                if isNull { return "null" }
                if let b = bool { return b ? "true" : "false" }
                if Int64(text) != nil { return text }
                if Double(text) != nil, text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }),
                    text.first.map({ $0.isNumber || $0 == "-" }) == true
                {
                    return text
                }
            }
            return Self.quote(text)
        case .sequence(let elements):
            return "[" + elements.map(\.jsonText).joined(separator: ",") + "]"
        case .mapping(let pairs):
            return "{" + pairs.map { Self.quote($0.key) + ":" + $0.value.jsonText }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string (control characters as `\uXXXX`).
    static func quote(_ s: String) -> String {
        StringEscaping.quoted(s) { "\\u" + String($0.value, radix: 16).leftPadded(4) }
    }
}

/// Quoting shared by the Swift renderer and the JSON writer: both escape the same characters and
/// differ only in how other control characters are spelled.
enum StringEscaping {
    static func quoted(_ s: String, control: (Unicode.Scalar) -> String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += control(scalar) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
