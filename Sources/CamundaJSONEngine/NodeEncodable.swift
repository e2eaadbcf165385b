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
