import Foundation

/// A type that `CamundaJSON.decode` can build straight from the parsed ``JSONNode`` tree, without
/// `Codable`'s per-member dispatch (containers, coding keys, coding paths).
///
/// The fast path is only an optimisation: ``decode(node:)`` returns `nil` for anything it does not
/// handle exactly as `init(from:)` would (a missing or `null` required member, a value of the wrong
/// kind, a union), and the caller then decodes the same tree with `Codable`, which either succeeds
/// the same way or throws the precise `DecodingError` with its coding path. When it returns a value,
/// the value equals what `init(from:)` gives for the same JSON (tested over every spec example).
///
/// Generated structs on the worker's hot path implement it member by member (the generator emits it
/// for those only: BENCHMARKS.md, issue 14); their enums, identifiers and unions, and the standard
/// types they use, conform through extensions (below, and in `CamundaAPI`).
package protocol NodeDecodable: Decodable {
    /// The value for `node`, or `nil` to send the caller to `init(from:)`.
    static func decode(node: JSONNode) -> Self?
}

extension NodeDecodable {
    /// Through `Codable` (unions and anything else without a fast path of its own).
    package static func decode(node: JSONNode) -> Self? {
        try? JSONValueDecoder.decode(Self.self, from: node, codingPath: [])
    }

    /// ``decode(node:)`` for a caller that knows the type only as `T` (which is `Self`; checked, once
    /// per response, rather than assumed).
    package static func decode<T>(node: JSONNode, as type: T.Type) -> T? {
        decode(node: node).flatMap { $0 as? T }
    }
}

/// The members of a JSON object, looked up by name the way the tree decoder does: by a scan that
/// starts after the member found last (models ask for their members in about the order servers
/// send them), comparing a cheap hash before the name.
package struct NodeObject {
    @usableFromInline let members: [JSONMember]
    @usableFromInline var cursor: Int

    @inlinable @inline(__always)
    package init?(_ node: JSONNode) {
        guard case .object(let members) = node else { return nil }
        self.members = members
        self.cursor = 0
    }

    @inlinable @inline(__always)
    package mutating func member(_ name: String) -> JSONNode? {
        JSONMember.find(name, in: members, cursor: &cursor)
    }

    /// A required member: `nil` when it is missing or does not decode (a `null` decodes only as `JSONValue`).
    @inlinable @inline(__always)
    package mutating func required<T: NodeDecodable>(_ name: String) -> T? {
        guard let node = member(name) else { return nil }
        return T.decode(node: node)
    }

    /// An optional member: `.some(nil)` when it is missing or `null` (as `decodeIfPresent`), `nil`
    /// when it is present and does not decode.
    @inlinable @inline(__always)
    package mutating func optional<T: NodeDecodable>(_ name: String) -> T?? {
        guard let node = member(name) else { return .some(nil) }
        if case .null = node { return .some(nil) }
        guard let value = T.decode(node: node) else { return nil }
        return .some(value)
    }
}

// MARK: Standard types, through `JSONValueDecoder`'s own conversions (so both paths agree by construction)

extension String: NodeDecodable {
    @inline(__always)
    package static func decode(node: JSONNode) -> String? { try? NodeConversion.string(node, []) }
}

extension Bool: NodeDecodable {
    @inline(__always)
    package static func decode(node: JSONNode) -> Bool? { try? NodeConversion.bool(node, []) }
}

/// Integers: exact values only, from integral numbers or from doubles that are whole and in range.
package protocol NodeDecodableInteger: NodeDecodable, FixedWidthInteger {}

extension NodeDecodableInteger {
    @inline(__always)
    package static func decode(node: JSONNode) -> Self? { try? NodeConversion.integer(Self.self, node, []) }
}

extension Int: NodeDecodableInteger {}
extension Int32: NodeDecodableInteger {}
extension Int64: NodeDecodableInteger {}

extension Double: NodeDecodable {
    @inline(__always)
    package static func decode(node: JSONNode) -> Double? { try? NodeConversion.floating(Double.self, node, []) }
}

extension Float: NodeDecodable {
    @inline(__always)
    package static func decode(node: JSONNode) -> Float? { try? NodeConversion.floating(Float.self, node, []) }
}

extension Date: NodeDecodable {
    package static func decode(node: JSONNode) -> Date? { try? JSONValueDecoder.special(Date.self, node, []) }
}

extension JSONValue: NodeDecodable {
    package static func decode(node: JSONNode) -> JSONValue? { node.jsonValue }
}

extension Array: NodeDecodable where Element: NodeDecodable {
    package static func decode(node: JSONNode) -> [Element]? {
        guard case .array(let elements) = node else { return nil }
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let value = Element.decode(node: element) else { return nil }
            result.append(value)
        }
        return result
    }
}

extension Dictionary: NodeDecodable where Key == String, Value: NodeDecodable {
    package static func decode(node: JSONNode) -> [String: Value]? {
        guard case .object(let members) = node else { return nil }
        if Value.self == JSONValue.self { return JSONNode.dictionary(members) as? [String: Value] }
        var result = [String: Value](minimumCapacity: members.count)
        for member in members {
            // The parser keeps only the first of repeated names, so every key is new here.
            guard let value = Value.decode(node: member.value) else { return nil }
            result[member.key] = value
        }
        return result
    }
}

/// `format: binary` inside a JSON body (a bundled spec's copy of a multipart schema): no fast path,
/// so the value goes through `Codable` (base64, as `JSONDecoder` does).
extension Data: NodeDecodable {
    package static func decode(node: JSONNode) -> Self? { nil }
}
