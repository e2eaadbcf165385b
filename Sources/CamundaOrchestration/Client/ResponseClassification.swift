import AsyncHTTPClient
import Foundation

/// The runtime's one rule for failures: what a response or an error is (backpressure, a timeout, a
/// connection failure, a server error, a cancellation, or permanent) and so whether it is transient.
/// The client's retries (`CamundaClient.sendRetrying`), its backpressure accounting, the wrapping of
/// errors into ``CamundaError`` and the job worker's retries of polls and acknowledgements all ask it.
enum FailureClass: Sendable, Hashable {
    /// 429, 503, or 500 carrying `RESOURCE_EXHAUSTED`: the cluster is overloaded. Transient, and a
    /// backpressure signal.
    case backpressure
    /// No complete response within a bound (the request's, the connection's). Transient.
    case timeout
    /// No response at all: the connection failed, closed or was refused. Transient.
    case connectionFailure
    /// 408, or a 5xx other than 501 that is not backpressure. Transient.
    case serverError
    /// The call was cancelled. Not transient.
    case cancelled
    /// Anything else (4xx, 501, a body above the limit, an encoding or configuration error). Not transient.
    case permanent
    /// A response that is not a failure (below 400).
    case success

    /// Whether trying again may succeed.
    var isTransient: Bool {
        switch self {
        case .backpressure, .timeout, .connectionFailure, .serverError: true
        case .cancelled, .permanent, .success: false
        }
    }

    var isBackpressure: Bool { self == .backpressure }
    var isTimeout: Bool { self == .timeout }
    /// A timeout or no connection: the network or the gateway process, not the gateway's answer.
    var isConnectionFailure: Bool { self == .timeout || self == .connectionFailure }

    /// The largest 500 body searched for `RESOURCE_EXHAUSTED`.
    static let inspectedBodyLimit = 1024 * 1024

    /// The class of a response.
    static func of(_ response: OperationResponse) -> FailureClass {
        of(status: response.status) { response.body.prefix(inspectedBodyLimit).range(of: Data("RESOURCE_EXHAUSTED".utf8)) != nil }
    }

    /// The class of a status; `exhausted` says whether a 500's body carries `RESOURCE_EXHAUSTED`.
    static func of(status: Int, exhausted: () -> Bool) -> FailureClass {
        switch status {
        case ..<400: .success
        case 429, 503: .backpressure
        case 500: exhausted() ? .backpressure : .serverError
        case 408: .serverError
        case 501: .permanent
        case 500...599: .serverError
        default: .permanent
        }
    }

    /// The class of an error: a ``CamundaError`` by its kind and status, the transports' errors by
    /// what they report; any other error counts as a connection failure unless the task is cancelled.
    static func of(_ error: any Error) -> FailureClass {
        if let error = error as? CamundaError {
            switch error.kind {
            case .cancelled: return .cancelled
            case .timeout: return .timeout
            case .transport:
                // With a status: the response arrived but its body is above the limit.
                return error.status == nil ? .connectionFailure : .permanent
            case .http:
                guard let status = error.status else { return .permanent }
                return of(status: status) {
                    [error.body, error.problem?.title, error.problem?.detail].contains { $0?.contains("RESOURCE_EXHAUSTED") == true }
                }
            default:
                return .permanent
            }
        }
        if error is RequestTimedOut { return .timeout }
        if ResponseClassification.isCancellation(error) { return .cancelled }
        if let error = error as? HTTP1TransportError {
            if case .responseTooLarge = error.kind { return .permanent }
            return error.isTimeout ? .timeout : .connectionFailure
        }
        if let error = error as? HTTPClientError {
            if error == .cancelled { return .cancelled }
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout { return .timeout }
        }
        return .connectionFailure
    }
}

/// Helpers of the send path around ``FailureClass``.
enum ResponseClassification {
    /// The largest 500 body searched for `RESOURCE_EXHAUSTED`.
    static var inspectedBodyLimit: Int { FailureClass.inspectedBodyLimit }

    /// Whether the response is a backpressure signal (429, 503, 500 with `RESOURCE_EXHAUSTED`).
    static func isBackpressure(_ response: OperationResponse) -> Bool {
        FailureClass.of(response).isBackpressure
    }

    /// Whether an error thrown by the next step is a cancellation rather than a failure.
    static func isCancellation(_ error: any Error) -> Bool {
        error is CancellationError || Task.isCancelled
    }

    /// The error for a response body above ``CamundaConfiguration/HTTP/maxResponseBodyBytes`` (not retried).
    static func tooLarge(_ operationID: String, status: Int, limit: Int) -> CamundaError {
        CamundaError(
            operationID: operationID, kind: .transport, status: status,
            message: "response body too large (limit \(limit) bytes, CamundaConfiguration.http.maxResponseBodyBytes)")
    }
}
