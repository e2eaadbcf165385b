import Logging

/// Job workers on the client.
///
/// Create one worker per job type with `createJobWorker(config:executionStrategy:startupJitterMaxSeconds:callback:)`
/// and run them all with ``CamundaClient/runWorkers(shutdownGracePeriod:)``:
///
/// ```swift
/// func handleJob(_ job: ConnectedJobContext) async throws -> [String: JSONValue] {
///     job.log.info("Processing job \(job.jobKey)")
///     return ["result": "processed"]
/// }
///
/// let client = try CamundaClient()
/// try client.createJobWorker(
///     config: WorkerConfig(jobType: "my-service-task", jobTimeoutMilliseconds: 30_000),
///     callback: handleJob)
/// try await client.runWorkers()
/// ```
///
/// The handler's return value completes the job: `[String: JSONValue]` or any `Encodable & Sendable`
/// value as its variables, nothing (`Void`) without variables, a `JobCompletionRequest` as is.
/// Throwing ``JobFailure`` fails it, ``JobError`` raises a BPMN error, and any other error fails it
/// with the error's description and the job's retries minus one.
extension CamundaClient {
    // MARK: Connected async handlers

    /// Creates a worker whose handler runs as a child task and can call the API through `job.client`.
    ///
    /// - Parameters:
    ///   - config: What to activate; unset fields inherit the client's ``WorkerDefaults``.
    ///   - executionStrategy: `.auto` or `.async` (both run the handler as a child task).
    ///   - startupJitterMaxSeconds: The upper bound of a random delay before the first poll; inherits
    ///     `CAMUNDA_WORKER_STARTUP_JITTER_MAX_SECONDS`, then 0.
    ///   - callback: The handler.
    /// - Returns: The worker, registered for ``runWorkers(shutdownGracePeriod:)``.
    /// - Throws: ``JobWorkerConfigurationError`` when the configuration is incomplete (no job timeout) or invalid.
    @discardableResult
    public func createJobWorker<Output: Encodable & Sendable>(
        config: WorkerConfig,
        executionStrategy: JobExecutionStrategy<ConnectedJobContext> = .auto,
        startupJitterMaxSeconds: Double? = nil,
        callback: @escaping @Sendable (ConnectedJobContext) async throws -> Output
    ) throws -> JobWorker {
        try makeWorker(config, startupJitterMaxSeconds, .connected(executionStrategy, callback))
    }

    /// Creates a worker whose handler runs as a child task, returns nothing, and can call the API
    /// through `job.client`; the job completes without variables.
    ///
    /// - Parameters:
    ///   - config: What to activate; unset fields inherit the client's ``WorkerDefaults``.
    ///   - executionStrategy: `.auto` or `.async`.
    ///   - startupJitterMaxSeconds: The upper bound of a random delay before the first poll.
    ///   - callback: The handler.
    /// - Returns: The worker, registered for ``runWorkers(shutdownGracePeriod:)``.
    /// - Throws: ``JobWorkerConfigurationError`` when the configuration is incomplete or invalid.
    @discardableResult
    public func createJobWorker(
        config: WorkerConfig,
        executionStrategy: JobExecutionStrategy<ConnectedJobContext> = .auto,
        startupJitterMaxSeconds: Double? = nil,
        callback: @escaping @Sendable (ConnectedJobContext) async throws -> Void
    ) throws -> JobWorker {
        try makeWorker(config, startupJitterMaxSeconds, .connected(executionStrategy, callback))
    }

    // MARK: Connected blocking handlers

    /// Creates a worker whose synchronous handler runs on a dedicated thread and can call the API
    /// through the blocking `job.client`.
    ///
    /// - Parameters:
    ///   - config: What to activate; unset fields inherit the client's ``WorkerDefaults``.
    ///   - executionStrategy: `.auto` or `.thread` (both use a pool of `maxConcurrentJobs` threads).
    ///   - startupJitterMaxSeconds: The upper bound of a random delay before the first poll.
    ///   - callback: The handler.
    /// - Returns: The worker, registered for ``runWorkers(shutdownGracePeriod:)``.
    /// - Throws: ``JobWorkerConfigurationError`` when the configuration is incomplete or invalid.
    @discardableResult
    public func createJobWorker<Output: Encodable & Sendable>(
        config: WorkerConfig,
        executionStrategy: JobExecutionStrategy<SyncJobContext> = .auto,
        startupJitterMaxSeconds: Double? = nil,
        callback: @escaping @Sendable (SyncJobContext) throws -> Output
    ) throws -> JobWorker {
        try makeWorker(config, startupJitterMaxSeconds, .blocking(executionStrategy, callback))
    }

    /// Creates a worker whose synchronous handler runs on a dedicated thread and returns nothing.
    ///
    /// - Parameters:
    ///   - config: What to activate; unset fields inherit the client's ``WorkerDefaults``.
    ///   - executionStrategy: `.auto` or `.thread`.
    ///   - startupJitterMaxSeconds: The upper bound of a random delay before the first poll.
    ///   - callback: The handler.
    /// - Returns: The worker, registered for ``runWorkers(shutdownGracePeriod:)``.
    /// - Throws: ``JobWorkerConfigurationError`` when the configuration is incomplete or invalid.
    @discardableResult
    public func createJobWorker(
        config: WorkerConfig,
        executionStrategy: JobExecutionStrategy<SyncJobContext> = .auto,
        startupJitterMaxSeconds: Double? = nil,
        callback: @escaping @Sendable (SyncJobContext) throws -> Void
    ) throws -> JobWorker {
        try makeWorker(config, startupJitterMaxSeconds, .blocking(executionStrategy, callback))
    }

    // MARK: Isolated handlers

    /// Creates a worker whose synchronous handler needs only the job: `.auto` and `.thread` run it on
    /// a dedicated thread, `.process` in a child process, `.async` inline in a child task.
    ///
    /// - Parameters:
    ///   - config: What to activate; unset fields inherit the client's ``WorkerDefaults``.
    ///   - executionStrategy: `.auto` (`.thread`), `.thread`, `.process` or `.async`.
    ///   - startupJitterMaxSeconds: The upper bound of a random delay before the first poll.
    ///   - callback: The handler.
    /// - Returns: The worker, registered for ``runWorkers(shutdownGracePeriod:)``.
    /// - Throws: ``JobWorkerConfigurationError`` when the configuration is incomplete or invalid.
    @discardableResult
    public func createJobWorker<Output: Encodable & Sendable>(
        config: WorkerConfig,
        executionStrategy: JobExecutionStrategy<JobContext> = .auto,
        startupJitterMaxSeconds: Double? = nil,
        callback: @escaping @Sendable (JobContext) throws -> Output
    ) throws -> JobWorker {
        try makeWorker(config, startupJitterMaxSeconds, .isolated(executionStrategy, callback))
    }

    /// Creates a worker whose synchronous handler needs only the job and returns nothing.
    ///
    /// - Parameters:
    ///   - config: What to activate; unset fields inherit the client's ``WorkerDefaults``.
    ///   - executionStrategy: `.auto` (`.thread`), `.thread`, `.process` or `.async`.
    ///   - startupJitterMaxSeconds: The upper bound of a random delay before the first poll.
    ///   - callback: The handler.
    /// - Returns: The worker, registered for ``runWorkers(shutdownGracePeriod:)``.
    /// - Throws: ``JobWorkerConfigurationError`` when the configuration is incomplete or invalid.
    @discardableResult
    public func createJobWorker(
        config: WorkerConfig,
        executionStrategy: JobExecutionStrategy<JobContext> = .auto,
        startupJitterMaxSeconds: Double? = nil,
        callback: @escaping @Sendable (JobContext) throws -> Void
    ) throws -> JobWorker {
        try makeWorker(config, startupJitterMaxSeconds, .isolated(executionStrategy, callback))
    }

    // MARK: Running

    /// The workers created on this client, in order.
    public var jobWorkers: [JobWorker] { workers.all }

    /// Runs every worker created on this client until the calling task is cancelled or the process
    /// receives SIGINT or SIGTERM; then each worker stops polling, lets running handlers finish within
    /// `shutdownGracePeriod`, hands back jobs it activated but did not start, and this returns.
    ///
    /// In a child process spawned by a `.process` worker, this serves that worker's jobs and never returns.
    ///
    /// - Parameter shutdownGracePeriod: How long running handlers may take to finish; `nil` keeps each
    ///   worker's ``JobWorker/shutdownGracePeriod`` (30 s unless set).
    /// - Throws: ``JobWorkerConfigurationError`` when no worker was created.
    public func runWorkers(shutdownGracePeriod: Duration? = nil) async throws {
        try await workers.runAll(logger: logger, shutdownGracePeriod: shutdownGracePeriod)
    }

    private func makeWorker(_ config: WorkerConfig, _ jitter: Double?, _ runner: JobRunner) throws -> JobWorker {
        try workers.makeWorker(
            config: config, defaults: configuration.worker, startupJitterMaxSeconds: jitter, runner: runner,
            operations: self, logger: logger, hooks: hooks)
    }
}
