import Foundation
import Logging
import Synchronization
import Testing
@testable import CamundaOrchestration

@Suite("Worker configuration")
struct WorkerConfigurationTests {
    @Test func builtInDefaults() throws {
        let resolved = try ResolvedWorkerConfig(WorkerConfig(jobType: "a", jobTimeoutMilliseconds: 1000))
        #expect(resolved.maxConcurrentJobs == 10)
        #expect(resolved.requestTimeoutMilliseconds == 0)
        #expect(resolved.workerName == "camunda-swift-sdk-worker")
        #expect(resolved.startupJitterMaxSeconds == 0)
    }

    @Test func clientDefaultsFillUnsetFields() throws {
        let defaults = WorkerDefaults(
            timeoutMilliseconds: 5000, maxConcurrentJobs: 3, requestTimeoutMilliseconds: 2000, name: "env-name",
            startupJitterMaxSeconds: 1.5)
        let resolved = try ResolvedWorkerConfig(WorkerConfig(jobType: "a"), defaults: defaults)
        #expect(resolved.jobTimeoutMilliseconds == 5000)
        #expect(resolved.maxConcurrentJobs == 3)
        #expect(resolved.requestTimeoutMilliseconds == 2000)
        #expect(resolved.workerName == "env-name")
        #expect(resolved.startupJitterMaxSeconds == 1.5)
    }

    @Test func workerConfigWinsOverClientDefaults() throws {
        let defaults = WorkerDefaults(
            timeoutMilliseconds: 5000, maxConcurrentJobs: 3, requestTimeoutMilliseconds: 2000, name: "env-name",
            startupJitterMaxSeconds: 1.5)
        let config = WorkerConfig(
            jobType: "a", jobTimeoutMilliseconds: 100, requestTimeoutMilliseconds: 50, maxConcurrentJobs: 7,
            workerName: "mine")
        let resolved = try ResolvedWorkerConfig(config, defaults: defaults, startupJitterMaxSeconds: 0)
        #expect(resolved.jobTimeoutMilliseconds == 100)
        #expect(resolved.maxConcurrentJobs == 7)
        #expect(resolved.requestTimeoutMilliseconds == 50)
        #expect(resolved.workerName == "mine")
        #expect(resolved.startupJitterMaxSeconds == 0)
    }

    @Test func missingJobTimeoutIsAClearError() {
        #expect {
            try ResolvedWorkerConfig(WorkerConfig(jobType: "a"))
        } throws: { error in
            String(describing: error).contains("CAMUNDA_WORKER_TIMEOUT")
        }
    }

    @Test(arguments: [
        WorkerConfig(jobType: "", jobTimeoutMilliseconds: 1),
        WorkerConfig(jobType: "a", jobTimeoutMilliseconds: 0),
        WorkerConfig(jobType: "a", jobTimeoutMilliseconds: 1, maxConcurrentJobs: 0),
        WorkerConfig(jobType: "a", jobTimeoutMilliseconds: 1, requestTimeoutMilliseconds: -1),
        WorkerConfig(jobType: "a", jobTimeoutMilliseconds: 1, workerName: ""),
    ])
    func invalidValuesAreRejected(_ config: WorkerConfig) {
        #expect(throws: JobWorkerConfigurationError.self) { try ResolvedWorkerConfig(config) }
    }
}

@Suite("Worker back-off")
struct WorkerBackoffTests {
    @Test(arguments: [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 16.0), (6, 30.0), (50, 30.0)])
    func activationCeilingDoublesToThirtySeconds(attempt: Int, ceiling: Double) {
        #expect(WorkerBackoff.activationDelay(attempt: attempt, jitter: 0.5) == .milliseconds(Int64(ceiling * 1000)))
        #expect(WorkerBackoff.activationDelay(attempt: attempt, jitter: 0) == .milliseconds(Int64(ceiling * 800)))
        #expect(WorkerBackoff.activationDelay(attempt: attempt, jitter: 1) <= .seconds(30))
    }

    @Test func acknowledgementDelayIsCapped() {
        #expect(WorkerBackoff.acknowledgementDelay(attempt: 1, jitter: 0.5) == .milliseconds(200))
        #expect(WorkerBackoff.acknowledgementDelay(attempt: 20, jitter: 1) == .seconds(5))
    }
}

@Suite("Handler outcomes")
struct HandlerOutcomeTests {
    struct Receipt: Codable, Sendable { var id: String; var total: Int }

    @Test func variablesDictionaryCompletes() {
        #expect(HandlerOutcome.from { ["a": JSONValue.int(1)] } == .complete(JobCompletionRequest(variables: ["a": 1])))
    }

    @Test func encodableCompletesWithItsFields() {
        #expect(
            HandlerOutcome.from { Receipt(id: "x", total: 3) }
                == .complete(JobCompletionRequest(variables: ["id": "x", "total": 3])))
    }

    @Test func voidCompletesWithoutVariables() {
        #expect(HandlerOutcome.from { () } == .complete(JobCompletionRequest()))
    }

    @Test func completionRequestIsSentUnchanged() {
        let request = JobCompletionRequest(
            result: .userTask(JobResultUserTask(denied: true, deniedReason: "no")))
        #expect(HandlerOutcome.from { request } == .complete(request))
    }

    @Test func nonObjectReturnFails() {
        guard case .fail(let message, nil, 0, nil) = HandlerOutcome.from({ "a string" }) else {
            Issue.record("expected a failure")
            return
        }
        #expect(message.contains("not to an object"))
    }

    @Test func thrownErrorsMap() {
        #expect(
            HandlerOutcome.from { () throws -> Void in throw JobFailure(message: "m", retries: 2, retryBackOff: 5000) }
                == .fail(message: "m", retries: 2, retryBackOff: 5000, variables: nil))
        #expect(
            HandlerOutcome.from { () throws -> Void in throw JobError(errorCode: "E", message: "m", variables: ["v": 1]) }
                == .bpmnError(code: "E", message: "m", variables: ["v": 1]))
        struct Oops: Error, CustomStringConvertible { var description: String { "oops" } }
        #expect(
            HandlerOutcome.from { () throws -> Void in throw Oops() }
                == .fail(message: "oops", retries: nil, retryBackOff: 0, variables: nil))
    }

    @Test func outcomeRoundTripsAsJSON() throws {
        let outcome = HandlerOutcome.bpmnError(code: "E", message: "m", variables: ["v": [1, 2]])
        #expect(try CamundaJSON.decode(HandlerOutcome.self, from: CamundaJSON.encode(outcome)) == outcome)
    }
}

@Suite("Worker engine (in-memory)")
struct WorkerEngineTests {
    @Test func processesEveryJobOnceWithinCapacity() async throws {
        let server = InMemoryJobServer()
        server.seed(200)
        let registry = JobWorkerRegistry()
        let running = Mutex((now: 0, peak: 0))
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000, maxConcurrentJobs: 7),
            runner: .connected(.auto) { (job: ConnectedJobContext) async throws -> [String: JSONValue] in
                running.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
                await Task.yield()
                running.withLock { $0.now -= 1 }
                return ["doubled": .int((Int64(job.jobKey.rawValue) ?? 0) * 2)]
            }, operations: server)
        let task = Task { try await worker.run() }
        await server.wait { $0.completions.count == 200 }
        task.cancel()
        try await task.value
        let state = server.state.withLock { $0 }
        #expect(state.completions.values.allSatisfy { $0.count == 1 })
        #expect(state.completions[JobKey("21")]?.first?.variables == ["doubled": 42])
        #expect(state.peak <= 7)
        #expect(worker.peakJobsInFlight <= 7)
        #expect(running.withLock { $0.peak } <= 7)
        #expect(state.activationRequests.allSatisfy { $0.maxJobsToActivate >= 1 && $0.maxJobsToActivate <= 7 })
        #expect(state.activationRequests.first?.worker == "camunda-swift-sdk-worker")
    }

    @Test func retriesNilMeansRetriesMinusOneFlooredAtZero() async throws {
        let server = InMemoryJobServer()
        let three = server.seed(1, retries: 3)
        let zero = server.seed(1, retries: 0)
        let registry = JobWorkerRegistry()
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000),
            runner: .connected(.auto) { (_: ConnectedJobContext) async throws in throw JobFailure(message: "nope") },
            operations: server)
        let task = Task { try await worker.run() }
        await server.wait { $0.failures.count == 2 }
        task.cancel()
        try await task.value
        let failures = server.state.withLock { $0.failures }
        #expect(failures[three[0]]?.first?.retries == 2)
        #expect(failures[zero[0]]?.first?.retries == 0)
        #expect(failures[three[0]]?.first?.errorMessage == "nope")
    }

    @Test func handlerThatAcknowledgesItsOwnJobGetsNoSecondAcknowledgement() async throws {
        let server = InMemoryJobServer()
        server.seed(5)
        let registry = JobWorkerRegistry()
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000),
            runner: .connected(.auto) { (job: ConnectedJobContext) async throws -> [String: JSONValue] in
                try await job.client.completeJob(jobKey: job.jobKey, JobCompletionRequest(variables: ["by": "handler"]))
                return ["by": "worker"]
            }, operations: server)
        let task = Task { try await worker.run() }
        await server.wait { $0.completions.count == 5 }
        task.cancel()
        try await task.value
        let state = server.state.withLock { $0 }
        #expect(state.completions.values.allSatisfy { $0.count == 1 && $0[0].variables == ["by": "handler"] })
        #expect(state.failures.isEmpty)
    }

    @Test func threadHandlersRunOnDedicatedThreadsWithABlockingClient() async throws {
        let server = InMemoryJobServer()
        server.seed(20)
        let registry = JobWorkerRegistry()
        let names = Mutex<Set<String>>([])
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000, maxConcurrentJobs: 4),
            runner: .blocking(.thread) { (job: SyncJobContext) throws in
                names.withLock { _ = $0.insert(JobThreadPool.currentPoolThreadName ?? "not a pool thread") }
                _ = try job.client.publishMessage(MessagePublicationRequest(name: "order-processed"))
            }, operations: server)
        let task = Task { try await worker.run() }
        await server.wait { $0.completions.count == 20 }
        task.cancel()
        try await task.value
        #expect(names.withLock { $0.allSatisfy { $0.hasPrefix("camunda-worker-test-") } })
        #expect(names.withLock { $0.count } <= 4)
        #expect(server.state.withLock { $0.other.filter { $0 == "publishMessage" }.count } == 20)
    }

    @Test func activationErrorsBackOffAndRecover() async throws {
        let server = InMemoryJobServer()
        server.state.withLock { $0.activationFaults = [503, 503, 401, 500] }
        server.seed(3)
        let sleeper = RecordingSleeper()
        let registry = JobWorkerRegistry()
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000),
            runner: .connected(.auto) { (_: ConnectedJobContext) async throws in }, operations: server,
            hooks: sleeper.hooks)
        let task = Task { try await worker.run() }
        await server.wait { $0.completions.count == 3 }
        task.cancel()
        try await task.value
        #expect(Array(sleeper.requested.withLock { $0 }.prefix(4)) == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
    }

    @Test(arguments: [(lockHolds: true, completed: true), (lockHolds: false, completed: false)])
    func acknowledgementsAreRetriedWhileTheLockHolds(lockHolds: Bool, completed: Bool) async throws {
        let server = InMemoryJobServer()
        server.state.withLock { $0.acknowledgementFaults = Array(repeating: 503, count: 10) }
        server.seed(1)  // deadline 1_700_000_000_000 ms (November 2023)
        let sleeper = RecordingSleeper()
        var hooks = sleeper.hooks
        let now = Date(timeIntervalSince1970: lockHolds ? 1_699_999_000 : 1_700_000_001)
        hooks.wallClock = { now }
        let registry = JobWorkerRegistry()
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000),
            runner: .connected(.auto) { (_: ConnectedJobContext) async throws in }, operations: server, hooks: hooks)
        let task = Task { try await worker.run() }
        // Ten 503s: past the lock only the first six attempts are made; while it holds the eleventh succeeds.
        await server.wait { $0.acknowledgementAttempts == (lockHolds ? 11 : WorkerBackoff.acknowledgementAttempts) }
        task.cancel()
        try await task.value
        #expect(server.state.withLock { $0.completions.count } == (completed ? 1 : 0))
        #expect(server.state.withLock { $0.acknowledgementAttempts } == (lockHolds ? 11 : WorkerBackoff.acknowledgementAttempts))
    }

    @Test func shutdownFinishesRunningHandlersAndHandsBackUnstartedJobs() async throws {
        let server = InMemoryJobServer()
        server.seed(3)
        let registry = JobWorkerRegistry()
        let cancelled = Mutex(false)
        let started = AsyncCounter()
        let gate = AsyncGate()
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000, maxConcurrentJobs: 3),
            runner: .connected(.auto) { (_: ConnectedJobContext) async throws -> [String: JSONValue] in
                await started.increment()
                await gate.wait()
                if Task.isCancelled { cancelled.withLock { $0 = true } }
                return ["finished": true]
            }, operations: server)
        let task = Task { try await worker.run() }
        await started.wait(for: 3)
        task.cancel()
        // Cancellation does not reach the handlers: they are still waiting for the gate.
        await gate.open()
        try await task.value
        let state = server.state.withLock { $0 }
        #expect(state.completions.count == 3)
        #expect(state.completions.values.allSatisfy { $0[0].variables == ["finished": true] })
        #expect(!cancelled.withLock { $0 })
    }

    @Test func jobsActivatedAfterStopAreHandedBackWithUnchangedRetries() async throws {
        let server = InMemoryJobServer()
        let registry = JobWorkerRegistry()
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000),
            runner: .connected(.auto) { (_: ConnectedJobContext) async throws in }, operations: server)
        // An activation that returns jobs although the worker stopped while it was under way.
        let stopping = StopOnActivation(server: server)
        let stoppingWorker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000),
            runner: .connected(.auto) { (_: ConnectedJobContext) async throws in Issue.record("must not start") },
            operations: stopping)
        stopping.worker.withLock { $0 = stoppingWorker }
        _ = worker
        server.seed(2, retries: 5)
        try await stoppingWorker.run()
        let failures = server.state.withLock { $0.failures }
        #expect(failures.count == 2)
        #expect(failures.values.allSatisfy { $0[0].retries == 5 && $0[0].retryBackOff == 0 })
    }

    @Test func drainBoundCancelsSlowHandlersAndHandsTheirJobsBack() async throws {
        let server = InMemoryJobServer()
        server.seed(1, retries: 4)
        let registry = JobWorkerRegistry()
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000),
            runner: .connected(.auto) { (_: ConnectedJobContext) async throws in
                try await Task.sleep(for: .seconds(3600))
            }, operations: server, hooks: RecordingSleeper().hooks)
        let task = Task { try await worker.run() }
        await server.wait { $0.activated.count == 1 }
        task.cancel()
        try await task.value
        let failures = server.state.withLock { $0.failures }
        #expect(failures.values.first?.first?.retries == 4)
        #expect(failures.values.first?.first?.retryBackOff == 0)
    }
}

/// Stops the worker while its first activation is under way, then answers it with the server's jobs.
final class StopOnActivation: CamundaOperations {
    let server: InMemoryJobServer
    let worker = Mutex<JobWorker?>(nil)
    init(server: InMemoryJobServer) {
        self.server = server
    }
    func send(_ request: OperationRequest) async throws -> OperationResponse {
        if request.operationID == "activateJobs" {
            worker.withLock { $0 }?.stop()
            // The stop cancelled this request's task; answer anyway, as a server that already activated would.
            return try await Task { try await server.send(request) }.value
        }
        return try await server.send(request)
    }
}

/// A gate tasks wait at until it opens.
final class AsyncGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }
    func open() async {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A counter tasks can wait on until it reaches a value.
final class AsyncCounter: Sendable {
    private let state = Mutex<(value: Int, waiters: [(Int, CheckedContinuation<Void, Never>)])>((0, []))
    func increment() async {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.value += 1
            let value = state.value
            let ready = state.waiters.filter { $0.0 <= value }.map(\.1)
            state.waiters.removeAll { $0.0 <= value }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }
    func wait(for target: Int) async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.value >= target { return true }
                state.waiters.append((target, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }
}
