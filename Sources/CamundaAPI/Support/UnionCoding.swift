import CamundaJSONEngine
import Foundation

/// How generated `oneOf` enums decode and encode.
///
/// Unions with a discriminator read its property and switch on the spec's `mapping` values; they
/// inject the value when encoding, so callers never type it. Unions without one pick the first case
/// whose JSON shape matches the payload, in spec order:
/// - a JSON string, integer, number, boolean or array matches a case of that kind (an integer also
///   matches a number case);
/// - an object matches an object case whose required keys are all present and whose known keys
///   include every key of the payload; failing that, the first object case whose required keys are
///   all present.
/// Anything else decodes as the enum's `undocumented` case, which keeps the payload unchanged.
public enum UnionCoding {
    /// The JSON shape of one union case.
    public enum Shape: Sendable, Hashable {
        case string, integer, number, boolean, array
        case object(required: Set<String>, known: Set<String>)

        /// Creates an object shape.
        public static func object(required: [String], known: [String]) -> Shape {
            .object(required: Set(required), known: Set(known))
        }
    }

    /// Reads the discriminator property; `nil` when it is missing or the payload is not an object.
    public static func discriminator(_ key: String, in decoder: any Decoder) throws -> String? {
        guard let container = try? decoder.container(keyedBy: AnyCodingKey.self) else { return nil }
        return try? container.decodeIfPresent(String.self, forKey: AnyCodingKey(key))
    }

    /// Encodes a variant and sets its discriminator property.
    public static func encode<T: Encodable>(_ value: T, tag: String, key: String, to encoder: any Encoder) throws {
        try value.encode(to: encoder)
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(tag, forKey: AnyCodingKey(key))
    }

    /// The index of the first shape the payload matches, or `nil`.
    public static func choose(_ shapes: [Shape], in decoder: any Decoder) throws -> Int? {
        // The SDK's decoder has the parsed node: only its kind and member names are needed.
        if let node = JSONNode.of(decoder) {
            switch node {
            case .string: return choose(shapes, for: .string(""))
            case .int: return choose(shapes, for: .int(0))
            case .double: return choose(shapes, for: .double(0))
            case .bool: return choose(shapes, for: .bool(false))
            case .array: return choose(shapes, for: .array([]))
            case .null: return choose(shapes, for: .null)
            case .object(let members): return choose(shapes, keys: Set(members.lazy.map(\.key)))
            }
        }
        let value = try JSONValue(from: decoder)
        return choose(shapes, for: value)
    }

    /// The index of the first shape `value` matches, or `nil`.
    public static func choose(_ shapes: [Shape], for value: JSONValue) -> Int? {
        switch value {
        case .string: return shapes.firstIndex(of: .string)
        case .int: return shapes.firstIndex(of: .integer) ?? shapes.firstIndex(of: .number)
        case .double: return shapes.firstIndex(of: .number)
        case .bool: return shapes.firstIndex(of: .boolean)
        case .array: return shapes.firstIndex(of: .array)
        case .null: return nil
        case .object(let members): return choose(shapes, keys: Set(members.keys))
        }
    }

    /// The index of the first object shape an object with these member names matches, or `nil`.
    static func choose(_ shapes: [Shape], keys: Set<String>) -> Int? {
        var fallback: Int?
        for (index, shape) in shapes.enumerated() {
            guard case .object(let required, let known) = shape, required.isSubset(of: keys) else { continue }
            if keys.isSubset(of: known) { return index }
            if fallback == nil { fallback = index }
        }
        return fallback
    }
}
