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

extension NodeConversion {
    /// A date as the decoder reads it (RFC 3339, leniently), or `nil`.
    package static func date(_ node: JSONNode) -> Date? { try? JSONValueDecoder.special(Date.self, node, []) }
}
