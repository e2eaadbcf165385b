import CamundaJSONEngine
import Foundation

// The JSON engine's fast paths (`NodeDecodable`, `NodeEncodable`) for the SDK's own value types,
// which generated models on the worker's hot path have as members.

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
