import Foundation

/// What a job worker activates and how much of it at once.
///
/// Fields left `nil` are inherited, in this order, from the client's ``WorkerDefaults``
/// (`CAMUNDA_WORKER_TIMEOUT`, `CAMUNDA_WORKER_REQUEST_TIMEOUT`, `CAMUNDA_WORKER_MAX_CONCURRENT_JOBS`,
/// `CAMUNDA_WORKER_NAME` from the environment or the client's configuration dictionary), then from the
/// built-in defaults: 10 concurrent jobs, request timeout 0 (the server's default long poll), worker
/// name `camunda-swift-sdk-worker`. The job timeout has no built-in default: a worker without one
/// anywhere is rejected when it is created.
///
/// ```swift
/// let config = WorkerConfig(jobType: "payment", jobTimeoutMilliseconds: 30_000, maxConcurrentJobs: 32)
/// ```
public struct WorkerConfig: Sendable, Hashable {
    /// The job type to activate (the `type` of the service task or listener in the BPMN model).
    public var jobType: String
    /// How long an activated job stays reserved for this worker, in milliseconds.
    public var jobTimeoutMilliseconds: Int64?
    /// How long one activation request may wait for jobs (long polling), in milliseconds; `0` means
    /// the server's default.
    public var requestTimeoutMilliseconds: Int64?
    /// The most jobs this worker holds at once: activated and not yet acknowledged.
    public var maxConcurrentJobs: Int?
    /// The variables to fetch with each job; `nil` fetches all of them.
    public var fetchVariables: [String]?
    /// The worker name the server records on activated jobs.
    public var workerName: String?
    /// The tenants to activate jobs for; `nil` uses the client's tenant, if it has one.
    public var tenantIds: [TenantId]?
    /// Activate jobs with a lease: the worker then sends each job's lease token back with every
    /// acknowledgement (also those a handler sends through `job.client`) so the server can fence
    /// commands against a superseded activation. Requires a server that supports leases.
    public var withLease: Bool

    /// Creates a worker configuration.
    ///
    /// - Parameters:
    ///   - jobType: The job type to activate.
    ///   - jobTimeoutMilliseconds: How long a job is reserved for this worker; inherits `CAMUNDA_WORKER_TIMEOUT`.
    ///   - requestTimeoutMilliseconds: The long-poll timeout; inherits `CAMUNDA_WORKER_REQUEST_TIMEOUT`, then `0`.
    ///   - maxConcurrentJobs: The most jobs held at once; inherits `CAMUNDA_WORKER_MAX_CONCURRENT_JOBS`, then `10`.
    ///   - fetchVariables: The variables to fetch; `nil` fetches all.
    ///   - workerName: The worker name; inherits `CAMUNDA_WORKER_NAME`, then `camunda-swift-sdk-worker`.
    ///   - tenantIds: The tenants to activate jobs for.
    ///   - withLease: Whether to activate jobs with a lease token.
    public init(
        jobType: String,
        jobTimeoutMilliseconds: Int64? = nil,
        requestTimeoutMilliseconds: Int64? = nil,
        maxConcurrentJobs: Int? = nil,
        fetchVariables: [String]? = nil,
        workerName: String? = nil,
        tenantIds: [TenantId]? = nil,
        withLease: Bool = false
    ) {
        self.jobType = jobType
        self.jobTimeoutMilliseconds = jobTimeoutMilliseconds
        self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
        self.maxConcurrentJobs = maxConcurrentJobs
        self.fetchVariables = fetchVariables
        self.workerName = workerName
        self.tenantIds = tenantIds
        self.withLease = withLease
    }

    /// The worker name used when neither the worker nor the client configuration names one.
    public static let defaultWorkerName = "camunda-swift-sdk-worker"
    /// The concurrency used when neither the worker nor the client configuration sets one.
    public static let defaultMaxConcurrentJobs = 10
    /// The long-poll timeout used when neither the worker nor the client configuration sets one (server default).
    public static let defaultRequestTimeoutMilliseconds: Int64 = 0
}

/// A ``WorkerConfig`` with every inherited value filled in and checked.
public struct ResolvedWorkerConfig: Sendable, Hashable {
    /// The job type to activate.
    public var jobType: String
    /// How long an activated job stays reserved for this worker, in milliseconds.
    public var jobTimeoutMilliseconds: Int64
    /// The long-poll timeout in milliseconds (`0`: server default).
    public var requestTimeoutMilliseconds: Int64
    /// The most jobs held at once.
    public var maxConcurrentJobs: Int
    /// The variables to fetch; `nil` fetches all.
    public var fetchVariables: [String]?
    /// The worker name.
    public var workerName: String
    /// The tenants to activate jobs for.
    public var tenantIds: [TenantId]?
    /// Whether jobs are activated with a lease.
    public var withLease: Bool
    /// The upper bound of the random delay before the first poll, in seconds.
    public var startupJitterMaxSeconds: Double

    /// Fills unset fields of `config` from `defaults`, then from the built-in defaults, and checks the result.
    ///
    /// - Parameters:
    ///   - config: The worker's own configuration (wins).
    ///   - defaults: The client's worker defaults (`CAMUNDA_WORKER_*`).
    ///   - startupJitterMaxSeconds: The jitter given to `createJobWorker`, which wins over the defaults.
    /// - Throws: ``JobWorkerConfigurationError`` when the job timeout is missing or a value is out of range.
    public init(
        _ config: WorkerConfig, defaults: WorkerDefaults = WorkerDefaults(), startupJitterMaxSeconds: Double? = nil
    ) throws {
        func fail(_ message: String) -> JobWorkerConfigurationError {
            JobWorkerConfigurationError(jobType: config.jobType, message: message)
        }
        guard !config.jobType.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw fail("jobType must not be empty")
        }
        guard let timeout = config.jobTimeoutMilliseconds ?? defaults.timeoutMilliseconds else {
            throw fail(
                "no job timeout: set WorkerConfig(jobTimeoutMilliseconds:) or CAMUNDA_WORKER_TIMEOUT "
                    + "(environment or the client's configuration)")
        }
        guard timeout > 0 else { throw fail("jobTimeoutMilliseconds must be positive, got \(timeout)") }
        let maxJobs = config.maxConcurrentJobs ?? defaults.maxConcurrentJobs ?? WorkerConfig.defaultMaxConcurrentJobs
        guard maxJobs > 0, maxJobs <= Int(Int32.max) else {
            throw fail("maxConcurrentJobs must be between 1 and \(Int32.max), got \(maxJobs)")
        }
        let requestTimeout =
            config.requestTimeoutMilliseconds ?? defaults.requestTimeoutMilliseconds
            ?? WorkerConfig.defaultRequestTimeoutMilliseconds
        guard requestTimeout >= 0 else {
            throw fail("requestTimeoutMilliseconds must not be negative, got \(requestTimeout)")
        }
        let name = config.workerName ?? defaults.name ?? WorkerConfig.defaultWorkerName
        guard !name.isEmpty else { throw fail("workerName must not be empty") }
        let jitter = startupJitterMaxSeconds ?? defaults.startupJitterMaxSeconds ?? 0
        guard jitter >= 0, jitter.isFinite else {
            throw fail("startupJitterMaxSeconds must be a finite number of seconds >= 0, got \(jitter)")
        }
        self.jobType = config.jobType
        self.jobTimeoutMilliseconds = timeout
        self.requestTimeoutMilliseconds = requestTimeout
        self.maxConcurrentJobs = maxJobs
        self.fetchVariables = config.fetchVariables
        self.workerName = name
        self.tenantIds = config.tenantIds
        self.withLease = config.withLease
        self.startupJitterMaxSeconds = jitter
    }
}

/// A job worker cannot be created because its configuration is incomplete or invalid.
public struct JobWorkerConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The job type of the rejected worker.
    public var jobType: String
    /// What is wrong.
    public var message: String

    /// Creates the error.
    public init(jobType: String, message: String) {
        self.jobType = jobType
        self.message = message
    }

    /// A one-line explanation.
    public var description: String { "invalid job worker configuration for job type '\(jobType)': \(message)" }
}
