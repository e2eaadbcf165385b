import Foundation

/// A `multipart/form-data` body split into its parts (RFC 7578), for request validation.
public struct WireMultipart: Sendable {
    public struct Part: Sendable {
        /// Header fields, names lower-cased.
        public var headers: [(name: String, value: String)]
        /// The `name` parameter of `Content-Disposition`.
        public var name: String?
        /// The `filename` parameter of `Content-Disposition`, for file parts.
        public var fileName: String?
        public var body: [UInt8]

        public var contentType: String? { headers.first { $0.name == "content-type" }?.value }
    }

    public var parts: [Part]

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The `boundary` parameter of a `multipart/form-data` content type.
    public static func boundary(ofContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// Splits a body at `--boundary` lines; requires the closing `--boundary--`.
    public static func parse(_ body: [UInt8], boundary: String) throws(ParseError) -> WireMultipart {
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var index = 0
        // Delimiters start the body or follow CRLF.
        while let found = find(delimiter, in: body, from: index) {
            if found == 0 || (found >= 2 && body[found - 2] == 0x0D && body[found - 1] == 0x0A) { positions.append(found) }
            index = found + delimiter.count
        }
        guard let first = positions.first else { throw ParseError(message: "no boundary delimiter in the body") }
        guard first == 0 else { throw ParseError(message: "data before the first boundary") }
        var parts: [Part] = []
        var closed = false
        for (number, start) in positions.enumerated() {
            var cursor = start + delimiter.count
            if cursor + 1 < body.count, body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") {
                closed = true
                break
            }
            guard cursor + 1 < body.count, body[cursor] == 0x0D, body[cursor + 1] == 0x0A else {
                throw ParseError(message: "boundary \(number + 1) is not followed by CRLF")
            }
            cursor += 2
            guard number + 1 < positions.count else { throw ParseError(message: "the body has no closing boundary") }
            let end = positions[number + 1] - 2  // the CRLF before the next delimiter
            guard end >= cursor else { throw ParseError(message: "part \(number + 1) is truncated") }
            let raw = Array(body[cursor..<end])
            // A part without headers starts with the blank line.
            guard let split = raw.starts(with: [0x0D, 0x0A]) ? -2 : find([0x0D, 0x0A, 0x0D, 0x0A], in: raw, from: 0) else {
                throw ParseError(message: "part \(number + 1) has no blank line after its headers")
            }
            let headerBytes = split < 0 ? [] : Array(raw[..<split])
            let content = split < 0 ? Array(raw[2...]) : Array(raw[(split + 4)...])
            var headers: [(name: String, value: String)] = []
            for line in String(decoding: headerBytes, as: UTF8.self).components(separatedBy: "\r\n") where !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else {
                    throw ParseError(message: "part \(number + 1) has a malformed header line")
                }
                headers.append((line[..<colon].lowercased().trimmingSpaces, line[line.index(after: colon)...].trimmingSpaces))
            }
            var part = Part(headers: headers, name: nil, fileName: nil, body: content)
            if let disposition = headers.first(where: { $0.name == "content-disposition" })?.value {
                let parameters = dispositionParameters(disposition)
                part.name = parameters["name"]
                part.fileName = parameters["filename"]
            }
            parts.append(part)
        }
        guard closed else { throw ParseError(message: "the body has no closing boundary") }
        return WireMultipart(parts: parts)
    }

    /// The parameters of a `Content-Disposition: form-data; name="a"; filename="b"` value, quotes and
    /// backslash escapes removed.
    static func dispositionParameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        var characters = Substring(value)
        // Skip the disposition type.
        guard let semicolon = characters.firstIndex(of: ";") else { return result }
        characters = characters[characters.index(after: semicolon)...]
        while !characters.isEmpty {
            characters = characters.drop { $0 == " " || $0 == ";" }
            guard let equals = characters.firstIndex(of: "=") else { break }
            let name = characters[..<equals].trimmingSpaces.lowercased()
            characters = characters[characters.index(after: equals)...]
            var parameter = ""
            if characters.first == "\"" {
                characters = characters.dropFirst()
                var escaped = false
                while let character = characters.first {
                    characters = characters.dropFirst()
                    if escaped {
                        parameter.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        parameter.append(character)
                    }
                }
            } else {
                let end = characters.firstIndex(of: ";") ?? characters.endIndex
                parameter = characters[..<end].trimmingSpaces
                characters = characters[end...]
            }
            result[name] = parameter
        }
        return result
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        let first = needle[0]
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
