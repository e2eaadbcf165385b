import Foundation

/// The JSON conventions of the Camunda REST API: how the SDK encodes requests and decodes responses.
///
/// Dates are decoded leniently (fractional or whole seconds; `Z`, `+00:00` or `+0000`) and encoded
/// as RFC 3339 with milliseconds in UTC, which is what the server sends.
public enum CamundaJSON {
    /// A new encoder configured with the API's conventions.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatDate(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A new decoder configured with the API's conventions.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseDate(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "Expected an RFC 3339 date-time, got \"\(text)\"")
            }
            return date
        }
        return decoder
    }

    /// Encodes a value with the API's conventions.
    ///
    /// The output is the same as that of the encoder ``makeEncoder()`` returns (compact, keys sorted
    /// by their UTF-8 bytes, `/` not escaped), written by the SDK's own encoder, which is several
    /// times faster than `JSONEncoder`.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try JSONTreeEncoder.encode(value)
    }

    /// Decodes a value with the API's conventions.
    ///
    /// The data is parsed once into a tree whose objects are ordered member lists and the value decoded
    /// from it; free-form members such as `variables` are converted from the tree to ``JSONValue``
    /// directly. A repeated member name keeps its first value. Errors are `DecodingError`s with the
    /// coding path, as `JSONDecoder` throws them.
    ///
    /// The generated models of the worker's hot path (job activation; see `FastPathScope` in the
    /// generator) are built from the tree directly, member by member; whatever that fast path does
    /// not take exactly as `Codable` would (a missing member, a wrong kind, a union) is decoded again
    /// with `Codable`, which also produces the error. Every other type is decoded with `Codable`
    /// from the same tree.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let node = try JSONParser.parseNode(data)
        if let value = fastDecode(T.self, from: node) { return value }
        return try JSONValueDecoder.decode(T.self, from: node, codingPath: [])
    }

    /// The value through the generated fast path alone; `nil` when `T` has none or it does not apply.
    static func fastDecode<T: Decodable>(_ type: T.Type, from node: JSONNode) -> T? {
        guard let fast = T.self as? any NodeDecodable.Type else { return nil }
        return fast.decode(node: node, as: T.self)
    }

    /// For tests: the value through the generated fast path alone (`nil` when it does not apply).
    package static func fastDecode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T? {
        fastDecode(T.self, from: try JSONParser.parseNode(data))
    }

    /// For tests: the bytes through the generated fast path alone (`nil` when it does not apply).
    package static func fastEncode<T: Encodable>(_ value: T) -> Data? { JSONTreeEncoder.fastEncode(value) }

    /// For tests: the bytes through `Codable` alone.
    package static func codableEncode<T: Encodable>(_ value: T) throws -> Data { try JSONTreeEncoder.codableEncode(value) }

    /// For tests: the value through `Codable` alone.
    package static func codableDecode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONValueDecoder.decode(T.self, from: JSONParser.parseNode(data), codingPath: [])
    }

    /// Formats a date as RFC 3339 in UTC with milliseconds, for example `2024-06-05T08:29:15.027Z`.
    public static func formatDate(_ date: Date) -> String {
        // Round to whole milliseconds first: formatting the binary fraction would truncate .027 to .026.
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = Int(totalMilliseconds.quotientAndRemainder(dividingBy: 1000).quotient)
        var millis = Int(totalMilliseconds - Int64(seconds) * 1000)
        if millis < 0 {
            millis += 1000
            seconds -= 1
        }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    /// Parses an RFC 3339 date-time with or without fractional seconds and with `Z`, `±hh:mm` or `±hhmm`.
    /// Returns `nil` when the text is not such a date.
    public static func parseDate(_ text: String) -> Date? {
        if let date = RFC3339.parseFixedFormat(text) { return date }
        var text = text
        // Normalise a `+hhmm` offset to `+hh:mm`.
        let utf8 = Array(text.utf8)
        if utf8.count >= 5 {
            let tail = utf8[(utf8.count - 5)...]
            let sign = tail.first!
            if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
                tail.dropFirst().allSatisfy({ $0 >= 48 && $0 <= 57 }),
                utf8.count > 10, utf8.contains(UInt8(ascii: "T"))
            {
                let offset = String(decoding: tail.dropFirst(), as: UTF8.self)
                text = String(text.dropLast(4)) + offset.prefix(2) + ":" + offset.suffix(2)
            }
        }
        if let date = try? fractionalStyle.parse(text) { return date }
        if let date = try? wholeSecondStyle.parse(text) { return date }
        return nil
    }

    private static let fractionalStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let wholeSecondStyle = Date.ISO8601FormatStyle()
}
