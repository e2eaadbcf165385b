import Foundation

/// A file to upload in a `multipart/form-data` request, such as a BPMN resource for `createDeployment`.
public struct MultipartFile: Sendable, Hashable {
    /// The file name sent to the server, for example `order-process.bpmn`.
    public var fileName: String
    /// The file contents.
    public var data: Data
    /// The part's content type.
    public var contentType: String

    /// Creates a file from bytes in memory.
    public init(fileName: String, data: Data, contentType: String = "application/octet-stream") {
        self.fileName = fileName
        self.data = data
        self.contentType = contentType
    }

    /// Reads a file from disk; the file name is the last path component.
    ///
    /// - Throws: the file system's error when the file cannot be read.
    public init(contentsOf url: URL, contentType: String = "application/octet-stream") throws {
        self.init(fileName: url.lastPathComponent, data: try Data(contentsOf: url), contentType: contentType)
    }

    /// Reads a file from disk at a path; the file name is the last path component.
    ///
    /// - Throws: the file system's error when the file cannot be read.
    public init(path: String, contentType: String = "application/octet-stream") throws {
        try self.init(contentsOf: URL(fileURLWithPath: path), contentType: contentType)
    }
}

/// A `multipart/form-data` body.
public struct MultipartForm: Sendable, Hashable {
    /// One part of the form.
    public struct Part: Sendable, Hashable {
        /// The form field name.
        public var name: String
        /// The file name, for file parts.
        public var fileName: String?
        /// The part's content type, if any.
        public var contentType: String?
        /// The part's bytes.
        public var data: Data

        /// Creates a part.
        public init(name: String, fileName: String? = nil, contentType: String? = nil, data: Data) {
            self.name = name
            self.fileName = fileName
            self.contentType = contentType
            self.data = data
        }
    }

    /// The boundary between parts.
    public var boundary: String
    /// The parts in order.
    public var parts: [Part]

    /// Creates an empty form with a random boundary.
    public init(boundary: String = "camunda-swift-" + UUID().uuidString.lowercased(), parts: [Part] = []) {
        self.boundary = boundary
        self.parts = parts
    }

    /// The `Content-Type` header value, with the boundary.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Appends a file part.
    public mutating func append(name: String, file: MultipartFile) {
        parts.append(Part(name: name, fileName: file.fileName, contentType: file.contentType, data: file.data))
    }

    /// Appends a text field.
    public mutating func append(name: String, text: String) {
        parts.append(Part(name: name, data: Data(text.utf8)))
    }

    /// Appends a JSON part.
    public mutating func append<T: Encodable>(name: String, json value: T) throws {
        parts.append(Part(name: name, contentType: "application/json", data: try CamundaJSON.encode(value)))
    }

    /// Appends one JSON part per element, all with the same name: how `multipart/form-data` carries a
    /// property whose schema is an array of objects (such as `createDocuments`' `metadataList`), rather
    /// than one part holding a JSON array.
    public mutating func append<T: Encodable>(name: String, jsonEach values: [T]) throws {
        for value in values { try append(name: name, json: value) }
    }

    /// The encoded body.
    public func encoded() -> Data {
        var out = Data()
        for part in parts {
            out.append(contentsOf: Array("--\(boundary)\r\n".utf8))
            var disposition = "Content-Disposition: form-data; name=\"\(Self.escape(part.name))\""
            if let fileName = part.fileName { disposition += "; filename=\"\(Self.escape(fileName))\"" }
            out.append(contentsOf: Array("\(disposition)\r\n".utf8))
            if let contentType = part.contentType {
                out.append(contentsOf: Array("Content-Type: \(contentType)\r\n".utf8))
            }
            out.append(contentsOf: Array("\r\n".utf8))
            out.append(part.data)
            out.append(contentsOf: Array("\r\n".utf8))
        }
        out.append(contentsOf: Array("--\(boundary)--\r\n".utf8))
        return out
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
    }
}
