/// The parsed form of JSON that `CamundaJSON.decode` decodes models from.
///
/// Unlike ``JSONValue``, an object is the ordered list of its members rather than a dictionary: the
/// parser builds no dictionary and the decoder hashes no key, it finds members by a scan that starts
/// after the last member found (models ask for their members in about the order servers send them).
/// Only where a ``JSONValue`` (or `[String: JSONValue]`) is asked for, such as free-form `variables`,
/// is the node converted. The parser drops repeated names, so every name in an object is unique and
/// the member kept is the first.
package enum JSONNode {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONNode])
    case object([JSONMember])

    /// The node as a ``JSONValue``.
    package var jsonValue: JSONValue {
        switch self {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .array(let elements): .array(elements.map(\.jsonValue))
        case .object(let members): .object(Self.dictionary(members))
        }
    }

    /// The members as a dictionary; a repeated name (which the parser never produces) keeps its first value.
    package static func dictionary(_ members: [JSONMember]) -> [String: JSONValue] {
        var object = [String: JSONValue](minimumCapacity: members.count)
        for member in members {
            if let first = object.updateValue(member.value.jsonValue, forKey: member.key) { object[member.key] = first }
        }
        return object
    }
}

/// A member of a JSON object, with a cheap hash of its name that lookups compare before the name.
package struct JSONMember {
    package let key: String
    package let hash: UInt32
    package let value: JSONNode

    @inlinable
    package init(key: String, hash: UInt32, value: JSONNode) {
        self.key = key
        self.hash = hash
        self.value = value
    }

    /// A cheap hash of a name's UTF-8 bytes (its length and three of its bytes).
    @inlinable @inline(__always)
    package static func nameHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let length = bytes.count
        guard length > 0 else { return 0 }
        return UInt32(truncatingIfNeeded: length) &* 31 &+ UInt32(bytes[0]) &* 7 &+ UInt32(bytes[length - 1]) &* 13
            &+ UInt32(bytes[length / 2])
    }

    /// The hash of a name.
    @inlinable @inline(__always)
    package static func nameHash(_ name: String) -> UInt32 {
        var name = name
        return name.withUTF8 { nameHash($0) }
    }
}

extension JSONMember {
    /// The member named `name` (names are unique, see ``JSONNode``): a scan from `cursor` to the end
    /// and then from the start, comparing name hashes before names; `cursor` moves past the member
    /// found, where the next lookup of a model's members most likely succeeds at once.
    @inlinable @inline(__always)
    package static func find(_ name: String, in members: [JSONMember], cursor: inout Int) -> JSONNode? {
        let hash = nameHash(name)
        let count = members.count
        let start = min(cursor, count)
        return members.withUnsafeBufferPointer { members in
            var position = start
            while position < count {
                if members[position].hash == hash, members[position].key == name {
                    cursor = position + 1
                    return members[position].value
                }
                position += 1
            }
            position = 0
            while position < start {
                if members[position].hash == hash, members[position].key == name {
                    cursor = position + 1
                    return members[position].value
                }
                position += 1
            }
            return nil
        }
    }
}
