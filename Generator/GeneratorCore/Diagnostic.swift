/// An error or warning about the spec, with the file and line it concerns.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var mark: SourceMark
    /// A JSON pointer or schema name the diagnostic concerns, if any.
    public var context: String?
    public var message: String

    public init(severity: Severity = .error, mark: SourceMark, context: String? = nil, message: String) {
        self.severity = severity
        self.mark = mark
        self.context = context
        self.message = message
    }

    public var description: String {
        let where_ = context.map { " [\($0)]" } ?? ""
        return "\(mark): \(severity.rawValue):\(where_) \(message)"
    }
}
