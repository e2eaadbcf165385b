import Foundation

/// The one error type of the SDK's API calls.
///
/// It names the operation, carries the HTTP status and the server's ``ProblemDetail`` (RFC 9457)
/// when there is one, a truncated copy of any other body, and the underlying cause. Its description
/// never contains credentials: request headers are not kept.
///
/// ```swift
/// do {
///     try await client.getProcessInstance(processInstanceKey: key)
/// } catch let error as CamundaError where error.status == 404 {
///     print(error.problem?.detail ?? "not found")
/// }
/// ```
public struct CamundaError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is. A struct rather than an enum so that kinds can be added.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case http, transport, decoding, encoding, timeout, configuration, cancelled
        }
        private let base: Base
        /// The server answered with a status the operation does not document as success.
        public static let http = Kind(base: .http)
        /// The request could not be sent or no response arrived (connection refused, reset, ...).
        public static let transport = Kind(base: .transport)
        /// A success response whose body does not match the spec's type.
        public static let decoding = Kind(base: .decoding)
        /// The request could not be encoded.
        public static let encoding = Kind(base: .encoding)
        /// A deadline passed (request timeout, or an eventual-consistency wait that gave up).
        public static let timeout = Kind(base: .timeout)
        /// The SDK is configured in a way that cannot work (bad address, missing credentials, ...).
        public static let configuration = Kind(base: .configuration)
        /// The call was cancelled.
        public static let cancelled = Kind(base: .cancelled)
        /// The kind's name.
        public var description: String { "\(base)" }
    }

    /// The spec's `operationId` of the failed call, for example `completeJob`.
    public var operationID: String
    /// What kind of failure this is.
    public var kind: Kind
    /// The HTTP status, when a response arrived.
    public var status: Int?
    /// The problem detail the server sent, when the body was `application/problem+json` or JSON.
    public var problem: ProblemDetail?
    /// The response body as text, truncated to 2 KiB, when it was not a problem detail.
    public var body: String?
    /// The response's `Retry-After` header, when present.
    public var retryAfter: String?
    /// The underlying error, if any.
    public var cause: (any Error)?
    /// A free-form explanation added by the SDK.
    public var message: String?

    /// Creates an error.
    public init(
        operationID: String, kind: Kind, status: Int? = nil, problem: ProblemDetail? = nil, body: String? = nil,
        retryAfter: String? = nil, cause: (any Error)? = nil, message: String? = nil
    ) {
        self.operationID = operationID
        self.kind = kind
        self.status = status
        self.problem = problem
        self.body = body
        self.retryAfter = retryAfter
        self.cause = cause
        self.message = message
    }

    /// Creates an error from a response, decoding its problem detail when it has one.
    public init(operationID: String, kind: Kind = .http, response: OperationResponse, cause: (any Error)? = nil) {
        self.init(operationID: operationID, kind: kind, status: response.status, cause: cause)
        self.retryAfter = response.headers["retry-after"]
        let contentType = response.contentType ?? ""
        if kind == .http, contentType.contains("json"), !response.body.isEmpty,
            let problem = try? CamundaJSON.decode(ProblemDetail.self, from: response.body)
        {
            self.problem = problem
        } else if !response.body.isEmpty {
            let prefix = response.body.prefix(2048)
            var text = String(decoding: prefix, as: UTF8.self)
            if response.body.count > prefix.count { text += "… (\(response.body.count) bytes)" }
            self.body = text
        }
    }

    /// The coding path of a decoding failure, such as `jobs[3].kind`, when the cause is a `DecodingError`.
    public var codingPath: String? {
        guard let error = cause as? DecodingError else { return nil }
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            context = c
        @unknown default: return nil
        }
        var path = context.codingPath
        if case .keyNotFound(let key, _) = error { path.append(key) }
        return Self.render(path)
    }

    static func render(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "<root>" : text
    }

    /// A one-line summary: operation, kind, status, problem or body, coding path and cause.
    public var description: String {
        var parts = ["\(operationID) failed (\(kind))"]
        if let status { parts.append("HTTP \(status)") }
        if let message { parts.append(message) }
        if let problem {
            let summary = [problem.title, problem.detail].compactMap { $0 }.joined(separator: ": ")
            if !summary.isEmpty { parts.append(summary) }
        } else if let body, !body.isEmpty {
            parts.append("body: \(body)")
        }
        if let codingPath { parts.append("at \(codingPath)") }
        if let cause {
            if let decoding = cause as? DecodingError {
                parts.append(Self.describe(decoding))
            } else {
                parts.append("cause: \(cause)")
            }
        }
        return parts.joined(separator: "; ")
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let c): "type mismatch (expected \(type)): \(c.debugDescription)"
        case .valueNotFound(let type, let c): "missing value of \(type): \(c.debugDescription)"
        case .keyNotFound(let key, _): "missing key \"\(key.stringValue)\""
        case .dataCorrupted(let c): "invalid data: \(c.debugDescription)"
        @unknown default: "\(error)"
        }
    }
}
