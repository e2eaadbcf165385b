import Foundation

/// What an operation is, as far as the runtime's cross-cutting behaviour is concerned; emitted by
/// the generator for each operation (from the spec, and from the generator's overlay where the spec
/// says nothing), so the runtime never matches operation names.
public struct OperationTraits: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Reports the outcome of work already done (completes, fails or throws an error for a job,
    /// completes a user task): never held back by backpressure, never dropped.
    public static let acknowledgement = Self(rawValue: 1 << 0)
    /// Waits on the server for work to arrive (job activation): waits for a backpressure permit
    /// but does not hold one while the server holds the request.
    public static let longPoll = Self(rawValue: 1 << 1)
    /// The body's `tenantId` defaults to the client's configured tenant.
    public static let defaultsTenant = Self(rawValue: 1 << 2)
    /// The body's `tenantIds` defaults to `[the client's configured tenant]`.
    public static let defaultsTenants = Self(rawValue: 1 << 3)
    /// The body carries a job lease token (`jobLeaseToken`) that fences it against a superseded activation.
    public static let leaseFenced = Self(rawValue: 1 << 4)
    /// Reads the secondary store: recent writes may not show yet.
    public static let eventuallyConsistent = Self(rawValue: 1 << 5)
}

/// One HTTP request of an API operation, built by the generated client methods and sent by a
/// ``CamundaOperations`` conformer (the SDK's `CamundaClient`, or an in-memory transport in tests).
public struct OperationRequest: Sendable, Hashable {
    /// Which base URL an operation's path is relative to.
    public enum Server: Sendable, Hashable {
        /// The REST API base, ending in `/v2` (most operations).
        case api
        /// The server root without `/v2` (the `/cluster/v2/...` administration operations).
        case root
    }

    /// The request body.
    public enum Body: Sendable, Hashable {
        /// A JSON body.
        case json(Data)
        /// A `multipart/form-data` body.
        case multipart(MultipartForm)
        /// Any other body (`application/octet-stream`, `text/plain`, ...): the bytes and their media type.
        case raw(Data, contentType: String)
    }

    /// The spec's `operationId`, for example `activateJobs`.
    public var operationID: String
    /// The HTTP method, upper case.
    public var method: String
    /// The path below the server base, percent-encoded, for example `/jobs/2251799813685249/completion`.
    public var path: String
    /// The base the path is relative to.
    public var server: Server
    /// Query parameters in order.
    public var query: [URLQueryItem]
    /// Extra header fields (name, value).
    public var headers: [String: String]
    /// The body, if any.
    public var body: Body?
    /// The value of the `Accept` header.
    public var accept: String
    /// What the operation is (set by the generated method).
    public var traits: OperationTraits
    /// The job the operation addresses: the raw value of its `jobKey` path parameter, set by the
    /// generated method (`completeJob(jobKey:_:)`, `failJob(jobKey:_:)`, ...), so the runtime can tell
    /// a job's own acknowledgements without reading the path. `nil` for other operations and for
    /// requests built by hand unless you set it.
    public var jobKey: String?
    /// How long the server may hold the request before answering, in milliseconds: a long poll's
    /// `requestTimeout` (``OperationTraits/longPoll``), copied from the typed body by the generated
    /// method. The runtime bounds the request by it; `nil` (a long poll without it, or a request built
    /// by hand that does not set it) means the server's default hold.
    public var serverHoldMilliseconds: Int64?

    /// Creates a request.
    public init(
        operationID: String, method: String, path: String, server: Server = .api,
        query: [URLQueryItem] = [], headers: [String: String] = [:], body: Body? = nil,
        accept: String = "application/json", traits: OperationTraits = [], jobKey: String? = nil,
        serverHoldMilliseconds: Int64? = nil
    ) {
        self.traits = traits
        self.jobKey = jobKey
        self.serverHoldMilliseconds = serverHoldMilliseconds
        self.operationID = operationID
        self.method = method
        self.path = path
        self.server = server
        self.query = query
        self.headers = headers
        self.body = body
        self.accept = accept
    }

    /// The body's content type, if there is a body.
    public var contentType: String? {
        switch body {
        case .json: "application/json"
        case .multipart(let form): form.contentType
        case .raw(_, let contentType): contentType
        case nil: nil
        }
    }

    /// The body's bytes, if there is a body.
    public var bodyData: Data? {
        switch body {
        case .json(let data): data
        case .multipart(let form): form.encoded()
        case .raw(let data, _): data
        case nil: nil
        }
    }
}

/// The HTTP response to an ``OperationRequest``.
public struct OperationResponse: Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// Header fields with lower-cased names.
    public var headers: [String: String]
    /// The body bytes (empty when there is none).
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.body = body
    }

    /// The `Content-Type` header value, if any.
    public var contentType: String? { headers["content-type"] }
}

/// Something that can send the requests of API operations: the generated client methods
/// (one per `operationId` of the spec) are available on every conformer.
///
/// `CamundaClient` is the conformer you normally use; conform your own type to route operations
/// through a custom transport.
///
/// A generated method builds its request in two steps: it calls ``prepare(_:body:)`` with the
/// request and the typed body (this is where `CamundaClient` fills in the default tenant and a job's
/// client adds its lease token), then encodes the body and calls ``send(_:)``.
public protocol CamundaOperations: Sendable {
    /// Sends one request and returns the response, whatever its status.
    ///
    /// - Throws: transport errors only; non-success statuses are returned, not thrown.
    func send(_ request: OperationRequest) async throws -> OperationResponse

    /// Adjusts a request and its typed body before the generated method encodes the body: called
    /// once per call of a generated method that has a JSON body (with the body, or its `Optional`
    /// for an optional body) or a multipart `tenantId` field (with a ``FormTenant``).
    ///
    /// The default does nothing. Requests passed to ``send(_:)`` directly, built by hand, do not go
    /// through it: their bodies are sent as they are. A conformer that forwards its requests to
    /// another one (a decorator around a `CamundaClient`) should forward `prepare` as well, or the
    /// other one's adjustments (the default tenant) do not happen.
    func prepare<Body: OperationBody>(_ request: inout OperationRequest, body: inout Body)
}

extension CamundaOperations {
    /// Does nothing: the request and body are sent as the caller made them.
    public func prepare<Body: OperationBody>(_ request: inout OperationRequest, body: inout Body) {}
}

/// Marks JSON bodies and query values for the generated code.
package enum OperationSupport {
    package static func jsonBody<T: Encodable>(_ value: T, operationID: String) throws -> OperationRequest.Body {
        do {
            return .json(try CamundaJSON.encode(value))
        } catch {
            throw CamundaError(operationID: operationID, kind: .encoding, cause: error)
        }
    }

    /// Percent-encodes one path segment.
    ///
    /// Values made only of characters allowed in a segment (keys, ids) are returned as they are
    /// without going through `addingPercentEncoding`, which costs microseconds per call.
    package static func pathSegment(_ value: String) -> String {
        if isPlainSegment(value) { return value }
        return percentEncodedSegment(value)
    }

    /// The general path: `CharacterSet.urlPathAllowed` without `/`, `?` and `#`.
    package static func percentEncodedSegment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? value
    }

    /// Whether every byte of `value` is allowed in a segment unencoded: RFC 3986 unreserved characters,
    /// sub-delims except `;`, `:` and `@` (the ASCII members of `pathAllowed`; Foundation's
    /// `urlPathAllowed` leaves out `;`).
    @inline(__always)
    package static func isPlainSegment(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            for byte in bytes where !isSegmentByte(byte) { return false }
            return true
        }
    }

    @inline(__always)
    static func isSegmentByte(_ byte: UInt8) -> Bool {
        // Bit n of the masks is set when ASCII byte n (0-63, 64-127) is allowed.
        if byte < 64 { return segmentMaskLow & (1 &<< UInt64(byte)) != 0 }
        if byte < 128 { return segmentMaskHigh & (1 &<< UInt64(byte &- 64)) != 0 }
        return false
    }

    /// `!$&'()*+,-.0-9:=`
    static let segmentMaskLow: UInt64 = 0x27FF_7FD2_0000_0000
    /// `@A-Z_a-z~`
    static let segmentMaskHigh: UInt64 = 0x47FF_FFFE_87FF_FFFF

    private static let pathAllowed: CharacterSet = {
        var set = CharacterSet.urlPathAllowed
        set.remove(charactersIn: "/?#")
        return set
    }()

    package static func queryValue(_ value: some CustomStringConvertible) -> String { value.description }

    /// A date in a path, query, header or text part: RFC 3339, as the spec's `format: date-time` says
    /// (`Date.description` would give `2025-06-07 13:14:15 +0000`).
    package static func queryValue(_ value: Date) -> String { CamundaJSON.formatDate(value) }

    /// A `Date` path segment in RFC 3339, percent-encoded (`:` is allowed in a segment and stays as it is).
    package static func pathSegment(_ value: Date) -> String { pathSegment(CamundaJSON.formatDate(value)) }
}

extension CamundaOperations {
    /// Sends a request and checks that the status is one of `success`; throws ``CamundaError`` otherwise.
    package func perform(_ request: OperationRequest, success: Set<Int>) async throws -> OperationResponse {
        let response: OperationResponse
        do {
            response = try await send(request)
        } catch let error as CamundaError {
            throw error
        } catch {
            throw CamundaError(operationID: request.operationID, kind: .transport, cause: error)
        }
        guard success.contains(response.status) else {
            throw CamundaError(operationID: request.operationID, response: response)
        }
        return response
    }

    /// Sends a request and decodes a JSON response body.
    package func perform<T: Decodable>(
        _ request: OperationRequest, success: Set<Int>, decoding type: T.Type
    ) async throws -> T {
        let response = try await perform(request, success: success)
        return try Self.decodeBody(T.self, from: response, operationID: request.operationID)
    }

    /// Sends a request whose success may have no body (a 204 next to a 200 with JSON).
    package func performOptional<T: Decodable>(
        _ request: OperationRequest, success: Set<Int>, decoding type: T.Type
    ) async throws -> T? {
        let response = try await perform(request, success: success)
        if response.status == 204 || response.body.isEmpty { return nil }
        return try Self.decodeBody(T.self, from: response, operationID: request.operationID)
    }

    package static func decodeBody<T: Decodable>(
        _ type: T.Type, from response: OperationResponse, operationID: String
    ) throws -> T {
        do {
            return try CamundaJSON.decode(T.self, from: response.body)
        } catch {
            throw CamundaError(operationID: operationID, kind: .decoding, response: response, cause: error)
        }
    }
}
