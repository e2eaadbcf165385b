import Foundation

/// A type that `CamundaJSON.encode` can turn into the encoder's ``EncodedNode`` tree directly,
/// without `Codable`'s per-member dispatch; the tree is then written as for any other value.
///
/// As with ``NodeDecodable``, the fast path is only an optimisation: ``encodedNode()`` returns `nil`
/// for anything it does not produce exactly as `encode(to:)` would (a non-finite number), and the
/// caller then encodes the value with `Codable`, which gives the same bytes or the precise error.
/// The bytes are tested to be identical over every spec example.
package protocol NodeEncodable: Encodable {
    /// The value's encoded tree, or `nil` to encode it with `encode(to:)`.
    func encodedNode() -> EncodedNode?
}

extension NodeEncodable {
    /// Through `Codable` (unions and anything else without a fast path of its own).
    package func encodedNode() -> EncodedNode? {
        (try? TreeEncoder(parent: nil, key: nil).wrapTopLevel(self)) ?? nil
    }
}

extension EncodedObject {
    /// Adds a member; `false` when the value has no fast form (the caller gives up the fast path).
    @inlinable @inline(__always)
    package func put<T: NodeEncodable>(_ key: String, _ value: T) -> Bool {
        guard let node = value.encodedNode() else { return false }
        members.append((key, node))
        return true
    }

    /// Adds a member unless the value is `nil` (as `encodeIfPresent` does).
    @inlinable @inline(__always)
    package func put<T: NodeEncodable>(_ key: String, _ value: T?) -> Bool {
        guard let value else { return true }
        return put(key, value)
    }
}

// MARK: Standard types, through `TreeEncoder`'s own conversions (so both paths agree by construction)

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
    package func encodedNode() -> EncodedNode? { try? TreeEncoder.finite(self, []) }
}

extension Float: NodeEncodable {
    package func encodedNode() -> EncodedNode? { try? TreeEncoder.finite(self, []) }
}

extension Date: NodeEncodable {
    package func encodedNode() -> EncodedNode? { TreeEncoder.special(self) }
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

/// `format: binary` inside a JSON body: encoded through `Codable` (the default `encodedNode()`).
extension Data: NodeEncodable {}
