/// A position in a source file, 1-based, for diagnostics.
public struct SourceMark: Hashable, Sendable, CustomStringConvertible {
    /// The file, relative to the spec folder (for example `jobs.yaml`).
    public var file: String
    /// The line, counting from 1.
    public var line: Int
    /// The column, counting from 1.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A YAML node that keeps mapping key order and source marks.
public struct YAMLNode: Sendable {
    public enum Kind: Sendable {
        /// A scalar: its text and whether it was plain (unquoted), which matters for typing.
        case scalar(String, plain: Bool)
        case mapping([(key: String, value: YAMLNode)])
        case sequence([YAMLNode])
    }

    public var kind: Kind
    public var mark: SourceMark

    public init(kind: Kind, mark: SourceMark) {
        self.kind = kind
        self.mark = mark
    }

    /// The value for `key` when this is a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = kind else { return nil }
        return pairs.first(where: { $0.key == key })?.value
    }

    /// Key/value pairs in document order, or nil when this is not a mapping.
    public var pairs: [(key: String, value: YAMLNode)]? {
        if case .mapping(let pairs) = kind { pairs } else { nil }
    }

    /// Elements, or nil when this is not a sequence.
    public var elements: [YAMLNode]? {
        if case .sequence(let elements) = kind { elements } else { nil }
    }

    /// The scalar text, or nil when this is not a scalar.
    public var scalar: String? {
        if case .scalar(let text, _) = kind { text } else { nil }
    }

    /// The scalar read as a YAML boolean, or nil.
    public var bool: Bool? {
        guard case .scalar(let text, let plain) = kind, plain else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// Whether the scalar is a plain `null` / `~` / empty.
    public var isNull: Bool {
        guard case .scalar(let text, let plain) = kind, plain else { return false }
        return text == "null" || text == "~" || text == "Null" || text == "NULL" || text.isEmpty
    }

    /// A short description of the node's kind, for diagnostics.
    public var kindName: String {
        switch kind {
        case .scalar: "scalar"
        case .mapping: "mapping"
        case .sequence: "sequence"
        }
    }
}
