/// Defaults for job workers taken from the configuration (`CAMUNDA_WORKER_*`); `nil` when not given anywhere.
///
/// A worker's own options win over these; the worker runtime supplies its own defaults for what is `nil`.
public struct WorkerDefaults: Sendable, Hashable {
    /// The job lock timeout in milliseconds (`CAMUNDA_WORKER_TIMEOUT`).
    public var timeoutMilliseconds: Int64?
    /// How many jobs a worker handles at once (`CAMUNDA_WORKER_MAX_CONCURRENT_JOBS`).
    public var maxConcurrentJobs: Int?
    /// The long-poll timeout of job activation in milliseconds (`CAMUNDA_WORKER_REQUEST_TIMEOUT`).
    public var requestTimeoutMilliseconds: Int64?
    /// The worker name sent with job activation (`CAMUNDA_WORKER_NAME`).
    public var name: String?
    /// Upper bound of a random delay before a worker's first poll, in seconds (`CAMUNDA_WORKER_STARTUP_JITTER_MAX_SECONDS`).
    public var startupJitterMaxSeconds: Double?

    /// Creates worker defaults; every value defaults to `nil` (not configured).
    public init(
        timeoutMilliseconds: Int64? = nil, maxConcurrentJobs: Int? = nil, requestTimeoutMilliseconds: Int64? = nil,
        name: String? = nil, startupJitterMaxSeconds: Double? = nil
    ) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maxConcurrentJobs = maxConcurrentJobs
        self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
        self.name = name
        self.startupJitterMaxSeconds = startupJitterMaxSeconds
    }
}
