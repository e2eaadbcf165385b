import Foundation

/// A strict UTF-8 JSON parser that produces a ``JSONNode`` tree (or a ``JSONValue``) in one pass.
///
/// `CamundaJSON.decode` parses responses with it and then decodes the models from the tree, so
/// free-form members (`variables`, `customHeaders`) are taken as they are instead of going through
/// `Codable` value by value, which is what made job activations decode three times slower than
/// typed structs (`camunda-bench decode`).
enum JSONParser {
    /// Nesting deeper than this is rejected (as Foundation's decoder does) rather than risking the stack.
    static let maximumDepth = 512

    static func parse(_ data: Data) throws -> JSONValue {
        try parseNode(data).jsonValue
    }

    /// Parses the data into the decoding representation: objects stay ordered member lists (without
    /// repeated names: a repeated name keeps its first value), so no dictionary is built or hashed.
    static func parseNode(_ data: Data) throws -> JSONNode {
        try data.withUnsafeBytes { raw in
            var parser = Parser(bytes: raw.bindMemory(to: UInt8.self))
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.index == parser.bytes.count else { throw parser.error("unexpected data after the JSON value") }
            return value
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// Members of the objects being parsed (a stack shared by nested objects), so that each object's
        /// member array is created once at its final size instead of growing.
        var members: [JSONMember] = []
        /// Recently seen member names by a hash of their bytes: the names of a response's objects repeat,
        /// and reusing the `String` saves creating (and for names over 15 bytes, allocating) it again.
        var names = [String?](repeating: nil, count: 64)

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func error(_ message: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: [], debugDescription: "The given data was not valid JSON: \(message) at byte \(index)."))
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws -> JSONNode {
            guard index < bytes.count else { throw error("unexpected end of data") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
            case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw error("unexpected character '\(Unicode.Scalar(bytes[index]))'")
            }
        }

        mutating func expect(_ literal: StaticString) throws {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw error("unexpected end of data") }
            for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
                throw error("invalid literal")
            }
            index += count
        }

        mutating func parseObject(depth: Int) throws -> [JSONMember] {
            guard depth <= JSONParser.maximumDepth else { throw error("too deeply nested") }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return []
            }
            let base = members.count
            // One bit per name hash seen in this object: a name whose bit is clear cannot be a repeat.
            var seen: UInt64 = 0
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let (key, hash) = try parseName()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                // A repeated name keeps its first value, as Foundation's JSONDecoder does: later ones are dropped.
                let bit: UInt64 = 1 << UInt64(hash & 63)
                if seen & bit == 0 || !isRepeated(key, hash: hash, from: base) {
                    members.append(JSONMember(key: key, hash: hash, value: value))
                }
                seen |= bit
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of data in an object") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    break
                } else {
                    throw error("expected ',' or '}'")
                }
            }
            // Move the members off the stack (no retain and release of each), leaving trivial values to pop.
            let count = members.count - base
            let object = [JSONMember](unsafeUninitializedCapacity: count) { buffer, initialized in
                members.withUnsafeMutableBufferPointer { stack in
                    let source = stack.baseAddress! + base
                    buffer.baseAddress!.moveInitialize(from: source, count: count)
                    source.initialize(repeating: JSONMember(key: "", hash: 0, value: .null), count: count)
                }
                initialized = count
            }
            members.removeSubrange(base...)
            return object
        }

        /// Whether the object whose members start at `base` already has a member named `key`.
        func isRepeated(_ key: String, hash: UInt32, from base: Int) -> Bool {
            for position in base..<members.count where members[position].hash == hash && members[position].key == key {
                return true
            }
            return false
        }

        /// The string of UTF-8 bytes, `nil` when they are not valid UTF-8. ASCII (most JSON strings) takes
        /// `String(decoding:)`, which is specialised for buffers; `String(validating:)` is generic and
        /// costs a metadata lookup per call, so it only serves non-ASCII text.
        @inline(__always)
        static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
            var combined: UInt8 = 0
            for byte in bytes { combined |= byte }
            if combined < 0x80 { return String(decoding: bytes, as: UTF8.self) }
            return String(validating: bytes, as: UTF8.self)
        }

        /// A member name: names without escapes of up to 32 bytes are looked up in ``names`` first.
        /// Returns the name and its ``JSONMember/nameHash(_:)``.
        mutating func parseName() throws -> (String, UInt32) {
            let start = index + 1
            var end = start
            while end < bytes.count, end - start <= 32 {
                let byte = bytes[end]
                if byte == UInt8(ascii: "\"") { break }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return try slowName() }
                end += 1
            }
            let length = end - start
            guard end < bytes.count, bytes[end] == UInt8(ascii: "\""), length > 0 else { return try slowName() }
            let name = UnsafeBufferPointer(rebasing: bytes[start..<end])
            let hash = JSONMember.nameHash(name)
            let slot = Int(hash & 63)
            if var cached = names[slot], cached.utf8.count == length,
                cached.withUTF8({ memcmp($0.baseAddress!, name.baseAddress!, length) == 0 })
            {
                index = end + 1
                return (cached, hash)
            }
            guard let text = Self.string(name) else {
                index = start
                throw error("invalid UTF-8 in a string")
            }
            names[slot] = text
            index = end + 1
            return (text, hash)
        }

        /// A name with escapes, or empty, or longer than the names cached.
        mutating func slowName() throws -> (String, UInt32) {
            var text = try parseString()
            let hash = text.withUTF8 { JSONMember.nameHash($0) }
            return (text, hash)
        }

        mutating func parseArray(depth: Int) throws -> [JSONNode] {
            guard depth <= JSONParser.maximumDepth else { throw error("too deeply nested") }
            index += 1
            var elements: [JSONNode] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return elements
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of data in an array") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return elements
                } else {
                    throw error("expected ',' or ']'")
                }
            }
        }

        mutating func parseString() throws -> String {
            index += 1  // opening quote
            let start = index
            var simple = true
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    if simple {
                        let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                        index += 1
                        guard let text = Self.string(slice) else { throw error("invalid UTF-8 in a string") }
                        return text
                    }
                    break
                }
                if byte == UInt8(ascii: "\\") { simple = false; index += 2; continue }
                if byte < 0x20 { throw error("unescaped control character in a string") }
                index += 1
            }
            guard !simple else { throw error("unterminated string") }
            // Slow path: strings with escapes.
            index = start
            var scalars: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    guard let text = String(validating: scalars, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                    return text
                }
                if byte < 0x20 { throw error("unescaped control character in a string") }
                if byte != UInt8(ascii: "\\") {
                    scalars.append(byte)
                    index += 1
                    continue
                }
                guard index + 1 < bytes.count else { throw error("unterminated escape") }
                let escaped = bytes[index + 1]
                index += 2
                switch escaped {
                case UInt8(ascii: "\""): scalars.append(0x22)
                case UInt8(ascii: "\\"): scalars.append(0x5C)
                case UInt8(ascii: "/"): scalars.append(0x2F)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        else { throw error("unpaired surrogate") }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw error("unpaired surrogate")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                    scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw error("invalid escape")
                }
            }
            throw error("unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw error("invalid \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        mutating func parseNumber() throws -> JSONNode {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                throw error("invalid number")
            }
            if bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index + 1])
            {
                throw error("leading zero in a number")
            }
            // Fast path: an integer of up to 18 digits, read as it is scanned.
            let negative = bytes[start] == UInt8(ascii: "-")
            var magnitude: Int64 = 0
            let digitsStart = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10, index - digitsStart < 18 {
                magnitude = magnitude &* 10 &+ Int64(bytes[index] &- UInt8(ascii: "0"))
                index += 1
            }
            if index == bytes.count || !Self.continuesNumber(bytes[index]) {
                return .int(negative ? -magnitude : magnitude)
            }
            if let decimal = fastDecimal(negative: negative, integral: magnitude, digitsStart: digitsStart) { return decimal }
            index = digitsStart
            var integral = true
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): index += 1
                case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"):
                    integral = false
                    index += 1
                default:
                    return try makeNumber(start: start, integral: integral)
                }
            }
            return try makeNumber(start: start, integral: integral)
        }

        /// Powers of ten that a `Double` holds exactly.
        static let exactPowersOfTen: [Double] = (0...22).map { exponent in
            var power = 1.0
            for _ in 0..<exponent { power *= 10 }
            return power
        }

        /// A number of the form `-?digits.digits` (no exponent) with at most 15 significant digits in
        /// all, read in one pass from the byte after the integral digits (which the caller has read
        /// into `integral`); `nil`, with `index` where it was, for any other form. A fraction of zeros
        /// gives the integer; otherwise the value is the digits divided by a power of ten, both exact
        /// in a `Double`, so the one rounding of the division gives the correctly rounded result
        /// (Clinger's fast path), the same value `Double(text)` gives.
        @inline(__always)
        mutating func fastDecimal(negative: Bool, integral: Int64, digitsStart: Int) -> JSONNode? {
            let point = index
            guard bytes[point] == UInt8(ascii: "."), point - digitsStart <= 15 else { return nil }
            var cursor = point + 1
            var mantissa = integral
            var nonZeroFraction = false
            while cursor < bytes.count, bytes[cursor] &- UInt8(ascii: "0") < 10, cursor - digitsStart <= 15 {
                let digit = bytes[cursor] &- UInt8(ascii: "0")
                if digit != 0 { nonZeroFraction = true }
                mantissa = mantissa &* 10 &+ Int64(digit)
                cursor += 1
            }
            let fractionDigits = cursor - point - 1
            guard fractionDigits > 0, cursor == bytes.count || !Self.continuesNumber(bytes[cursor]) else { return nil }
            index = cursor
            if !nonZeroFraction { return .int(negative ? -integral : integral) }
            let value = Double(mantissa) / Self.exactPowersOfTen[fractionDigits]
            return .double(negative ? -value : value)
        }

        /// Whether a byte after digits belongs to the number (a digit, fraction, exponent or sign).
        @inline(__always)
        static func continuesNumber(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"),
                UInt8(ascii: "-"):
                true
            default: false
            }
        }

        func makeNumber(start: Int, integral: Bool) throws -> JSONNode {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if integral, let value = Int64(text) { return .int(value) }
            guard Self.isValidNumber(text), let value = Double(text), value.isFinite else { throw error("invalid number \(text)") }
            // An integral value written with a fraction or exponent (1.0, 1e3, 9007199254740.99e5) that fits
            // in Int64 stays an exact integer, computed from the decimal digits rather than the Double.
            if !integral, let exact = Self.exactInteger(text) { return .int(exact) }
            return .double(value)
        }

        /// The integer a valid JSON number denotes, when it is one and fits in Int64 (`nil` otherwise).
        static func exactInteger(_ text: String) -> Int64? {
            var mantissa = Substring(text)
            var exponent = 0
            if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                guard let value = Int(mantissa[mantissa.index(after: e)...]), abs(value) < 1_000 else { return nil }
                exponent = value
                mantissa = mantissa[..<e]
            }
            let negative = mantissa.first == "-"
            if negative { mantissa = mantissa.dropFirst() }
            let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let fraction = parts.count > 1 ? parts[1] : ""
            var digits = Array((parts[0] + fraction).utf8)
            var shift = exponent - fraction.count
            while shift < 0, digits.last == UInt8(ascii: "0") {
                digits.removeLast()
                shift += 1
            }
            guard shift >= 0 else { return nil }
            while digits.first == UInt8(ascii: "0") { digits.removeFirst() }
            guard digits.count + shift <= 19 else { return nil }
            var value: Int64 = 0
            for digit in digits + Array(repeating: UInt8(ascii: "0"), count: shift) {
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                value = sum
            }
            return negative ? -value : value
        }

        /// The JSON number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
        static func isValidNumber(_ text: String) -> Bool {
            var chars = Substring(text).utf8[...]
            if chars.first == UInt8(ascii: "-") { chars = chars.dropFirst() }
            let digits = chars.prefix { (48...57).contains($0) }
            guard !digits.isEmpty else { return false }
            chars = chars.dropFirst(digits.count)
            if chars.first == UInt8(ascii: ".") {
                chars = chars.dropFirst()
                let fraction = chars.prefix { (48...57).contains($0) }
                guard !fraction.isEmpty else { return false }
                chars = chars.dropFirst(fraction.count)
            }
            if chars.first == UInt8(ascii: "e") || chars.first == UInt8(ascii: "E") {
                chars = chars.dropFirst()
                if chars.first == UInt8(ascii: "+") || chars.first == UInt8(ascii: "-") { chars = chars.dropFirst() }
                let exponent = chars.prefix { (48...57).contains($0) }
                guard !exponent.isEmpty else { return false }
                chars = chars.dropFirst(exponent.count)
            }
            return chars.isEmpty
        }
    }
}
