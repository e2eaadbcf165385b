import Foundation

/// Decodes `Decodable` values from a parsed ``JSONNode`` tree, with the API's conventions (lenient
/// dates). `JSONValue` members are converted from their nodes, without per-value `Codable` work.
///
/// One decoder serves a whole decode: a member is decoded by pointing the decoder at it and pushing
/// its key onto the coding path, then restoring both. Decoding a member therefore allocates nothing
/// of its own (no decoder, no coding-path array, no boxed container), and coding paths are only
/// turned into arrays when an error needs one. The decoder is its own single-value container.
final class JSONValueDecoder: Decoder, SingleValueDecodingContainer {
    /// The node being decoded.
    private(set) var node: JSONNode
    /// Where the next keyed lookup starts its scan: after the member found last. Only a hint (it may
    /// belong to another object when containers interleave), saved and restored around each member.
    var cursor = 0
    /// The value being decoded, as a ``JSONValue``.
    var value: JSONValue { node.jsonValue }
    /// The coding path of `value`, as a stack that members push onto.
    private var path: [any CodingKey]

    var codingPath: [any CodingKey] { path }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(node: JSONNode, codingPath: [any CodingKey] = []) {
        self.node = node
        self.path = codingPath
    }

    static func decode<T: Decodable>(_ type: T.Type, from node: JSONNode, codingPath: [any CodingKey]) throws -> T {
        if isSpecial(T.self) { return try special(T.self, node, codingPath) }
        return try T(from: JSONValueDecoder(node: node, codingPath: codingPath))
    }

    /// Decodes `member` (at `extra + [key]` below the current path) as `T`.
    @inline(__always)
    func decodeMember<T: Decodable>(_ type: T.Type, _ member: JSONNode, extra: [any CodingKey], key: any CodingKey) throws -> T {
        if Self.isSpecial(T.self) { return try Self.special(T.self, member, self.path + extra + [key]) }
        let saved = node
        let savedCursor = cursor
        node = member
        if !extra.isEmpty { path.append(contentsOf: extra) }
        path.append(key)
        defer {
            path.removeLast(extra.count + 1)
            node = saved
            cursor = savedCursor
        }
        return try T(from: self)
    }

    /// Whether `T` is one of the types ``special(_:_:_:)`` decodes. (Checked apart, so that decoding
    /// other types needs no `Optional<T>` result, whose metadata unspecialised code looks up each time.)
    @inline(__always)
    static func isSpecial<T>(_ type: T.Type) -> Bool {
        T.self == String.self || T.self == JSONValue.self || T.self == [String: JSONValue].self || T.self == Date.self
            || T.self == Data.self || T.self == URL.self || T.self == Decimal.self
    }

    /// The value of the types with a JSON form of their own (and of `String` and `JSONValue`, which
    /// need no decoder); only for the types ``isSpecial(_:)`` accepts.
    @inline(__always)
    static func special<T: Decodable>(
        _ type: T.Type, _ value: JSONNode, _ codingPath: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        if T.self == String.self {
            guard case .string(let text) = value else { throw NodeConversion.mismatch(T.self, value, codingPath()) }
            return text as! T
        }
        if T.self == JSONValue.self { return value.jsonValue as! T }
        if T.self == [String: JSONValue].self {
            guard case .object(let members) = value else { throw NodeConversion.mismatch(T.self, value, codingPath()) }
            return JSONNode.dictionary(members) as! T
        }
        if T.self == Date.self {
            guard case .string(let text) = value else { throw NodeConversion.mismatch(T.self, value, codingPath()) }
            guard let date = CamundaJSON.parseDate(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: codingPath(), debugDescription: "Expected an RFC 3339 date-time, got \"\(text)\""))
            }
            return date as! T
        }
        // Foundation's JSONDecoder gives these three a JSON form of their own; so does this decoder.
        if T.self == Data.self {
            guard case .string(let text) = value else { throw NodeConversion.mismatch(T.self, value, codingPath()) }
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath(), debugDescription: "Encountered Data is not valid Base64."))
            }
            return data as! T
        }
        if T.self == URL.self {
            guard case .string(let text) = value else { throw NodeConversion.mismatch(T.self, value, codingPath()) }
            guard let url = URL(string: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath(), debugDescription: "Invalid URL string."))
            }
            return url as! T
        }
        precondition(T.self == Decimal.self, "not a special type")
        switch value {
        case .int(let number): return Decimal(number) as! T
        case .double(let number): return Decimal(number) as! T
        default: throw NodeConversion.mismatch(T.self, value, codingPath())
        }
    }

    // MARK: Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = node else { throw NodeConversion.mismatch([String: JSONValue].self, node, path) }
        cursor = 0
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, members: members, extra: []))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = node else { throw NodeConversion.mismatch([JSONValue].self, node, path) }
        return UnkeyedContainer(decoder: self, elements: elements, extra: [])
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: SingleValueDecodingContainer

    func decodeNil() -> Bool {
        if case .null = node { return true }
        return false
    }
    func decode(_ type: Bool.Type) throws -> Bool { try NodeConversion.bool(node, path) }
    func decode(_ type: String.Type) throws -> String { try NodeConversion.string(node, path) }
    func decode(_ type: Double.Type) throws -> Double { try NodeConversion.floating(type, node, path) }
    func decode(_ type: Float.Type) throws -> Float { try NodeConversion.floating(type, node, path) }
    func decode(_ type: Int.Type) throws -> Int { try NodeConversion.integer(type, node, path) }
    func decode(_ type: Int8.Type) throws -> Int8 { try NodeConversion.integer(type, node, path) }
    func decode(_ type: Int16.Type) throws -> Int16 { try NodeConversion.integer(type, node, path) }
    func decode(_ type: Int32.Type) throws -> Int32 { try NodeConversion.integer(type, node, path) }
    func decode(_ type: Int64.Type) throws -> Int64 { try NodeConversion.integer(type, node, path) }
    func decode(_ type: UInt.Type) throws -> UInt { try NodeConversion.integer(type, node, path) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try NodeConversion.integer(type, node, path) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try NodeConversion.integer(type, node, path) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try NodeConversion.integer(type, node, path) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try NodeConversion.integer(type, node, path) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if Self.isSpecial(T.self) { return try Self.special(T.self, node, path) }
        return try T(from: self)
    }

    struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    /// A keyed container. Its coding path is the decoder's current path plus `extra` (the keys of
    /// nested containers): members are decoded while the decoder is at the container's level.
    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: JSONValueDecoder
        let members: [JSONMember]
        let extra: [any CodingKey]

        var codingPath: [any CodingKey] { extra.isEmpty ? decoder.path : decoder.path + extra }
        var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }
        func contains(_ key: Key) -> Bool { find(key.stringValue) != nil }

        /// The member named `name`, found from the decoder's cursor (see ``JSONMember/find(_:in:cursor:)``).
        @inline(__always)
        func find(_ name: String) -> JSONNode? {
            JSONMember.find(name, in: members, cursor: &decoder.cursor)
        }

        func member(_ key: Key) throws -> JSONNode {
            guard let value = find(key.stringValue) else { throw keyNotFound(key) }
            return value
        }

        func keyNotFound(_ key: Key) -> DecodingError {
            DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "No value associated with key \"\(key.stringValue)\"."))
        }

        /// The member for `decodeIfPresent`: `nil` when it is missing or `null`.
        @inline(__always)
        func presentMember(_ key: Key) -> JSONNode? {
            guard let value = find(key.stringValue) else { return nil }
            if case .null = value { return nil }
            return value
        }

        func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

        func decodeNil(forKey key: Key) throws -> Bool {
            if case .null = try member(key) { return true }
            return false
        }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try NodeConversion.bool(member(key), path(key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try NodeConversion.string(member(key), path(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try NodeConversion.floating(type, member(key), path(key)) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try NodeConversion.floating(type, member(key), path(key)) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try NodeConversion.integer(type, member(key), path(key)) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try NodeConversion.integer(type, member(key), path(key)) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try NodeConversion.integer(type, member(key), path(key)) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try NodeConversion.integer(type, member(key), path(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try NodeConversion.integer(type, member(key), path(key)) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try NodeConversion.integer(type, member(key), path(key)) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try NodeConversion.integer(type, member(key), path(key)) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try NodeConversion.integer(type, member(key), path(key)) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try NodeConversion.integer(type, member(key), path(key)) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try NodeConversion.integer(type, member(key), path(key)) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try decoder.decodeMember(T.self, member(key), extra: extra, key: key)
        }

        // One lookup each, instead of the default's `contains`, `decodeNil` and `decode`.
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
            guard let value = presentMember(key) else { return nil }
            return try NodeConversion.bool(value, path(key))
        }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            guard let value = presentMember(key) else { return nil }
            return try NodeConversion.string(value, path(key))
        }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try presentFloating(type, key) }
        func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try presentFloating(type, key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try presentInteger(type, key) }
        func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try presentInteger(type, key) }
        func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try presentInteger(type, key) }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try presentInteger(type, key) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try presentInteger(type, key) }
        func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try presentInteger(type, key) }
        func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try presentInteger(type, key) }
        func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try presentInteger(type, key) }
        func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try presentInteger(type, key) }
        func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try presentInteger(type, key) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let value = presentMember(key) else { return nil }
            return try decoder.decodeMember(T.self, value, extra: extra, key: key)
        }

        @inline(__always)
        func presentInteger<T: FixedWidthInteger>(_ type: T.Type, _ key: Key) throws -> T? {
            guard let value = presentMember(key) else { return nil }
            return try NodeConversion.integer(type, value, path(key))
        }

        @inline(__always)
        func presentFloating<T: BinaryFloatingPoint>(_ type: T.Type, _ key: Key) throws -> T? {
            guard let value = presentMember(key) else { return nil }
            return try NodeConversion.floating(type, value, path(key))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            let value = try member(key)
            guard case .object(let nested) = value else { throw NodeConversion.mismatch([String: JSONValue].self, value, path(key)) }
            return KeyedDecodingContainer(KeyedContainer<NestedKey>(decoder: decoder, members: nested, extra: extra + [key]))
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            let value = try member(key)
            guard case .array(let elements) = value else { throw NodeConversion.mismatch([JSONValue].self, value, path(key)) }
            return UnkeyedContainer(decoder: decoder, elements: elements, extra: extra + [key])
        }
        func superDecoder() throws -> any Decoder {
            JSONValueDecoder(node: find("super") ?? .null, codingPath: codingPath + [AnyCodingKey("super")])
        }
        func superDecoder(forKey key: Key) throws -> any Decoder {
            JSONValueDecoder(node: find(key.stringValue) ?? .null, codingPath: path(key))
        }
    }

    /// An unkeyed container; its coding path works as ``KeyedContainer``'s does.
    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let decoder: JSONValueDecoder
        let elements: [JSONNode]
        let extra: [any CodingKey]
        var currentIndex = 0
        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }
        var codingPath: [any CodingKey] { extra.isEmpty ? decoder.path : decoder.path + extra }

        init(decoder: JSONValueDecoder, elements: [JSONNode], extra: [any CodingKey]) {
            self.decoder = decoder
            self.elements = elements
            self.extra = extra
        }

        /// The next element and its index; the index moves on even when decoding the element fails.
        @inline(__always)
        mutating func next(_ type: Any.Type) throws -> (JSONNode, Int) {
            guard currentIndex < elements.count else {
                throw DecodingError.valueNotFound(
                    type, .init(codingPath: codingPath + [IndexKey(currentIndex)], debugDescription: "Unkeyed container is at end."))
            }
            let index = currentIndex
            currentIndex += 1
            return (elements[index], index)
        }

        func path(_ index: Int) -> [any CodingKey] { codingPath + [IndexKey(index)] }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { return false }
            if case .null = elements[currentIndex] {
                currentIndex += 1
                return true
            }
            return false
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (value, index) = try next(T.self)
            return try decoder.decodeMember(T.self, value, extra: extra, key: IndexKey(index))
        }
        mutating func decode(_ type: Bool.Type) throws -> Bool {
            let (value, index) = try next(type)
            return try NodeConversion.bool(value, path(index))
        }
        mutating func decode(_ type: String.Type) throws -> String {
            let (value, index) = try next(type)
            return try NodeConversion.string(value, path(index))
        }
        mutating func decode(_ type: Int64.Type) throws -> Int64 {
            let (value, index) = try next(type)
            return try NodeConversion.integer(type, value, path(index))
        }
        mutating func decode(_ type: Int32.Type) throws -> Int32 {
            let (value, index) = try next(type)
            return try NodeConversion.integer(type, value, path(index))
        }
        mutating func decode(_ type: Int.Type) throws -> Int {
            let (value, index) = try next(type)
            return try NodeConversion.integer(type, value, path(index))
        }
        mutating func decode(_ type: Double.Type) throws -> Double {
            let (value, index) = try next(type)
            return try NodeConversion.floating(type, value, path(index))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let (value, index) = try next([String: JSONValue].self)
            guard case .object(let members) = value else { throw NodeConversion.mismatch([String: JSONValue].self, value, path(index)) }
            return KeyedDecodingContainer(KeyedContainer<NestedKey>(decoder: decoder, members: members, extra: extra + [IndexKey(index)]))
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let (value, index) = try next([JSONValue].self)
            guard case .array(let elements) = value else { throw NodeConversion.mismatch([JSONValue].self, value, path(index)) }
            return UnkeyedContainer(decoder: decoder, elements: elements, extra: extra + [IndexKey(index)])
        }
        mutating func superDecoder() throws -> any Decoder {
            let (value, index) = try next(JSONValue.self)
            return JSONValueDecoder(node: value, codingPath: path(index))
        }
    }
}

extension JSONNode {
    /// The node `decoder` decodes, when it is the SDK's decoder (unions look at its kind and member
    /// names to choose a case, without converting it).
    package static func of(_ decoder: any Decoder) -> JSONNode? {
        (decoder as? JSONValueDecoder)?.node
    }
}

/// The conversions of parsed values to Swift values that the decoder and the generated fast paths
/// share (so both paths agree by construction), with `Codable`'s errors.
package enum NodeConversion {
    package static func mismatch(_ type: Any.Type, _ value: JSONNode, _ codingPath: [any CodingKey]) -> DecodingError {
        let found: String
        switch value {
        case .null: found = "null"
        case .bool: found = "a boolean"
        case .int, .double: found = "a number"
        case .string: found = "a string"
        case .array: found = "an array"
        case .object: found = "an object"
        }
        if case .null = value {
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "Expected \(type) but found null instead."))
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Expected \(type) but found \(found) instead."))
    }

    @inlinable @inline(__always)
    package static func integer<T: FixedWidthInteger>(
        _ type: T.Type, _ value: JSONNode, _ codingPath: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        switch value {
        case .int(let number):
            guard let result = T(exactly: number) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath(), debugDescription: "Number \(number) does not fit in \(T.self)."))
            }
            return result
        case .double(let number):
            guard let result = T(exactly: number) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: codingPath(), debugDescription: "Number \(number) is not representable in \(T.self)."))
            }
            return result
        default: throw mismatch(T.self, value, codingPath())
        }
    }

    @inlinable @inline(__always)
    package static func floating<T: BinaryFloatingPoint>(
        _ type: T.Type, _ value: JSONNode, _ codingPath: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        switch value {
        case .int(let number): return T(number)
        case .double(let number): return T(number)
        default: throw mismatch(T.self, value, codingPath())
        }
    }

    @inlinable @inline(__always)
    package static func bool(_ value: JSONNode, _ codingPath: @autoclosure () -> [any CodingKey]) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self, value, codingPath()) }
        return flag
    }

    @inlinable @inline(__always)
    package static func string(_ value: JSONNode, _ codingPath: @autoclosure () -> [any CodingKey]) throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self, value, codingPath()) }
        return text
    }
}
