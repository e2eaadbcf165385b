import Foundation

/// A search filter on one field: either an exact value or an advanced filter object with operators
/// such as `$in`, `$like` or `$gt`.
///
/// The spec spells out 55 such unions (`StringFilterProperty`, `JobStateFilterProperty`, ...); the
/// generator maps each to this one generic type. Literals build the exact case:
///
/// ```swift
/// JobFilter(type: "payment", state: .exact(.failed))
/// JobFilter(state: .advanced(AdvancedJobStateFilter(in: [.failed, .errorThrown])))
/// ```
public enum FilterProperty<Value: Codable & Hashable & Sendable, Advanced: Codable & Hashable & Sendable>:
    Codable, Hashable, Sendable
{
    /// Matches the value exactly.
    case exact(Value)
    /// Matches with the operators of the advanced filter.
    case advanced(Advanced)

    /// Decodes by JSON token type: an object is an advanced filter, anything else an exact value.
    public init(from decoder: any Decoder) throws {
        if (try? decoder.container(keyedBy: AnyCodingKey.self)) != nil {
            self = .advanced(try Advanced(from: decoder))
        } else {
            self = .exact(try Value(from: decoder))
        }
    }

    /// Encodes the exact value or the advanced filter object.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .exact(let value): try value.encode(to: encoder)
        case .advanced(let filter): try filter.encode(to: encoder)
        }
    }
}

extension FilterProperty: ExpressibleByUnicodeScalarLiteral, ExpressibleByExtendedGraphemeClusterLiteral,
    ExpressibleByStringLiteral
where Value: ExpressibleByStringLiteral, Value.StringLiteralType == String {
    /// An exact match on a string literal.
    public init(stringLiteral value: String) { self = .exact(Value(stringLiteral: value)) }
    /// An exact match on a string literal.
    public init(unicodeScalarLiteral value: String) { self = .exact(Value(stringLiteral: value)) }
    /// An exact match on a string literal.
    public init(extendedGraphemeClusterLiteral value: String) { self = .exact(Value(stringLiteral: value)) }
}

extension FilterProperty: ExpressibleByIntegerLiteral
where Value: ExpressibleByIntegerLiteral {
    /// An exact match on an integer literal.
    public init(integerLiteral value: Value.IntegerLiteralType) { self = .exact(Value(integerLiteral: value)) }
}
