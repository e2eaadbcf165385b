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

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(scalar.value, radix: 16).leftPadded(4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
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
