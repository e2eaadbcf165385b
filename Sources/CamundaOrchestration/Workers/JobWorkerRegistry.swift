import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals


/// Holds the job workers created on a client until `runWorkers()` runs them.
package final class JobWorkerRegistry: Sendable {
    private let workers = Mutex<[JobWorker]>([])

    package init() {}

    /// The workers created so far, in order.
    package var all: [JobWorker] { workers.withLock { $0 } }

    func add(_ worker: JobWorker) { workers.withLock { $0.append(worker) } }

    /// Creates a worker from a handler's runner and registers it.
    func makeWorker(
        config: WorkerConfig, defaults: WorkerDefaults, startupJitterMaxSeconds: Double?, runner: JobRunner,
        operations: any CamundaOperations, logger: Logger, hooks: RuntimeHooks = RuntimeHooks()
    ) throws -> JobWorker {
        let resolved = try ResolvedWorkerConfig(config, defaults: defaults, startupJitterMaxSeconds: startupJitterMaxSeconds)
        let worker = JobWorker(config: resolved, runner: runner, operations: operations, logger: logger, hooks: hooks)
        add(worker)
        return worker
    }

    /// Runs every registered worker in a `ServiceGroup` that shuts down gracefully on SIGINT and SIGTERM,
    /// until the calling task is cancelled or a signal arrives. In a `.process` child it serves jobs
    /// from the parent instead and never returns.
    package func runAll(logger: Logger, shutdownGracePeriod: Duration?) async throws {
        let workers = all
        if ProcessWorkerChild.current != nil {
            try await ProcessWorkerChild.serve(candidates: workers)
        }
        guard !workers.isEmpty else {
            throw JobWorkerConfigurationError(
                jobType: "", message: "runWorkers() found no workers: create them with createJobWorker(config:callback:) first")
        }
        if let shutdownGracePeriod {
            for worker in workers { worker.shutdownGracePeriod = shutdownGracePeriod }
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: workers.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

extension JobWorker {
    /// Whether this process is a `.process` child spawned by a worker (where `runWorkers()` serves the
    /// parent's jobs and never returns). Check it to skip work only the parent should do, such as
    /// seeding data or printing progress.
    public static var isChildProcess: Bool { ProcessWorkerChild.current != nil }
}

// MARK: Handlers to runners

extension JobRunner {
    static func connected<Output: Encodable & Sendable>(
        _ strategy: JobExecutionStrategy<ConnectedJobContext>,
        _ handler: @escaping @Sendable (ConnectedJobContext) async throws -> Output
    ) -> JobRunner {
        .async(
            { job, log, client in
                await HandlerOutcome.from { try await handler(ConnectedJobContext(job: job, jobLog: log, client: client)) }
            }, onEventLoop: strategy.onEventLoop)
    }

    static func connected(
        _ strategy: JobExecutionStrategy<ConnectedJobContext>,
        _ handler: @escaping @Sendable (ConnectedJobContext) async throws -> Void
    ) -> JobRunner {
        .async(
            { job, log, client in
                await HandlerOutcome.from { try await handler(ConnectedJobContext(job: job, jobLog: log, client: client)) }
            }, onEventLoop: strategy.onEventLoop)
    }

    static func blocking<Output: Encodable & Sendable>(
        _ strategy: JobExecutionStrategy<SyncJobContext>,
        _ handler: @escaping @Sendable (SyncJobContext) throws -> Output
    ) -> JobRunner {
        .thread { job, log, client in HandlerOutcome.from { try handler(SyncJobContext(job: job, jobLog: log, client: client)) } }
    }

    static func blocking(
        _ strategy: JobExecutionStrategy<SyncJobContext>,
        _ handler: @escaping @Sendable (SyncJobContext) throws -> Void
    ) -> JobRunner {
        .thread { job, log, client in HandlerOutcome.from { try handler(SyncJobContext(job: job, jobLog: log, client: client)) } }
    }

    static func isolated<Output: Encodable & Sendable>(
        _ strategy: JobExecutionStrategy<JobContext>, _ handler: @escaping @Sendable (JobContext) throws -> Output
    ) -> JobRunner {
        isolated(strategy) { context in HandlerOutcome.from { try handler(context) } }
    }

    static func isolated(
        _ strategy: JobExecutionStrategy<JobContext>, _ handler: @escaping @Sendable (JobContext) throws -> Void
    ) -> JobRunner {
        isolated(strategy) { context in HandlerOutcome.from { try handler(context) } }
    }

    private static func isolated(
        _ strategy: JobExecutionStrategy<JobContext>, run: @escaping @Sendable (JobContext) -> HandlerOutcome
    ) -> JobRunner {
        switch strategy.kind ?? .thread {
        case .async: .async({ job, log, _ in run(JobContext(job: job, jobLog: log)) }, onEventLoop: strategy.onEventLoop)
        case .thread: .thread { job, log, _ in run(JobContext(job: job, jobLog: log)) }
        case .process: .process(run)
        }
    }
}
