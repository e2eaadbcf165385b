import Foundation

/// Recognises the responses that mean "the cluster is overloaded": 429, 503, and 500 whose body carries
/// `RESOURCE_EXHAUSTED`. They are both retried and counted as backpressure signals.
enum ResponseClassification {
    /// The largest 500 body searched for `RESOURCE_EXHAUSTED`.
    static let inspectedBodyLimit = 1024 * 1024

    /// Whether the response is a backpressure signal.
    static func isBackpressure(_ response: OperationResponse) -> Bool {
        switch response.status {
        case 429, 503:
            return true
        case 500:
            let body = response.body.prefix(inspectedBodyLimit)
            return body.range(of: Data("RESOURCE_EXHAUSTED".utf8)) != nil
        default:
            return false
        }
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
