import CamundaJSONEngine
import Foundation

// The JSON engine's fast paths (`NodeDecodable`, `NodeEncodable`) for the standard types and the
// SDK's own value types that generated models on the worker's hot path have as members.
//
// They and the helpers the generated code calls (`NodeObject`, `EncodedObject.put`) are declared
// here, in the module of the generated code, rather than in the engine: the generated fast paths
// call them with concrete types, and only within one module are they specialised (for
// `[String: JSONValue]` the type check and cast fold away). Declared in the engine, the generic
// calls crossed the module boundary unspecialised (even marked `@inlinable`) and the fast path lost
// its gain (BENCHMARKS.md, issue 14). The engine keeps the protocols, which its `CamundaJSON.decode`
// and `encode` look up at run time.

// MARK: What the generated fast paths call

/// The members of a JSON object, looked up by name the way the tree decoder does: by a scan that
/// starts after the member found last (models ask for their members in about the order servers
/// send them), comparing a cheap hash before the name.
struct NodeObject {
    let members: [JSONMember]
    var cursor: Int

    @inline(__always)
    init?(_ node: JSONNode) {
        guard case .object(let members) = node else { return nil }
        self.members = members
        self.cursor = 0
    }

    @inline(__always)
    mutating func member(_ name: String) -> JSONNode? {
        JSONMember.find(name, in: members, cursor: &cursor)
    }

    /// A required member: `nil` when it is missing or does not decode (a `null` decodes only as `JSONValue`).
    @inline(__always)
    mutating func required<T: NodeDecodable>(_ name: String) -> T? {
        guard let node = member(name) else { return nil }
        return T.decode(node: node)
    }

    /// An optional member: `.some(nil)` when it is missing or `null` (as `decodeIfPresent`), `nil`
    /// when it is present and does not decode.
    @inline(__always)
    mutating func optional<T: NodeDecodable>(_ name: String) -> T?? {
        guard let node = member(name) else { return .some(nil) }
        if case .null = node { return .some(nil) }
        guard let value = T.decode(node: node) else { return nil }
        return .some(value)
    }
}

extension EncodedObject {
    /// Adds a member; `false` when the value has no fast form (the caller gives up the fast path).
    @inline(__always)
    func put<T: NodeEncodable>(_ key: String, _ value: T) -> Bool {
        guard let node = value.encodedNode() else { return false }
        members.append((key, node))
        return true
    }

    /// Adds a member unless the value is `nil` (as `encodeIfPresent` does).
    @inline(__always)
    func put<T: NodeEncodable>(_ key: String, _ value: T?) -> Bool {
        guard let value else { return true }
        return put(key, value)
    }
}

// MARK: The SDK's own value types

extension CamundaEnum where Self: NodeDecodable {
    @inline(__always)
    package static func decode(node: JSONNode) -> Self? {
        guard case .string(let text) = node else { return nil }
        return Self(rawValue: text)
    }
}

extension CamundaIdentifier where Self: NodeDecodable {
    @inline(__always)
    package static func decode(node: JSONNode) -> Self? {
        guard case .string(let text) = node else { return nil }
        return Self(rawValue: text)
    }
}

extension CamundaIntegerIdentifier where Self: NodeDecodable {
    @inline(__always)
    package static func decode(node: JSONNode) -> Self? {
        Int32.decode(node: node).map(Self.init(rawValue:))
    }
}

extension FilterProperty: NodeDecodable {}

extension DateUpdate: NodeDecodable {
    package static func decode(node: JSONNode) -> DateUpdate? {
        guard case .string(let text) = node else { return nil }
        return DateUpdate(wireText: text)
    }
}

extension CamundaEnum where Self: NodeEncodable {
    @inline(__always) package func encodedNode() -> EncodedNode? { .string(rawValue) }
}

extension CamundaIdentifier where Self: NodeEncodable {
    @inline(__always) package func encodedNode() -> EncodedNode? { .string(rawValue) }
}

extension CamundaIntegerIdentifier where Self: NodeEncodable {
    @inline(__always) package func encodedNode() -> EncodedNode? { .int(Int64(rawValue)) }
}

extension DateUpdate: NodeEncodable {
    package func encodedNode() -> EncodedNode? { .string(wireText) }
}

extension FilterProperty: NodeEncodable {}

// MARK: Standard types, through the decoder's own conversions (`NodeConversion`, so both paths agree by construction)

extension String: NodeDecodable {
    @inline(__always)
    package static func decode(node: JSONNode) -> String? { try? NodeConversion.string(node, []) }
}

extension Bool: NodeDecodable {
    @inline(__always)
    package static func decode(node: JSONNode) -> Bool? { try? NodeConversion.bool(node, []) }
}

/// Integers: exact values only, from integral numbers or from doubles that are whole and in range.
protocol NodeDecodableInteger: NodeDecodable, FixedWidthInteger {}

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
    package static func decode(node: JSONNode) -> Date? { NodeConversion.date(node) }
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

// MARK: Standard types, as `TreeEncoder.special` and its containers encode them (tested to give the same bytes)

extension String: NodeEncodable {
    @inline(__always) package func encodedNode() -> EncodedNode? { .string(self) }  // as `TreeEncoder.special`
}

extension Bool: NodeEncodable {
    @inline(__always) package func encodedNode() -> EncodedNode? { .bool(self) }
}

extension Int: NodeEncodable {
    @inline(__always) package func encodedNode() -> EncodedNode? { .int(Int64(self)) }
}

extension Int32: NodeEncodable {
    @inline(__always) package func encodedNode() -> EncodedNode? { .int(Int64(self)) }
}

extension Int64: NodeEncodable {
    @inline(__always) package func encodedNode() -> EncodedNode? { .int(self) }
}

extension Double: NodeEncodable {
    /// `nil` for a non-finite value: `Codable` then throws the error with its coding path.
    package func encodedNode() -> EncodedNode? { isFinite ? .double(self) : nil }
}

extension Float: NodeEncodable {
    package func encodedNode() -> EncodedNode? { isFinite ? .float(self) : nil }
}

extension Date: NodeEncodable {
    package func encodedNode() -> EncodedNode? { .string(CamundaJSON.formatDate(self)) }  // as `TreeEncoder.special`
}

extension JSONValue: NodeEncodable {
    package func encodedNode() -> EncodedNode? { .json(self) }  // as `TreeEncoder.special`
}

extension Array: NodeEncodable where Element: NodeEncodable {
    package func encodedNode() -> EncodedNode? {
        let array = EncodedArray()
        array.elements.reserveCapacity(count)
        for element in self {
            guard let node = element.encodedNode() else { return nil }
            array.elements.append(node)
        }
        return .array(array)
    }
}

extension Dictionary: NodeEncodable where Key == String, Value: NodeEncodable {
    package func encodedNode() -> EncodedNode? {
        if Value.self == JSONValue.self { return .json(.object(self as! [String: JSONValue])) }  // as `TreeEncoder.special`
        let object = EncodedObject()
        object.members.reserveCapacity(count)
        for (key, value) in self {
            guard let node = value.encodedNode() else { return nil }
            object.members.append((key, node))
        }
        return .object(object)
    }
}

/// `format: binary` inside a JSON body: encoded through `Codable` (the default `encodedNode()`).
extension Data: NodeEncodable {}
