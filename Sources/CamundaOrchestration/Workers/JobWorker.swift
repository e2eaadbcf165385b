import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// How a worker runs its handler, with the handler's type erased.
enum JobRunner: Sendable {
    /// In a child task, with a connected context; on the client's event loop when `onEventLoop`.
    case async(@Sendable (ActivatedJobResult, JobLog, JobClient) async -> HandlerOutcome, onEventLoop: Bool)
    /// On a pool thread, with a blocking client.
    case thread(@Sendable (ActivatedJobResult, JobLog, JobBlockingClient) -> HandlerOutcome)
    /// In a child process; the closure is what the child runs.
    case process(@Sendable (JobContext) -> HandlerOutcome)

    var kind: JobExecutionKind {
        switch self {
        case .async: .async
        case .thread: .thread
        case .process: .process
        }
    }
}

/// A job worker: activates jobs of one type and runs a handler for each, within
/// ``ResolvedWorkerConfig/maxConcurrentJobs``.
///
/// Create workers with `CamundaClient.createJobWorker(config:executionStrategy:startupJitterMaxSeconds:callback:)`
/// and run them all with `runWorkers()`, or run one as a swift-service-lifecycle `Service` in your
/// own `ServiceGroup`: ``run()`` polls until graceful shutdown or cancellation, then stops polling,
/// lets running handlers finish within ``shutdownGracePeriod``, hands back jobs that were activated but
/// not started, and returns. A cancellation that follows a `ServiceGroup`'s graceful shutdown is the
/// hard stop: the handlers still running are cancelled at once and their jobs handed back.
public final class JobWorker: Service, Sendable, CustomStringConvertible {
    /// The worker's configuration with every inherited value filled in.
    public let config: ResolvedWorkerConfig
    /// Where the handler runs.
    public let executionStrategy: JobExecutionKind

    let operations: any CamundaOperations
    let logger: Logger
    let runner: JobRunner
    /// Time and randomness: the client's (see ``RuntimeHooks``).
    let hooks: RuntimeHooks
    let metrics: WorkerMetrics
    /// For `.process` workers: the n-th `.process` worker created in this process (how a child finds it).
    let processOrdinal: Int?
    private let state: Mutex<WorkerStateMachine>
    private let gracePeriod: Mutex<Duration>
    private let childCommand = Mutex<ProcessChildCommand?>(nil)

    /// For tests: spawn `.process` children from another executable that registers a `.process`
    /// worker for the same job type as its `ordinal`-th `.process` worker.
    package func useProcessChildren(
        executable: String, arguments: [String] = [], environment: [String: String] = [:], ordinal: Int
    ) {
        childCommand.withLock {
            $0 = ProcessChildCommand(executable: executable, arguments: arguments, environment: environment, ordinal: ordinal)
        }
    }

    init(
        config: ResolvedWorkerConfig, runner: JobRunner, operations: any CamundaOperations, logger: Logger,
        hooks: RuntimeHooks = RuntimeHooks()
    ) {
        self.config = config
        self.executionStrategy = runner.kind
        self.operations = operations
        self.runner = runner
        self.hooks = hooks
        var logger = logger
        logger[metadataKey: "camunda.job.type"] = .string(config.jobType)
        logger[metadataKey: "camunda.worker.name"] = .string(config.workerName)
        self.logger = logger
        self.metrics = WorkerMetrics(jobType: config.jobType, workerName: config.workerName)
        self.processOrdinal = runner.kind == .process ? ProcessWorkerChild.nextOrdinal() : nil
        self.state = Mutex(WorkerStateMachine(capacity: config.maxConcurrentJobs))
        self.gracePeriod = Mutex(.seconds(30))
    }

    /// How long running handlers may take to finish once the worker stops (default 30 s). Handlers
    /// still running then are cancelled and their jobs handed back.
    public var shutdownGracePeriod: Duration {
        get { gracePeriod.withLock { $0 } }
        set { gracePeriod.withLock { $0 = newValue } }
    }

    /// The most jobs this worker has held at once (activated, not yet acknowledged) since it was created.
    public var peakJobsInFlight: Int { state.withLock { $0.peakInFlight } }

    /// The jobs this worker holds now.
    public var jobsInFlight: Int { state.withLock { $0.inFlight } }

    /// Whether the worker has stopped polling and is draining.
    var isStopping: Bool { state.withLock { $0.isStopping } }

    /// The client's event loop as a task executor, when the handler asked for it
    /// (`.asyncOnEventLoop`) and the worker's client sends with its own transport.
    var eventLoopExecutor: (any TaskExecutor)? {
        guard case .async(_, onEventLoop: true) = runner else { return nil }
        return transportExecutor
    }

    /// The client's event loop as a task executor when the worker's client sends with its own transport.
    private var transportExecutor: (any TaskExecutor)? {
        (operations as? CamundaClient)?.transportTaskExecutor
    }

    /// A one-line summary: job type, worker name, strategy, concurrency.
    public var description: String {
        "JobWorker(type: \(config.jobType), name: \(config.workerName), strategy: \(executionStrategy), "
            + "maxConcurrentJobs: \(config.maxConcurrentJobs))"
    }

    // MARK: Running

    /// Polls for jobs and handles them until graceful shutdown or cancellation; then drains and returns.
    ///
    /// In a `.process` child (see ``JobWorker/isChildProcess``) it serves jobs from the parent instead
    /// and never returns.
    public func run() async throws {
        if ProcessWorkerChild.current != nil {
            try await ProcessWorkerChild.serve(candidates: [self])
        }
        guard state.withLock({ $0.start() }) else {
            throw JobWorkerConfigurationError(jobType: config.jobType, message: "the worker is already running")
        }
        defer { state.withLock { $0.finish() } }
        let resources = try startResources()
        logger.info(
            "Job worker started",
            metadata: [
                "camunda.worker.strategy": .string(executionStrategy.rawValue),
                "camunda.worker.max_concurrent_jobs": .stringConvertible(config.maxConcurrentJobs),
            ])
        // Everything the run does (the poll loop, the handlers, their acknowledgements, the drain bound)
        // is a child task of `host`, in task groups (see ``host(resources:)``), and `run()` returns only
        // once `host` has: nothing of the run outlives it.
        //
        // `host` itself is the one unstructured task, because structured concurrency cannot give the
        // documented shutdown: cancelling the caller (`runWorkers()`'s task, or a `ServiceGroup`
        // cancelling its services) must stop polling and *drain* (running handlers finish within
        // ``shutdownGracePeriod`` and are acknowledged), and a child task of a cancelled task is
        // cancelled with it; Swift 6.3 has no cancellation shield. So the caller's cancellation is
        // turned into ``stop()`` here, and only the drain bound (or a hard stop) cancels the handlers.
        // Handlers run on Swift's global executor, not on the transport's event loop: a handler that
        // computes or blocks must not hold up the connections (and the timers that bound every
        // request) of the whole client. BENCHMARKS.md gives the CPU this costs per job. With
        // `.asyncOnEventLoop` the user says the handler never does: then every task of the run prefers
        // the client's event loop, and a job's response, handler and acknowledgement never change thread.
        let host = Task(executorPreference: eventLoopExecutor) { await self.host(resources: resources) }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await host.value
            } onGracefulShutdown: {
                self.state.withLock { $0.gracefulShutdownSignalled() }
                self.stop()
            }
        } onCancel: {
            // Cancellation after a `ServiceGroup`'s graceful shutdown (its `maximumGracefulShutdownDuration`
            // passed, or a cancellation signal) is the hard stop; on its own it is the graceful stop.
            if self.state.withLock({ $0.shutdownSignalled }) {
                self.hardStop()
            } else {
                self.stop()
            }
        }
        resources.close()
        logger.info("Job worker stopped")
    }

    /// The run's structure, all of it child tasks:
    ///
    /// - the outer group: the job group (one child), and acknowledgements sent after the drain bound
    ///   cancelled their handler (``WorkerShelter``);
    /// - the job group: the poll loop (one child, in a group of its own with a watcher that cancels it
    ///   on ``stop()``) and one child per job (its handler, then its acknowledgement); its body starts
    ///   the jobs the poll loop hands over, then drains, and cancels the jobs still running when the
    ///   drain bound passes.
    private func host(resources: WorkerResources) async {
        let shelter = resources.shelter
        await withDiscardingTaskGroup { outer in
            outer.addTask {
                await withDiscardingTaskGroup { jobs in
                    let batches = WorkerChannel<JobBatch>()
                    jobs.addTask { await self.poll(into: batches) }
                    while let batch = await batches.next() {
                        for job in batch.jobs {
                            switch batch.action {
                            case .start:
                                jobs.addTask { await self.process(job, resources: resources) }
                            case .handBack(let reason):
                                jobs.addTask { await self.handBack(job, reason: reason, resources: resources) }
                            }
                        }
                    }
                    if await !self.drain() { jobs.cancelAll() }
                }
                shelter.channel.finish()
            }
            while let work = await shelter.channel.next() {
                outer.addTask { await work() }
            }
        }
    }

    /// Runs the poll loop until it ends (the worker stopped) or ``stop()`` cancels it, then closes `batches`.
    private func poll(into batches: WorkerChannel<JobBatch>) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pollLoop(into: batches) }
            group.addTask { await self.waitForStop() }
            _ = await group.next()
            group.cancelAll()
        }
        batches.finish()
    }

    /// Returns once the worker stops (or the task is cancelled).
    private func waitForStop() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if state.withLock({ $0.waitForStop(continuation, cancelled: Task.isCancelled) }) { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.cancelStopWait() }?.resume()
        }
    }

    /// Asks the worker to stop polling and drain; ``run()`` returns once it has.
    public func stop() {
        let actions = state.withLock { $0.stop() }
        actions.stopWaiter?.resume()
        actions.capacityWaiter?.resume(returning: false)
    }

    /// Stops polling and ends the drain at once: running handlers are cancelled and their jobs handed back.
    func hardStop() {
        stop()
        state.withLock { $0.hardStop() }?.resume(returning: false)
    }

    private func startResources() throws -> WorkerResources {
        let executor = transportExecutor
        switch runner {
        case .async:
            return WorkerResources(threads: nil, processes: nil, acknowledgementExecutor: executor)
        case .thread:
            return WorkerResources(
                threads: JobThreadPool(size: config.maxConcurrentJobs, name: "camunda-worker-\(config.jobType)"),
                processes: nil, acknowledgementExecutor: executor)
        case .process:
            let threads = JobThreadPool(size: config.maxConcurrentJobs, name: "camunda-worker-\(config.jobType)")
            let command =
                childCommand.withLock { $0 }
                ?? ProcessChildCommand(
                    executable: ProcessChildPool.executablePath(), arguments: Array(CommandLine.arguments.dropFirst()),
                    ordinal: processOrdinal ?? 0)
            let processes = try ProcessChildPool(command: command, jobType: config.jobType, logger: logger)
            return WorkerResources(threads: threads, processes: processes, acknowledgementExecutor: executor)
        }
    }

    /// Polls while the worker runs and has capacity, handing the jobs to the job group. ``stop()``
    /// cancels it (see ``poll(into:)``), which ends a long poll or a back-off sleep under way.
    private func pollLoop(into batches: WorkerChannel<JobBatch>) async {
        if config.startupJitterMaxSeconds > 0 {
            let delay = config.startupJitterMaxSeconds * hooks.random()
            logger.debug("Delaying the first poll by \(String(format: "%.2f", delay)) s (start-up jitter)")
            try? await hooks.clock.sleep(for: .milliseconds(Int64(delay * 1000)))
        }
        while true {
            let capacity: Int
            switch state.withLock({ $0.nextPoll() }) {
            case .stop:
                return
            case .poll(let free):
                capacity = free
            case .wait:
                let hasCapacity = await withCheckedContinuation { continuation in
                    let immediate = state.withLock { $0.waitForCapacity(continuation) }
                    if let (continuation, value) = immediate { continuation.resume(returning: value) }
                }
                if !hasCapacity { return }
                continue
            }
            if Task.isCancelled { return }
            let request = activationRequest(capacity: capacity)
            let sentAt = hooks.clock.now
            let result: Result<JobActivationResult, any Error>
            do {
                result = .success(try await operations.activateJobs(request))
            } catch {
                result = .failure(error)
            }
            switch result {
            case .success(let response):
                let now = hooks.clock.now
                if let recovered = state.withLock({ $0.activationSucceeded(now: now) }) {
                    let failures = recovered.failures
                    if let timingOutSince = recovered.timingOutSince {
                        let seconds = (now - timingOutSince).camundaSeconds
                        let message =
                            "Requests to the gateway recovered: job activation succeeded after \(failures) failed attempt(s), "
                            + "\(String(format: "%.1f", seconds)) s after requests started timing out"
                        logger.info("\(message)")
                    } else {
                        logger.info("Job activation recovered after \(failures) failed attempt(s)")
                    }
                }
                handle(response.jobs, into: batches)
            case .failure(let error):
                if state.withLock({ $0.isStopping }) { return }
                await activationFailed(error, sentAt: sentAt)
            }
        }
    }

    private func activationRequest(capacity: Int) -> JobActivationRequest {
        JobActivationRequest(
            type: config.jobType, worker: config.workerName, timeout: config.jobTimeoutMilliseconds,
            maxJobsToActivate: Int32(clamping: capacity), fetchVariable: config.fetchVariables,
            requestTimeout: config.requestTimeoutMilliseconds, tenantIds: config.tenantIds,
            withLease: config.withLease ? true : nil)
    }

    /// Counts activated jobs in flight and hands them over: to start, or (when the worker stopped
    /// while they were being activated) to hand back at once.
    private func handle(_ jobs: [ActivatedJobResult], into batches: WorkerChannel<JobBatch>) {
        guard !jobs.isEmpty else { return }
        let (mayStart, inFlight) = state.withLock { $0.activated(jobs.count) }
        metrics.activated.increment(by: jobs.count)
        metrics.inFlight.record(inFlight)
        logger.debug("Activated \(jobs.count) job(s)")
        if config.withLease, jobs.contains(where: { $0.jobLeaseToken == nil }) {
            logger.error(
                "The server returned jobs without a lease token although the worker asked for leases; handing them back")
            batches.send(JobBatch(jobs: jobs, action: .handBack(reason: "the server did not honour the job lease")))
            return
        }
        batches.send(JobBatch(jobs: jobs, action: mayStart ? .start : .handBack(reason: "the job worker is shutting down")))
    }

    private func activationFailed(_ error: any Error, sentAt: ContinuousClock.Instant) async {
        metrics.activationErrors.increment()
        let category = Self.category(of: error)
        let failure = FailureClass.of(error)
        let (attempt, changed) = state.withLock { $0.activationFailed(category: category) }
        let delay = WorkerBackoff.activationDelay(
            attempt: attempt, jitter: hooks.random(), connectionFailure: failure.isConnectionFailure)
        if failure.isTimeout {
            let now = hooks.clock.now
            if state.withLock({ $0.requestTimedOut(sentAt: sentAt, now: now) }) {
                logTimeoutsStarted(error, what: "Job activation")
            } else {
                logger.debug("Job activation timed out again (attempt \(attempt), next in \(delay)): \(error)")
            }
        } else if changed {
            let level: Logger.Level = category.hasPrefix("HTTP 401") || category.hasPrefix("HTTP 403") ? .error : .warning
            logger.log(
                level: level,
                "Job activation failing (\(category)); retrying with back-off up to 30 s, logging again when this changes",
                metadata: ["error": .string(String(describing: error))])
        } else {
            logger.debug("Job activation failed again (attempt \(attempt), next in \(delay)): \(error)")
        }
        try? await hooks.clock.sleep(for: delay)
    }

    /// One warning per stretch of timeouts (polls and acknowledgements alike); the recovery is one info line.
    private func logTimeoutsStarted(_ error: any Error, what: String) {
        let message =
            "Requests to the gateway are timing out (\(what) got no complete response within its client-side bound); "
            + "connections are replaced, polls retried with back-off up to 10 s, acknowledgements while the job's lock holds; "
            + "logging again when requests succeed"
        logger.warning("\(message)", metadata: ["error": .string(String(describing: error))])
    }


    static func category(of error: any Error) -> String {
        if let error = error as? CamundaError {
            if let status = error.status { return "HTTP \(status)" }
            return error.kind.description
        }
        return String(describing: type(of: error))
    }

    // MARK: Jobs

    /// Runs the handler, then acknowledges, in the job's child task of the run's job group (no task of
    /// its own per job: each one costs a thread hop). Only the drain bound (or a hard stop) cancels it.
    private func process(_ job: ActivatedJobResult, resources: WorkerResources) async {
        let jobLog = JobLog(worker: logger, jobKey: job.jobKey)
        let client = JobClient(underlying: operations, jobKey: job.jobKey, leaseToken: job.jobLeaseToken?.rawValue)
        let started = hooks.clock.now
        let outcome: HandlerOutcome
        switch runner {
        case .async(let handler, _):
            outcome = await handler(job, jobLog, client)
        case .thread(let handler):
            if let threads = resources.threads {
                // The handler is synchronous code on an OS thread of the pool (not a task): the job's
                // task awaits it; when the drain bound cancels the task, the job is handed back at once
                // and the thread's late result is dropped (a thread cannot be cancelled).
                outcome =
                    await threads.run { handler(job, jobLog, JobBlockingClient(client)) }
                    ?? .handBack(reason: "the job worker shut down before the handler finished")
            } else {
                outcome = .handBack(reason: "no thread pool")
            }
        case .process:
            if let threads = resources.threads, let processes = resources.processes {
                outcome = await processes.execute(job, on: threads, logger: jobLog.logger)
            } else {
                outcome = .handBack(reason: "no process pool")
            }
        }
        let elapsed = hooks.clock.now - started
        metrics.handlerDuration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        // The acknowledgement is encoded, sent and answered on the event loop its connection lives on
        // (when the client sends with its own transport): the job's task moves there once, instead of
        // handing the write to the loop and being handed the answer back (BENCHMARKS.md: -6 % CPU/job).
        // Nothing of the handler's runs there.
        await withTaskExecutorPreference(resources.acknowledgementExecutor) {
            await acknowledge(job, outcome: outcome, client: client, logger: jobLog, shelter: resources.shelter)
            finishJob()
        }
    }

    private func handBack(_ job: ActivatedJobResult, reason: String, resources: WorkerResources) async {
        let client = JobClient(underlying: operations, jobKey: job.jobKey, leaseToken: job.jobLeaseToken?.rawValue)
        await acknowledge(
            job, outcome: .handBack(reason: reason), client: client, logger: JobLog(worker: logger, jobKey: job.jobKey),
            shelter: resources.shelter)
        finishJob()
    }

    private func finishJob() {
        let actions = state.withLock { $0.jobFinished() }
        metrics.inFlight.record(actions.inFlight)
        actions.capacityWaiter?.resume(returning: true)
        actions.drainWaiter?.resume(returning: true)
    }

    /// `logger` adds the job's key only to messages actually logged (the level is checked first).
    private func acknowledge(
        _ job: ActivatedJobResult, outcome: HandlerOutcome, client operations: JobClient, logger: JobLog,
        shelter: WorkerShelter
    ) async {
        if operations.tracker.isAcknowledged {
            logger.debug("The handler acknowledged the job itself; sending nothing more")
            return
        }
        // Through the job's client (the handler's): its `prepare` adds the job's lease token, as it does
        // to the handler's own acknowledgements.
        switch outcome {
        case .complete(let completion):
            let ok = await send("completeJob", job: job, logger: logger, shelter: shelter) {
                try await operations.completeJob(jobKey: job.jobKey, completion)
            }
            if ok {
                metrics.completed.increment()
                logger.debug("Job completed")
            }
        case .fail(let message, let retries, let backOff, let variables):
            let retries = retries ?? max(job.retries - 1, 0)
            let request = JobFailRequest(retries: retries, errorMessage: message, retryBackOff: backOff, variables: variables)
            let ok = await send("failJob", job: job, logger: logger, shelter: shelter) { try await operations.failJob(jobKey: job.jobKey, request) }
            if ok {
                metrics.failed.increment()
                logger.info(
                    "Job failed: \(message)",
                    metadata: ["camunda.job.retries": .stringConvertible(retries), "camunda.job.retry_back_off": .stringConvertible(backOff)])
            }
        case .bpmnError(let code, let message, let variables):
            let request = JobErrorRequest(errorCode: code, errorMessage: message.isEmpty ? nil : message, variables: variables)
            let ok = await send("throwJobError", job: job, logger: logger, shelter: shelter) {
                try await operations.throwJobError(jobKey: job.jobKey, request)
            }
            if ok {
                metrics.errored.increment()
                logger.info("BPMN error thrown: \(code)", metadata: ["camunda.job.error_code": .string(code)])
            }
        case .handBack(let reason):
            let request = JobFailRequest(retries: job.retries, errorMessage: reason, retryBackOff: 0)
            let ok = await send("failJob", job: job, logger: logger, shelter: shelter) { try await operations.failJob(jobKey: job.jobKey, request) }
            if ok {
                metrics.handedBack.increment()
                logger.info("Job handed back unchanged: \(reason)")
            }
        }
    }

    /// Sends an acknowledgement, retrying transient failures with back-off; `true` when it arrived.
    ///
    /// Transient failures are retried ``WorkerBackoff/acknowledgementAttempts`` times, and beyond that
    /// for as long as the job's lock holds (its `deadline`) and the worker is not stopping: an
    /// acknowledgement that gets through once the cluster recovers saves running the handler again
    /// after the job times out. Once the lock has expired the server may hand the job to another worker.
    private func send(
        _ operation: String, job: ActivatedJobResult, logger: JobLog, shelter: WorkerShelter,
        _ body: @escaping @Sendable () async throws -> Void
    ) async -> Bool {
        var attempt = 0
        while true {
            attempt += 1
            let sentAt = hooks.clock.now
            do {
                if Task.isCancelled {
                    // The drain bound cancelled the handlers: acknowledge from a child task of the run
                    // that this cancellation does not reach (a hand-back is what lets another worker
                    // take the job at once).
                    try await shelter.run { try await body() }
                } else {
                    try await body()
                }
                let now = hooks.clock.now
                if let since = state.withLock({ $0.acknowledgementAnswered(now: now) }) {
                    let seconds = (now - since).camundaSeconds
                    self.logger.info(
                        "Requests to the gateway recovered: \(operation) succeeded \(String(format: "%.1f", seconds)) s after requests started timing out")
                }
                return true
            } catch let error as CamundaError where error.kind == .cancelled && Task.isCancelled && attempt == 1 {
                // Cancelled half-way by the drain bound: send it again, shielded.
                logger.debug("\(operation) was interrupted by the shutdown; sending it again")
                continue
            } catch let error as CamundaError where error.status == 404 || error.status == 409 {
                logger.warning(
                    "\(operation) rejected: the job is gone (timed out, cancelled or acknowledged elsewhere); not retrying",
                    metadata: ["error": .string(error.description)])
                return false
            } catch {
                let failure = FailureClass.of(error)
                let timedOut = failure.isTimeout
                let now = hooks.clock.now
                if timedOut, state.withLock({ $0.requestTimedOut(sentAt: sentAt, now: now) }) {
                    logTimeoutsStarted(error, what: operation)
                }
                guard failure.isTransient,
                    mayRetryAcknowledgement(after: attempt, deadline: job.deadline, timedOut: timedOut)
                else {
                    let reason = timedOut ? " (timed out, and the job's lock has expired: it is left to time out)" : ""
                    logger.error(
                        "\(operation) failed after \(attempt) attempt(s)\(reason); the job will be retried by the server after its timeout",
                        metadata: ["error": .string(String(describing: error))])
                    return false
                }
                let delay = WorkerBackoff.acknowledgementDelay(attempt: attempt, jitter: hooks.random())
                logger.debug("\(operation) failed transiently (attempt \(attempt)); retrying in \(delay): \(error)")
                if Task.isCancelled {
                    // A cancelled sleep returns at once; past the drain bound the back-off still holds.
                    let clock = hooks.clock
                    _ = try? await shelter.run { try? await clock.sleep(for: delay) }
                } else {
                    try? await hooks.clock.sleep(for: delay)
                }
            }
        }
    }

    /// Whether to send an acknowledgement again after `attempt` transient failures. A timed-out one
    /// is sent again (on a fresh connection: the timeout replaced the pool) only while the job's lock
    /// holds, never after: by then the server may have handed the job to another worker, so it is
    /// left to time out. Other transient failures get ``WorkerBackoff/acknowledgementAttempts``
    /// attempts, then more while the lock holds.
    private func mayRetryAcknowledgement(after attempt: Int, deadline: Int64, timedOut: Bool) -> Bool {
        let lockHolds = hooks.wallClock().timeIntervalSince1970 * 1000 < Double(deadline)
        if timedOut { return lockHolds && (attempt < WorkerBackoff.acknowledgementAttempts || !state.withLock { $0.isStopping }) }
        if attempt < WorkerBackoff.acknowledgementAttempts { return true }
        return lockHolds && !state.withLock { $0.isStopping }
    }


    // MARK: Drain

    /// Waits until no job is in flight (`true`), or the drain bound passes or a hard stop comes
    /// (`false`: the caller cancels the jobs still running). The bound is a child task.
    private func drain() async -> Bool {
        let pending = jobsInFlight
        if pending > 0 { logger.info("Waiting for \(pending) job(s) in flight to finish") }
        let bound = shutdownGracePeriod
        let clock = hooks.clock
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do { try await clock.sleep(for: bound) } catch { return }
                if Task.isCancelled { return }
                guard let waiter = self.state.withLock({ $0.drainTimeout() }) else { return }
                self.logger.warning(
                    "\(self.jobsInFlight) job(s) still in flight after the shutdown grace period of \(bound); cancelling their handlers and handing the jobs back")
                waiter.resume(returning: false)
            }
            let drained = await withCheckedContinuation { continuation in
                if let immediate = state.withLock({ $0.waitForDrain(continuation) }) {
                    continuation.resume(returning: immediate)
                }
            }
            group.cancelAll()
            return drained
        }
    }
}

/// The pools a running worker uses.
struct WorkerResources: Sendable {
    let threads: JobThreadPool?
    let processes: ProcessChildPool?
    /// The client's event loop when it sends with its own transport: where acknowledgements are sent from.
    let acknowledgementExecutor: (any TaskExecutor)?
    /// Where acknowledgements cut off by the drain bound are sent from.
    let shelter = WorkerShelter()

    func close() {
        threads?.close()
        processes?.close()
    }
}
