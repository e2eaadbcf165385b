import Foundation

/// A type that `CamundaJSON.encode` can turn into the encoder's ``EncodedNode`` tree directly,
/// without `Codable`'s per-member dispatch; the tree is then written as for any other value.
///
/// As with ``NodeDecodable``, the fast path is only an optimisation: ``encodedNode()`` returns `nil`
/// for anything it does not produce exactly as `encode(to:)` would (a non-finite number), and the
/// caller then encodes the value with `Codable`, which gives the same bytes or the precise error.
/// The bytes are tested to be identical over every spec example.
protocol NodeEncodable: Encodable {
    /// The value's encoded tree, or `nil` to encode it with `encode(to:)`.
    func encodedNode() -> EncodedNode?
}

extension NodeEncodable {
    /// Through `Codable` (unions and anything else without a fast path of its own).
    func encodedNode() -> EncodedNode? {
        (try? TreeEncoder(parent: nil, key: nil).wrapTopLevel(self)) ?? nil
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

// MARK: Standard types, through `TreeEncoder`'s own conversions (so both paths agree by construction)

extension String: NodeEncodable {
    @inline(__always) func encodedNode() -> EncodedNode? { TreeEncoder.special(self) }
}

extension Bool: NodeEncodable {
    @inline(__always) func encodedNode() -> EncodedNode? { .bool(self) }
}

extension Int: NodeEncodable {
    @inline(__always) func encodedNode() -> EncodedNode? { .int(Int64(self)) }
}

extension Int32: NodeEncodable {
    @inline(__always) func encodedNode() -> EncodedNode? { .int(Int64(self)) }
}

extension Int64: NodeEncodable {
    @inline(__always) func encodedNode() -> EncodedNode? { .int(self) }
}

extension Double: NodeEncodable {
    /// `nil` for a non-finite value: `Codable` then throws the error with its coding path.
    @inline(__always) func encodedNode() -> EncodedNode? { try? TreeEncoder.finite(self, []) }
}

extension Float: NodeEncodable {
    @inline(__always) func encodedNode() -> EncodedNode? { try? TreeEncoder.finite(self, []) }
}

extension Date: NodeEncodable {
    func encodedNode() -> EncodedNode? { TreeEncoder.special(self) }
}

extension JSONValue: NodeEncodable {
    @inline(__always) func encodedNode() -> EncodedNode? { TreeEncoder.special(self) }
}

extension Array: NodeEncodable where Element: NodeEncodable {
    func encodedNode() -> EncodedNode? {
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
    func encodedNode() -> EncodedNode? {
        if let node = TreeEncoder.special(self) { return node }  // [String: JSONValue]
        let object = EncodedObject()
        object.members.reserveCapacity(count)
        for (key, value) in self {
            guard let node = value.encodedNode() else { return nil }
            object.members.append((key, node))
        }
        return .object(object)
    }
}

extension CamundaEnum where Self: NodeEncodable {
    @inline(__always) func encodedNode() -> EncodedNode? { .string(rawValue) }
}

extension CamundaIdentifier where Self: NodeEncodable {
    @inline(__always) func encodedNode() -> EncodedNode? { .string(rawValue) }
}

extension CamundaIntegerIdentifier where Self: NodeEncodable {
    @inline(__always) func encodedNode() -> EncodedNode? { .int(Int64(rawValue)) }
}

extension DateUpdate: NodeEncodable {
    func encodedNode() -> EncodedNode? { .string(wireText) }
}

extension FilterProperty: NodeEncodable {}

/// `format: binary` inside a JSON body: encoded through `Codable` (the default `encodedNode()`).
extension Data: NodeEncodable {}
