import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import OpenAPIRuntime

// The send path: retries, then adaptive backpressure, then authentication, then the exchange with the
// server (`RequestExchange`: the SDK's own transport called directly, or the user's middlewares ending in
// a `ClientTransport`).
//
// The three policies are plain steps rather than `ClientMiddleware`s of their own: a middleware chain
// costs an escaping closure per layer per request, and its streaming `HTTPBody` forces every layer
// that looks at a response (500 with `RESOURCE_EXHAUSTED`, 401) to collect and re-wrap the body. The
// steps here work on the collected response instead, which is also what `send` returns.

/// An operation request made ready to send: method checked, target and headers built, body encoded.
struct PreparedRequest: Sendable {
    var operationID: String
    /// What the operation is (from the generated method).
    var traits: OperationTraits
    var method: HTTPRequest.Method
    /// The percent-encoded path and query below the server base.
    var target: String
    var server: OperationRequest.Server
    /// Header fields in sending order; the authorization is added per attempt.
    var headers: [(name: String, value: String)]
    var body: Data?
    /// The client-side bound of each attempt.
    var bound: RequestBound

    init(_ request: OperationRequest, userAgent: String, http: CamundaConfiguration.HTTP = CamundaConfiguration.HTTP()) throws {
        operationID = request.operationID
        traits = request.traits
        let method = request.method.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
            ? request.method : request.method.uppercased()
        guard !method.isEmpty, let validated = HTTPRequest.Method(method) else {
            throw CamundaError(operationID: request.operationID, kind: .encoding, message: "invalid HTTP method \(request.method)")
        }
        self.method = validated
        var target = request.path.hasPrefix("/") ? request.path : "/" + request.path
        if !request.query.isEmpty {
            target += "?" + Self.encodeQuery(request.query)
        }
        self.target = target
        server = request.server
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(4 + request.headers.count)
        headers.append(("Accept", request.accept))
        headers.append(("User-Agent", userAgent))
        if let contentType = request.contentType { headers.append(("Content-Type", contentType)) }
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            guard HTTPField.Name(name) != nil else {
                throw CamundaError(operationID: request.operationID, kind: .encoding, message: "invalid header name \(name)")
            }
            headers.append((name, value))
        }
        self.headers = headers
        body = request.bodyData
        bound = RequestBound.of(request, http: http)
    }

    /// `name=value` pairs joined by `&`, everything but RFC 3986 unreserved characters percent-encoded
    /// (so `+`, `&`, `=` and spaces in values reach the server as themselves).
    static func encodeQuery(_ items: [URLQueryItem]) -> String {
        var query = ""
        for (index, item) in items.enumerated() {
            if index > 0 { query += "&" }
            query += percentEncodeUnreserved(item.name)
            if let value = item.value { query += "=" + percentEncodeUnreserved(value) }
        }
        return query
    }

    static func percentEncodeUnreserved(_ text: String) -> String {
        func isUnreserved(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                true
            default:
                false
            }
        }
        if text.utf8.allSatisfy(isUnreserved) { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The credentials added to API requests.
enum Authorizer: Sendable {
    case none
    /// A fixed `Authorization` value (HTTP basic or a static bearer token).
    case fixed(String)
    /// OAuth client-credentials tokens; a 401 drops the token and retries once with a fresh one.
    case oauth(OAuthTokenProvider)
}

extension CamundaClient {
    /// Retries transient failures: connection errors, 429, 503, and 500 carrying `RESOURCE_EXHAUSTED`,
    /// waiting the backoff or the server's `Retry-After` (capped) between attempts. Other statuses,
    /// cancellation and the SDK's own errors (`CamundaError`) are not retried, and neither are
    /// timeouts of long polls and acknowledgements (job workers retry those themselves, an
    /// acknowledgement only while the job's lock holds).
    func sendRetrying(_ request: PreparedRequest) async throws -> OperationResponse {
        let policy = configuration.retry
        let maxAttempts = max(policy.maxAttempts, 1)
        var attempt = 1
        while true {
            let delay: Duration
            let reason: String
            do {
                let (response, isBackpressure) = try await sendLimited(request)
                guard isBackpressure, attempt < maxAttempts else { return response }
                delay = retryDelay(attempt: attempt, retryAfter: response.headers["retry-after"])
                reason = "HTTP \(response.status)"
            } catch {
                // The SDK's own errors (`CamundaError`) are final; timeouts of long polls and
                // acknowledgements are left to the worker.
                guard attempt < maxAttempts, !(error is CamundaError), FailureClass.of(error).isTransient,
                    !(error is RequestTimedOut && request.bound.kind != .ordinary)
                else { throw error }
                delay = retryDelay(attempt: attempt, retryAfter: nil)
                reason = "\(type(of: error))"
            }
            logger.debug(
                "Retrying Camunda request",
                metadata: [
                    "camunda.operation": "\(request.operationID)", "camunda.attempt": "\(attempt + 1)",
                    "camunda.retry.reason": "\(reason)", "camunda.retry.delay_ms": "\(delay.camundaMilliseconds)",
                ])
            try await hooks.clock.sleep(for: delay)
            attempt += 1
        }
    }

    /// The delay before the retry following `attempt`: `Retry-After` when present and valid, else the backoff.
    func retryDelay(attempt: Int, retryAfter: String?) -> Duration {
        let policy = configuration.retry
        if let retryAfter, let requested = RetryBackoff.retryAfter(retryAfter, now: hooks.wallClock()) {
            return min(requested, policy.maxRetryAfter)
        }
        return Backoff.retries(policy).delay(attempt: attempt, random: hooks.random())
    }

    /// Holds a backpressure permit around initiating calls (acknowledgements are exempt; long polls wait
    /// for a permit but do not hold it) and feeds the controller every response; returns whether the
    /// response was a backpressure signal (which is also what makes it retryable).
    private func sendLimited(_ request: PreparedRequest) async throws -> (OperationResponse, isBackpressure: Bool) {
        let holdsPermit: Bool
        if request.traits.contains(.acknowledgement) {
            holdsPermit = false
        } else if request.traits.contains(.longPoll) {
            try await backpressureController.acquire()
            backpressureController.release()
            holdsPermit = false
        } else {
            try await backpressureController.acquire()
            holdsPermit = true
        }
        defer { if holdsPermit { backpressureController.release() } }
        let response = try await sendAuthorized(request)
        let signal = ResponseClassification.isBackpressure(response)
        backpressureController.record(signal: signal, operationID: request.operationID)
        return (response, signal)
    }

    /// Adds the credentials; with OAuth, a 401 drops the token and retries once with a fresh one.
    private func sendAuthorized(_ request: PreparedRequest) async throws -> OperationResponse {
        switch authorizer {
        case .none:
            return try await exchange(request, authorization: nil)
        case .fixed(let value):
            return try await exchange(request, authorization: value)
        case .oauth(let provider):
            let token = try await provider.token(operationID: request.operationID)
            let response = try await exchange(request, authorization: "Bearer \(token)")
            guard response.status == 401 else { return response }
            provider.invalidate(token: token, operationID: request.operationID)
            let fresh = try await provider.token(operationID: request.operationID)
            return try await exchange(request, authorization: "Bearer \(fresh)")
        }
    }

    /// One exchange with the server (see `RequestExchange`), the response body collected (up to the
    /// configured limit), within the request's bound: past it the exchange is ended (closing its
    /// connection), the idle connections of the SDK's pools are closed (the next request opens a fresh
    /// one), and ``RequestTimedOut`` is thrown.
    private func exchange(_ request: PreparedRequest, authorization: String?) async throws -> OperationResponse {
        let deadline = ContinuousClock.now + request.bound.duration
        let collector = ResponseCollector(operationID: request.operationID, limit: configuration.http.maxResponseBodyBytes)
        do {
            return try await exchanger.exchange(request, authorization: authorization, deadline: deadline, collector: collector)
        } catch let error as RequestTimedOut {
            ownTransport?.closeIdleConnections()
            logger.debug(
                "Camunda request timed out; its connection is closed and the next request uses a fresh connection",
                metadata: ["camunda.operation": "\(request.operationID)", "camunda.bound": "\(request.bound)"])
            throw error
        } catch let error as HTTP1TransportError where error.kind == .deadlineExceeded {
            // The SDK's transport ended the request at its deadline: the same timeout.
            ownTransport?.closeIdleConnections()
            throw RequestTimedOut(bound: request.bound)
        }
    }
}
