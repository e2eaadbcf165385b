import Foundation

/// A distinct, string-backed identifier type generated from an `x-semantic-type` of the spec,
/// such as ``JobKey`` or ``ProcessInstanceKey``.
///
/// Each identifier is its own nominal type, so a `ProcessInstanceKey` cannot be passed where a
/// `JobKey` is expected. On the wire it is a bare JSON string. Create one from a string with
/// `JobKey("2251799813685249")` or a literal.
public protocol CamundaIdentifier: RawRepresentable, Codable, Hashable, Sendable, Comparable,
    CustomStringConvertible, ExpressibleByStringLiteral
where RawValue == String {
    /// Creates the identifier from its raw string.
    init(rawValue: String)
}

extension CamundaIdentifier {
    /// Creates the identifier from its raw string.
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    /// Creates the identifier from a string literal.
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    /// Decodes the identifier from a bare JSON string.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }
    /// Encodes the identifier as a bare JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    /// The raw string.
    public var description: String { rawValue }
    /// Orders identifiers by their raw strings.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A distinct, integer-backed identifier type generated from an `x-semantic-type` of integer type.
public protocol CamundaIntegerIdentifier: RawRepresentable, Codable, Hashable, Sendable, Comparable,
    CustomStringConvertible, ExpressibleByIntegerLiteral
where RawValue == Int32, IntegerLiteralType == Int32 {
    /// Creates the identifier from its raw value.
    init(rawValue: Int32)
}

extension CamundaIntegerIdentifier {
    /// Creates the identifier from its raw value.
    public init(_ rawValue: Int32) { self.init(rawValue: rawValue) }
    /// Creates the identifier from an integer literal.
    public init(integerLiteral value: Int32) { self.init(rawValue: value) }
    /// Decodes the identifier from a bare JSON number.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(Int32.self))
    }
    /// Encodes the identifier as a bare JSON number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    /// The raw value as text.
    public var description: String { String(rawValue) }
    /// Orders identifiers by their raw values.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A string enumeration generated from the spec that tolerates values added by newer servers.
///
/// Every generated enum has a case per documented value and `undocumented(String)` for anything
/// else, so one new value never fails the decoding of a whole response.
public protocol CamundaEnum: RawRepresentable, Codable, Hashable, Sendable, CaseIterable,
    CustomStringConvertible, ExpressibleByStringLiteral
where RawValue == String {
    /// Creates the value from its wire string; unknown strings become the `undocumented` case.
    init(rawValue: String)
}

extension CamundaEnum {
    /// Creates the value from a string literal holding its wire value.
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    /// Decodes the value from a JSON string; unknown strings become the `undocumented` case.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }
    /// Encodes the wire string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    /// The wire string.
    public var description: String { rawValue }
}
