import Foundation

/// One HTTP request the ``EmbeddedGateway`` received, with the status it answered.
public struct RecordedRequest: Hashable, Sendable, Codable {
    /// The HTTP method, upper case.
    public var method: String
    /// The path without the query, for example `/v2/jobs/activation`.
    public var path: String
    /// The query string without `?`, if any.
    public var query: String?
    /// The `operationId` of the route, when the gateway implements it (for example `activateJobs`).
    public var operationID: String?
    /// The response status, or `nil` when the connection was dropped by a fault or no response was sent.
    public var status: Int?
    /// The request's `Content-Type`, if any.
    public var contentType: String?
    /// The request body, cut to ``EmbeddedGateway/Configuration/recordedBodyLimit`` bytes.
    public var body: Data
    /// The request's size in bytes before cutting.
    public var bodySize: Int
    /// Header fields in order; the `Authorization` value is replaced by its scheme and `<redacted>`.
    public var headers: [Header]
    /// When the request was received.
    public var receivedAt: Date

    /// A header field.
    public struct Header: Hashable, Sendable, Codable {
        /// The field name as sent.
        public var name: String
        /// The value (redacted for credentials).
        public var value: String
    }

    /// The value of the first header field with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
