import Foundation
import Metrics

/// Back-off delays of the worker: the worker's values of ``Backoff``, unit-tested.
enum WorkerBackoff {
    /// The delay before the next activation after `attempt` consecutive failures (1-based)
    /// (``Backoff/activation``).
    ///
    /// The ceiling doubles from 1 s and is capped at 30 s; `jitter` (0..<1) spreads it over ±20 %,
    /// and the result is capped at 30 s again:
    ///
    /// | attempt | ceiling | delay |
    /// |---|---|---|
    /// | 1 | 1 s | 0.8–1.2 s |
    /// | 2 | 2 s | 1.6–2.4 s |
    /// | 3 | 4 s | 3.2–4.8 s |
    /// | 4 | 8 s | 6.4–9.6 s |
    /// | 5 | 16 s | 12.8–19.2 s |
    /// | 6 and later | 30 s | 24–30 s |
    ///
    /// After a `connectionFailure` (a timeout, or no connection at all) the cap is
    /// ``connectionFailureCap`` (10 s) instead (``Backoff/activationAfterConnectionFailure``): a
    /// timed-out poll has already waited its bound, and a worker resumes within 10 s of the network
    /// healing plus the long-poll bound.
    static func activationDelay(attempt: Int, jitter: Double, connectionFailure: Bool = false) -> Duration {
        (connectionFailure ? Backoff.activationAfterConnectionFailure : Backoff.activation).delay(attempt: attempt, random: jitter)
    }

    /// The back-off cap after timeouts and connection errors, in seconds.
    static let connectionFailureCap: Double = Backoff.activationAfterConnectionFailure.cap.camundaSeconds

    /// The delay before retrying an acknowledgement that failed transiently `attempt` times
    /// (``Backoff/acknowledgement``: 0.2 s doubling, capped at 5 s, ±20 % jitter).
    static func acknowledgementDelay(attempt: Int, jitter: Double) -> Duration {
        Backoff.acknowledgement.delay(attempt: attempt, random: jitter)
    }

    /// How many times an acknowledgement is sent before the worker gives up on it.
    static let acknowledgementAttempts = 6
}

/// The worker's swift-metrics instruments (no-ops unless the application bootstraps a backend).
///
/// Dimensions: `camunda.job.type` and `camunda.worker.name`.
struct WorkerMetrics: Sendable {
    let activated: Counter
    let completed: Counter
    let failed: Counter
    let errored: Counter
    let handedBack: Counter
    let activationErrors: Counter
    let handlerDuration: Metrics.Timer
    let inFlight: Gauge

    init(jobType: String, workerName: String) {
        let dimensions = [("camunda.job.type", jobType), ("camunda.worker.name", workerName)]
        activated = Counter(label: "camunda.worker.jobs.activated", dimensions: dimensions)
        completed = Counter(label: "camunda.worker.jobs.completed", dimensions: dimensions)
        failed = Counter(label: "camunda.worker.jobs.failed", dimensions: dimensions)
        errored = Counter(label: "camunda.worker.jobs.errored", dimensions: dimensions)
        handedBack = Counter(label: "camunda.worker.jobs.handed_back", dimensions: dimensions)
        activationErrors = Counter(label: "camunda.worker.activation.errors", dimensions: dimensions)
        handlerDuration = Metrics.Timer(label: "camunda.worker.handler.duration", dimensions: dimensions)
        inFlight = Gauge(label: "camunda.worker.jobs.in_flight", dimensions: dimensions)
    }
}
