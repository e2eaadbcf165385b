import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime

/// Retries transient failures: connection errors, 429, 503, and 500 carrying `RESOURCE_EXHAUSTED`.
///
/// Waits ``RetryBackoff/delay(attempt:baseDelay:maxDelay:jitter:)`` between attempts, or the server's
/// `Retry-After` (capped by ``CamundaConfiguration/RetryPolicy/maxRetryAfter``) when it sends one. Other
/// 4xx and 5xx responses, cancellation and errors of the SDK itself (`CamundaError`) are not retried.
/// Request bodies must be replayable (`HTTPBody` with `.multiple` iteration), as those `CamundaClient` builds are.
public struct RetryMiddleware: ClientMiddleware {
    /// The policy: attempts and delays.
    public var policy: CamundaConfiguration.RetryPolicy
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void
    let jitter: @Sendable () -> Double
    let now: @Sendable () -> Date

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - policy: Attempts and delays.
    ///   - logger: Receives a debug line per retry.
    public init(policy: CamundaConfiguration.RetryPolicy, logger: Logger = Logger(label: "camunda")) {
        self.init(
            policy: policy, logger: logger, sleep: { try await Task.sleep(for: $0) }, jitter: { Double.random(in: 0...1) },
            now: { Date() })
    }

    /// Creates the middleware with injected time and randomness (for tests).
    package init(
        policy: CamundaConfiguration.RetryPolicy, logger: Logger, sleep: @escaping @Sendable (Duration) async throws -> Void,
        jitter: @escaping @Sendable () -> Double, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.policy = policy
        self.logger = logger
        self.sleep = sleep
        self.jitter = jitter
        self.now = now
    }

    /// Sends the request, retrying transient failures.
    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let replayable = body.map { $0.iterationBehavior == .multiple } ?? true
        let maxAttempts = replayable ? max(policy.maxAttempts, 1) : 1
        var attempt = 1
        while true {
            let delay: Duration
            let reason: String
            do {
                let (response, responseBody) = try await next(request, body, baseURL)
                let (transient, inspectedBody) = await ResponseClassification.isBackpressure(
                    response, body: responseBody)
                guard transient, attempt < maxAttempts else { return (response, inspectedBody) }
                await ResponseClassification.discard(inspectedBody)
                delay = self.delay(attempt: attempt, retryAfter: response.headerFields[.retryAfter])
                reason = "HTTP \(response.status.code)"
            } catch {
                guard attempt < maxAttempts, !(error is CamundaError), !ResponseClassification.isCancellation(error)
                else { throw error }
                delay = self.delay(attempt: attempt, retryAfter: nil)
                reason = "\(type(of: error))"
            }
            logger.debug(
                "Retrying Camunda request",
                metadata: [
                    "camunda.operation": "\(operationID)", "camunda.attempt": "\(attempt + 1)",
                    "camunda.retry.reason": "\(reason)", "camunda.retry.delay_ms": "\(delay.camundaMilliseconds)",
                ])
            try await sleep(delay)
            attempt += 1
        }
    }

    /// The delay before the retry following `attempt`: `Retry-After` when present and valid, else the backoff.
    func delay(attempt: Int, retryAfter: String?) -> Duration {
        if let retryAfter, let requested = RetryBackoff.retryAfter(retryAfter, now: now()) {
            return min(requested, policy.maxRetryAfter)
        }
        return RetryBackoff.delay(
            attempt: attempt, baseDelay: policy.baseDelay, maxDelay: policy.maxDelay, jitter: jitter())
    }
}
