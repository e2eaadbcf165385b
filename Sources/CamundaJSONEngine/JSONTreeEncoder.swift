import Foundation

/// The SDK's JSON encoder: an `Encoder` that records the value as a light tree and writes it as
/// compact UTF-8 JSON, with the output of the Foundation `JSONEncoder` that
/// ``CamundaJSON/makeEncoder()`` configures (`.sortedKeys`, `.withoutEscapingSlashes`, dates as
/// RFC 3339 with milliseconds) at a fraction of its cost.
///
/// - Keys are sorted by their UTF-8 bytes, which is what `.sortedKeys` does in swift-foundation
///   (Linux, and Apple platforms for apps built with current SDKs); a key encoded twice keeps its
///   last value.
/// - Strings escape `"`, `\` and control characters (`\b \f \n \r \t`, others as `\u00xx`); `/`
///   and non-ASCII characters are written as they are.
/// - Doubles and floats are written as their `description` without a trailing `.0`, as
///   `JSONEncoder` writes them; non-finite ones throw `EncodingError.invalidValue`.
/// - `Date` is RFC 3339 with milliseconds, `Data` base64, `URL` its absolute string, `Decimal`
///   its description; `JSONValue` and `[String: JSONValue]` are written without going through
///   `Codable` element by element.
/// - A value that encodes nothing is `{}` (an error at the top level), as with `JSONEncoder`.
enum JSONTreeEncoder {
    /// Encodes a value with the API's conventions.
    ///
    /// The generated models of the worker's hot path (activation, completion, failure, error
    /// requests) build their tree directly (``NodeEncodable``); anything else, and anything that
    /// path does not take, is encoded through `Codable`, which also produces the error.
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        if let data = fastEncode(value) { return data }
        return try codableEncode(value)
    }

    /// The bytes through the generated fast path alone; `nil` when `T` has none or it does not apply.
    static func fastEncode<T: Encodable>(_ value: T) -> Data? {
        guard let fast = value as? any NodeEncodable, let node = fast.encodedNode() else { return nil }
        var writer = JSONTreeWriter()
        guard (try? writer.write(node, depth: 0)) != nil else { return nil }
        return Data(writer.bytes)
    }

    /// The bytes through `Codable` alone.
    static func codableEncode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = TreeEncoder(parent: nil, key: nil)
        guard let node = try encoder.wrapTopLevel(value) else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        var writer = JSONTreeWriter()
        do {
            try writer.write(node, depth: 0)
        } catch let error as NonFiniteNumber {
            throw EncodingError.invalidValue(
                error.value, .init(codingPath: error.reversedPath.reversed(), debugDescription: error.description))
        } catch is TooDeep {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "Unable to encode the given top-level value to JSON."))
        }
        return Data(writer.bytes)
    }
}

/// One encoded value.
package enum EncodedNode {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    /// A finite double.
    case double(Double)
    /// A finite float.
    case float(Float)
    case string(String)
    /// A number written verbatim (a `Decimal`'s description).
    case number(String)
    case json(JSONValue)
    case array(EncodedArray)
    case object(EncodedObject)
    /// The value a `superEncoder()` will hold once its user has encoded into it.
    case deferred(Deferred)

    /// The encoder behind a `superEncoder()`.
    package struct Deferred {
        let encoder: TreeEncoder
    }
}

package final class EncodedArray {
    package var elements: [EncodedNode] = []

    package init() {}
}

package final class EncodedObject {
    /// Members in encoding order; a repeated key keeps its last value when written.
    package var members: [(key: String, value: EncodedNode)] = []

    package init() {}

    init(_ dictionary: [String: JSONValue]) {
        members.reserveCapacity(dictionary.count)
        for (key, value) in dictionary { members.append((key, .json(value))) }
    }

    /// The last member named `key`, if any.
    func last(_ key: String) -> EncodedNode? {
        var index = members.count
        while index > 0 {
            index -= 1
            if members[index].key == key { return members[index].value }
        }
        return nil
    }
}

/// A coding key for array positions and for paths rebuilt while writing.
struct PathKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(index: Int) {
        stringValue = "Index \(index)"
        intValue = index
    }
    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }
    init?(intValue: Int) { self.init(index: intValue) }
}

/// Thrown by the writer for a non-finite number inside a `JSONValue`; carries the path as it unwinds.
struct NonFiniteNumber: Error {
    let value: Double
    var reversedPath: [any CodingKey]
    var description: String { "Unable to encode Double.\(value) directly in JSON." }
}

struct TooDeep: Error {}

final class TreeEncoder: Encoder, SingleValueEncodingContainer {
    /// The encoded value: `nil` until something is encoded.
    var value: EncodedNode?
    /// The encoder this one encodes a member of (its path is the prefix of this one's).
    var parent: TreeEncoder?
    /// The path of the parent for encoders not linked to one (`superEncoder()`).
    var basePath: [any CodingKey] = []
    /// Keys of nested containers between the parent and `key`.
    var suffix: [any CodingKey] = []
    var key: (any CodingKey)?
    /// An encoder for members, reused when no one kept a reference to it.
    var spare: TreeEncoder?

    init(parent: TreeEncoder?, key: (any CodingKey)?) {
        self.parent = parent
        self.key = key
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var codingPath: [any CodingKey] {
        var path = parent?.codingPath ?? basePath
        path += suffix
        if let key { path.append(key) }
        return path
    }

    func path(_ suffix: [any CodingKey], _ key: (any CodingKey)?) -> [any CodingKey] {
        var path = codingPath + suffix
        if let key { path.append(key) }
        return path
    }

    // MARK: Containers

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(TreeKeyedContainer<Key>(encoder: self, object: objectStorage(), suffix: []))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        TreeUnkeyedContainer(encoder: self, array: arrayStorage(), suffix: [])
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    /// The object this encoder holds, created (or taken over from an encoded `JSONValue` object) if needed.
    func objectStorage() -> EncodedObject {
        switch value {
        case .object(let object)?: return object
        case .json(.object(let members))?:
            let object = EncodedObject(members)
            value = .object(object)
            return object
        default:
            let object = EncodedObject()
            value = .object(object)
            return object
        }
    }

    func arrayStorage() -> EncodedArray {
        switch value {
        case .array(let array)?: return array
        case .json(.array(let elements))?:
            let array = EncodedArray()
            array.elements = elements.map { .json($0) }
            value = .array(array)
            return array
        default:
            let array = EncodedArray()
            value = .array(array)
            return array
        }
    }

    // MARK: Values

    static func finite(_ number: Double, _ path: @autoclosure () -> [any CodingKey]) throws -> EncodedNode {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: path(), debugDescription: "Unable to encode Double.\(number) directly in JSON."))
        }
        return .double(number)
    }

    static func finite(_ number: Float, _ path: @autoclosure () -> [any CodingKey]) throws -> EncodedNode {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: path(), debugDescription: "Unable to encode Float.\(number) directly in JSON."))
        }
        return .float(number)
    }

    /// The node of a value with a JSON form of its own, or `nil` for values that encode themselves.
    /// (`as!` after the type check: a checked cast, which specialised code folds away.)
    @inline(__always)
    static func special<T: Encodable>(_ value: T) -> EncodedNode? {
        if T.self == String.self { return .string(value as! String) }
        if T.self == JSONValue.self { return .json(value as! JSONValue) }
        if T.self == [String: JSONValue].self { return .json(.object(value as! [String: JSONValue])) }
        if T.self == Date.self { return .string(CamundaJSON.formatDate(value as! Date)) }
        if T.self == Data.self { return .string((value as! Data).base64EncodedString()) }
        if T.self == URL.self { return .string((value as! URL).absoluteString) }
        if T.self == Decimal.self { return .number((value as! Decimal).description) }
        return nil
    }

    /// The node of a member value, encoded by a member encoder when it has no JSON form of its own.
    func wrap<T: Encodable>(_ value: T, suffix: [any CodingKey], key: any CodingKey) throws -> EncodedNode {
        if let node = Self.special(value) { return node }
        var member: TreeEncoder
        if let reused = spare {
            spare = nil
            member = reused
            member.parent = self
            member.key = key
        } else {
            member = TreeEncoder(parent: self, key: key)
        }
        member.suffix = suffix
        try value.encode(to: member)
        let node = member.value ?? .object(EncodedObject())
        member.value = nil
        member.parent = nil
        if isKnownUniquelyReferenced(&member) { spare = member }
        return node
    }

    /// The node of the top-level value; `nil` when it encodes nothing.
    func wrapTopLevel<T: Encodable>(_ value: T) throws -> EncodedNode? {
        if let node = Self.special(value) { return node }
        try value.encode(to: self)
        return self.value
    }

    /// An encoder whose value is written where `superEncoder()` was asked for.
    func superEncoder(suffix: [any CodingKey], key: any CodingKey) -> TreeEncoder {
        let encoder = TreeEncoder(parent: nil, key: key)
        encoder.basePath = codingPath + suffix
        return encoder
    }

    // MARK: SingleValueEncodingContainer

    func encodeNil() throws { value = .null }
    func encode(_ value: Bool) throws { self.value = .bool(value) }
    func encode(_ value: String) throws { self.value = .string(value) }
    func encode(_ value: Double) throws { self.value = try Self.finite(value, self.codingPath) }
    func encode(_ value: Float) throws { self.value = try Self.finite(value, self.codingPath) }
    func encode(_ value: Int) throws { self.value = .int(Int64(value)) }
    func encode(_ value: Int8) throws { self.value = .int(Int64(value)) }
    func encode(_ value: Int16) throws { self.value = .int(Int64(value)) }
    func encode(_ value: Int32) throws { self.value = .int(Int64(value)) }
    func encode(_ value: Int64) throws { self.value = .int(value) }
    func encode(_ value: UInt) throws { self.value = .uint(UInt64(value)) }
    func encode(_ value: UInt8) throws { self.value = .uint(UInt64(value)) }
    func encode(_ value: UInt16) throws { self.value = .uint(UInt64(value)) }
    func encode(_ value: UInt32) throws { self.value = .uint(UInt64(value)) }
    func encode(_ value: UInt64) throws { self.value = .uint(value) }
    func encode<T: Encodable>(_ value: T) throws {
        if let node = Self.special(value) {
            self.value = node
            return
        }
        self.value = nil
        try value.encode(to: self)
        if self.value == nil { self.value = .object(EncodedObject()) }
    }
}

struct TreeKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: TreeEncoder
    let object: EncodedObject
    let suffix: [any CodingKey]

    var codingPath: [any CodingKey] { encoder.codingPath + suffix }

    @inline(__always)
    func add(_ node: EncodedNode, _ key: Key) { object.members.append((key.stringValue, node)) }

    mutating func encodeNil(forKey key: Key) throws { add(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { add(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { add(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { add(try TreeEncoder.finite(value, encoder.path(suffix, key)), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { add(try TreeEncoder.finite(value, encoder.path(suffix, key)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { add(.int(Int64(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { add(.int(Int64(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { add(.int(Int64(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { add(.int(Int64(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { add(.int(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { add(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { add(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { add(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { add(.uint(UInt64(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { add(.uint(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        add(try encoder.wrap(value, suffix: suffix, key: key), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested: EncodedObject
        if case .object(let existing)? = object.last(key.stringValue) {
            nested = existing
        } else {
            nested = EncodedObject()
            add(.object(nested), key)
        }
        return KeyedEncodingContainer(TreeKeyedContainer<NestedKey>(encoder: encoder, object: nested, suffix: suffix + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested: EncodedArray
        if case .array(let existing)? = object.last(key.stringValue) {
            nested = existing
        } else {
            nested = EncodedArray()
            add(.array(nested), key)
        }
        return TreeUnkeyedContainer(encoder: encoder, array: nested, suffix: suffix + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let key = PathKey(stringValue: "super")
        let sub = encoder.superEncoder(suffix: suffix, key: key)
        object.members.append((key.stringValue, .deferred(.init(encoder: sub))))
        return sub
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let sub = encoder.superEncoder(suffix: suffix, key: key)
        add(.deferred(.init(encoder: sub)), key)
        return sub
    }
}

struct TreeUnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: TreeEncoder
    let array: EncodedArray
    let suffix: [any CodingKey]

    var codingPath: [any CodingKey] { encoder.codingPath + suffix }
    var count: Int { array.elements.count }

    @inline(__always)
    func add(_ node: EncodedNode) { array.elements.append(node) }

    mutating func encodeNil() throws { add(.null) }
    mutating func encode(_ value: Bool) throws { add(.bool(value)) }
    mutating func encode(_ value: String) throws { add(.string(value)) }
    mutating func encode(_ value: Double) throws { add(try TreeEncoder.finite(value, encoder.path(suffix, PathKey(index: count)))) }
    mutating func encode(_ value: Float) throws { add(try TreeEncoder.finite(value, encoder.path(suffix, PathKey(index: count)))) }
    mutating func encode(_ value: Int) throws { add(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { add(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { add(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { add(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { add(.int(value)) }
    mutating func encode(_ value: UInt) throws { add(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { add(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { add(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { add(.uint(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { add(.uint(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        add(try encoder.wrap(value, suffix: suffix, key: PathKey(index: count)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = EncodedObject()
        let key = PathKey(index: count)
        add(.object(nested))
        return KeyedEncodingContainer(TreeKeyedContainer<NestedKey>(encoder: encoder, object: nested, suffix: suffix + [key]))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = EncodedArray()
        let key = PathKey(index: count)
        add(.array(nested))
        return TreeUnkeyedContainer(encoder: encoder, array: nested, suffix: suffix + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let sub = encoder.superEncoder(suffix: suffix, key: PathKey(index: count))
        add(.deferred(.init(encoder: sub)))
        return sub
    }
}

/// Writes encoded nodes as compact JSON.
struct JSONTreeWriter {
    /// Containers nested this deep are rejected, as `JSONEncoder` rejects them.
    static let maximumDepth = 512

    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(256) }

    mutating func write(_ node: EncodedNode, depth: Int) throws {
        switch node {
        case .null: append("null")
        case .bool(let flag): flag ? append("true") : append("false")
        case .int(let number): writeInteger(number)
        case .uint(let number): writeUnsigned(number, negative: false)
        case .double(let number): writeFloating(number.description)
        case .float(let number): writeFloating(number.description)
        case .string(let text): writeString(text)
        case .number(let text): bytes.append(contentsOf: text.utf8)
        case .json(let value): try write(value, depth: depth)
        case .deferred(let deferred): try write(deferred.encoder.value ?? .object(EncodedObject()), depth: depth)
        case .array(let array):
            try writeArray(array.elements, depth: depth) { try $0.write($1, depth: depth + 1) }
        case .object(let object):
            guard depth + 1 < Self.maximumDepth else { throw TooDeep() }
            try writeMembers(object.members, depth: depth + 1)
        }
    }

    mutating func write(_ value: JSONValue, depth: Int) throws {
        switch value {
        case .null: append("null")
        case .bool(let flag): flag ? append("true") : append("false")
        case .int(let number): writeInteger(number)
        case .double(let number):
            guard number.isFinite else { throw NonFiniteNumber(value: number, reversedPath: []) }
            writeFloating(number.description)
        case .string(let text): writeString(text)
        case .array(let elements):
            try writeArray(elements, depth: depth) { try $0.write($1, depth: depth + 1) }
        case .object(let members):
            guard depth + 1 < Self.maximumDepth else { throw TooDeep() }
            bytes.append(UInt8(ascii: "{"))
            if members.count == 1, let (key, member) = members.first {
                try writeMember(key, member, first: true, depth: depth + 1)
            } else if !members.isEmpty {
                let sorted = members.sorted { Self.precedes($0.key, $1.key) }
                for (index, (key, member)) in sorted.enumerated() {
                    try writeMember(key, member, first: index == 0, depth: depth + 1)
                }
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Writes `[...]`, naming the index in the path of a non-finite number below it.
    @inline(__always)
    private mutating func writeArray<Elements: Collection>(
        _ elements: Elements, depth: Int, _ writeElement: (inout Self, Elements.Element) throws -> Void
    ) throws {
        guard depth + 1 < Self.maximumDepth else { throw TooDeep() }
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            do {
                try writeElement(&self, element)
            } catch var error as NonFiniteNumber {
                error.reversedPath.append(PathKey(index: index))
                throw error
            }
        }
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func writeMember(_ key: String, _ value: JSONValue, first: Bool, depth: Int) throws {
        try writeMember(key, first: first) { try $0.write(value, depth: depth) }
    }

    /// Writes `,"key":` and the value, naming the key in the path of a non-finite number below it.
    @inline(__always)
    private mutating func writeMember(_ key: String, first: Bool, _ writeValue: (inout Self) throws -> Void) throws {
        if !first { bytes.append(UInt8(ascii: ",")) }
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
        do {
            try writeValue(&self)
        } catch var error as NonFiniteNumber {
            error.reversedPath.append(PathKey(stringValue: key))
            throw error
        }
    }

    /// Writes the members of an encoded object in key order, each key once with its last value.
    private mutating func writeMembers(_ members: [(key: String, value: EncodedNode)], depth: Int) throws {
        bytes.append(UInt8(ascii: "{"))
        if members.count == 1 {
            try writeMember(members[0].key, members[0].value, first: true, depth: depth)
        } else if !members.isEmpty {
            // Sort positions by key, then by position, so the last of equal keys comes last.
            let order = members.indices.sorted { lhs, rhs in
                let order = Self.compare(members[lhs].key, members[rhs].key)
                return order < 0 || (order == 0 && lhs < rhs)
            }
            var first = true
            for (rank, index) in order.enumerated() {
                if rank + 1 < order.count, members[order[rank + 1]].key == members[index].key { continue }
                try writeMember(members[index].key, members[index].value, first: first, depth: depth)
                first = false
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeMember(_ key: String, _ value: EncodedNode, first: Bool, depth: Int) throws {
        try writeMember(key, first: first) { try $0.write(value, depth: depth) }
    }

    /// Whether `lhs` sorts before `rhs` by UTF-8 bytes.
    @inline(__always)
    static func precedes(_ lhs: String, _ rhs: String) -> Bool { compare(lhs, rhs) < 0 }

    /// Compares two strings by their UTF-8 bytes: negative, zero or positive.
    static func compare(_ lhs: String, _ rhs: String) -> Int {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                let common = min(left.count, right.count)
                if common > 0 {
                    let order = memcmp(left.baseAddress!, right.baseAddress!, common)
                    if order != 0 { return Int(order) }
                }
                return left.count - right.count
            }
        }
    }

    @inline(__always)
    mutating func append(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Writes a double's or float's description without a trailing `.0`, as `JSONEncoder` does.
    mutating func writeFloating(_ description: String) {
        var text = description
        text.withUTF8 { utf8 in
            var count = utf8.count
            if count >= 2, utf8[count - 2] == UInt8(ascii: "."), utf8[count - 1] == UInt8(ascii: "0") { count -= 2 }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[0..<count]))
        }
    }

    mutating func writeInteger(_ number: Int64) {
        writeUnsigned(number.magnitude, negative: number < 0)
    }

    mutating func writeUnsigned(_ magnitude: UInt64, negative: Bool) {
        if negative { bytes.append(UInt8(ascii: "-")) }
        if magnitude < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(magnitude))
            return
        }
        // Up to 20 digits, written backwards into a small buffer.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var position = 20
            var rest = magnitude
            while rest > 0 {
                let (quotient, digit) = rest.quotientAndRemainder(dividingBy: 10)
                position -= 1
                buffer[position] = UInt8(ascii: "0") &+ UInt8(digit)
                rest = quotient
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[position..<20]))
        }
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if index > start { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(UInt8(ascii: "u"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(UInt8(ascii: "0"))
                    bytes.append(Self.hexDigits.utf8Start[Int(byte >> 4)])
                    bytes.append(Self.hexDigits.utf8Start[Int(byte & 0x0F)])
                }
            }
            if utf8.count > start { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
