import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Recognises the responses that mean "the cluster is overloaded": 429, 503, and 500 whose body carries
/// `RESOURCE_EXHAUSTED`. They are both retried and counted as backpressure signals.
enum ResponseClassification {
    /// The largest 500 body inspected for `RESOURCE_EXHAUSTED`.
    static let inspectedBodyLimit = 1024 * 1024

    /// Whether the response is a backpressure signal. For a 500, the body is read and replaced by a
    /// replayable copy, returned as the second element.
    static func isBackpressure(_ response: HTTPResponse, body: HTTPBody?) async -> (Bool, HTTPBody?) {
        switch response.status.code {
        case 429, 503:
            return (true, body)
        case 500:
            guard let body else { return (false, nil) }
            if case .known(let length) = body.length, length > inspectedBodyLimit { return (false, body) }
            guard let data = try? await Data(collecting: body, upTo: inspectedBodyLimit) else {
                return (false, HTTPBody())
            }
            let exhausted = String(decoding: data, as: UTF8.self).contains("RESOURCE_EXHAUSTED")
            return (exhausted, HTTPBody(data))
        default:
            return (false, body)
        }
    }

    /// Reads and drops a body that will not be returned, so the connection can be reused.
    static func discard(_ body: HTTPBody?) async {
        guard let body else { return }
        _ = try? await Data(collecting: body, upTo: 4 * 1024 * 1024)
    }

    /// Whether an error thrown by the next step is a cancellation rather than a failure.
    static func isCancellation(_ error: any Error) -> Bool {
        error is CancellationError || Task.isCancelled
    }
}
