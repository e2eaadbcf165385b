import Foundation

/// Any JSON value: the type of free-form payloads such as process `variables` and `customHeaders`.
///
/// Integers are kept exactly as `Int64` (the engine stores no more); every other number is a `Double`.
/// Literal conformances let you write payloads inline:
///
/// ```swift
/// let variables: [String: JSONValue] = ["result": "processed", "n": 1, "ok": true]
/// ```
///
/// Use ``decode(as:)`` and ``init(encoding:)`` to move between `JSONValue` and your own `Codable` types.
public enum JSONValue: Sendable, Hashable {
    /// JSON `null`.
    case null
    /// A JSON boolean.
    case bool(Bool)
    /// A JSON number without fraction or exponent that fits in `Int64`.
    case int(Int64)
    /// Any other JSON number.
    case double(Double)
    /// A JSON string.
    case string(String)
    /// A JSON array.
    case array([JSONValue])
    /// A JSON object.
    case object([String: JSONValue])
}

/// A JSON object with free-form members, such as process variables.
public typealias JSONObject = [String: JSONValue]

extension JSONValue: Codable {
    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        // The Decoder API cannot peek at the token type, and every failed attempt throws (and
        // allocates), so the attempts go in the order of how common each kind is in variables.
        if let tree = decoder as? JSONValueDecoder {
            self = tree.value
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([JSONValue].self))
        }
    }

    /// Encodes the value as the JSON it represents.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// Creates `null`.
    public init(nilLiteral: ()) { self = .null }
    /// Creates a boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// Creates an integer.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// Creates a floating-point number.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// Creates a string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// Creates an array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Creates an object; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue {
    /// Creates a JSON value from any `Encodable` value, using the SDK's JSON conventions
    /// (dates as RFC 3339 with milliseconds).
    ///
    /// - Throws: `EncodingError` when the value cannot be encoded.
    public init<T: Encodable>(encoding value: T) throws {
        if let json = value as? JSONValue {
            self = json
            return
        }
        let data = try CamundaJSON.encode(value)
        self = try CamundaJSON.decode(JSONValue.self, from: data)
    }

    /// Decodes this JSON value into a `Decodable` type.
    ///
    /// - Throws: `DecodingError` naming the coding path when the value does not match `T`.
    public func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
        if let same = self as? T { return same }
        return try CamundaJSON.decode(T.self, from: CamundaJSON.encode(self))
    }

    /// The string, when this is a string.
    public var stringValue: String? { if case .string(let v) = self { v } else { nil } }
    /// The integer, when this is an integer (or a double without fraction that fits).
    public var intValue: Int64? {
        switch self {
        case .int(let v): v
        case .double(let v): v.rounded() == v && abs(v) < 9.2e18 ? Int64(v) : nil
        default: nil
        }
    }
    /// The number as a `Double`, when this is a number.
    public var doubleValue: Double? {
        switch self {
        case .int(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }
    /// The boolean, when this is a boolean.
    public var boolValue: Bool? { if case .bool(let v) = self { v } else { nil } }
    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let v) = self { v } else { nil } }
    /// The members, when this is an object.
    public var objectValue: [String: JSONValue]? { if case .object(let v) = self { v } else { nil } }
    /// Whether this is `null`.
    public var isNull: Bool { self == .null }

    /// The member named `key`, when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { members[key] } else { nil }
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Decodes this JSON object (for example a job's `variables`) into a `Decodable` type.
    ///
    /// - Throws: `DecodingError` naming the coding path when the object does not match `T`.
    public func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try JSONValue.object(self).decode(as: T.self)
    }

    /// Creates a JSON object from an `Encodable` value that encodes as an object.
    ///
    /// - Throws: `EncodingError` when the value cannot be encoded or is not an object.
    public init<T: Encodable>(encoding value: T) throws {
        guard case .object(let members) = try JSONValue(encoding: value) else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "\(T.self) does not encode as a JSON object"))
        }
        self = members
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text of the value.
    public var description: String {
        (try? CamundaJSON.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "<invalid JSON>"
    }
}
