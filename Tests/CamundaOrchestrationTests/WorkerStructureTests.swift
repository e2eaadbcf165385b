import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import CamundaOrchestration

/// The worker's run is structured: the poll loop, the handlers, their acknowledgements and the drain
/// bound are child tasks of it, so nothing outlives `run()`; graceful shutdown drains, and a
/// cancellation after a `ServiceGroup`'s graceful shutdown is the hard stop.
@Suite("Worker structure")
struct WorkerStructureTests {
    /// A handler cut off by the drain bound that keeps going (as one cleaning up would): `run()` waits
    /// for it, and its acknowledgement, sent after the cancellation, still arrives once.
    @Test func runReturnsOnlyAfterCancelledHandlersAndTheirAcknowledgementsEnd() async throws {
        let server = InMemoryJobServer()
        server.seed(1)
        let registry = JobWorkerRegistry()
        let sawCancellation = Mutex(false)
        let ended = Mutex(false)
        let returned = Mutex(false)
        let cleaningUp = AsyncCounter()
        let cleanUpDone = AsyncGate()
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000),
            runner: .connected(.auto) { (_: ConnectedJobContext) async throws -> [String: JSONValue] in
                try? await Task.sleep(for: .seconds(3600))  // ends when the drain bound cancels the handler
                sawCancellation.withLock { $0 = Task.isCancelled }
                await cleaningUp.increment()
                await cleanUpDone.wait()
                ended.withLock { $0 = true }
                return ["cleaned": true]
            }, operations: server, hooks: RecordingSleeper().hooks)  // the drain bound passes at once
        let task = Task {
            try await worker.run()
            returned.withLock { $0 = true }
        }
        await server.wait { $0.activated.count == 1 }
        task.cancel()
        await cleaningUp.wait(for: 1)
        #expect(!returned.withLock { $0 })
        #expect(worker.jobsInFlight == 1)
        await cleanUpDone.open()
        try await task.value
        #expect(sawCancellation.withLock { $0 })
        #expect(ended.withLock { $0 })
        let state = server.state.withLock { $0 }
        #expect(state.completions.count == 1)
        #expect(state.completions.values.allSatisfy { $0.count == 1 && $0[0].variables == ["cleaned": true] })
        #expect(state.failures.isEmpty)
        #expect(worker.jobsInFlight == 0)
    }

    /// ``JobWorker/stop()`` cancels the long poll under way (a child task of the run), and `run()` returns.
    @Test func stopCancelsThePendingLongPoll() async throws {
        let server = InMemoryJobServer()  // no jobs: activation waits until cancelled
        let operations = ObservedActivation(server: server)
        let registry = JobWorkerRegistry()
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000),
            runner: .connected(.auto) { (_: ConnectedJobContext) async throws in }, operations: operations)
        let task = Task { try await worker.run() }
        await operations.started.wait(for: 1)
        worker.stop()
        try await task.value
        #expect(operations.cancelled.withLock { $0 } == 1)
        #expect(server.state.withLock { $0.activationRequests.count } == 1)
    }

    /// A `ServiceGroup`'s graceful shutdown stops polling and lets running handlers finish, uncancelled.
    @Test func gracefulShutdownInAServiceGroupDrainsWithoutCancellingHandlers() async throws {
        let server = InMemoryJobServer()
        server.seed(3)
        let registry = JobWorkerRegistry()
        let started = AsyncCounter()
        let gate = AsyncGate()
        let cancelled = Mutex(false)
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000, maxConcurrentJobs: 3),
            runner: .connected(.auto) { (_: ConnectedJobContext) async throws -> [String: JSONValue] in
                await started.increment()
                await gate.wait()
                if Task.isCancelled { cancelled.withLock { $0 = true } }
                return ["finished": true]
            }, operations: server)
        let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [], logger: quietLogger)
        let running = Task { try await group.run() }
        await started.wait(for: 3)
        await group.triggerGracefulShutdown()
        #expect(await eventually { worker.isStopping })
        server.seed(2)  // not activated any more
        await gate.open()
        try await running.value
        let state = server.state.withLock { $0 }
        #expect(state.completions.count == 3)
        #expect(state.completions.values.allSatisfy { $0[0].variables == ["finished": true] })
        #expect(state.queue.count == 2)
        #expect(!cancelled.withLock { $0 })
    }

    /// Cancellation after a graceful shutdown (a `ServiceGroup` whose graceful shutdown took too long)
    /// is the hard stop: the handlers are cancelled at once, not after the grace period, and their
    /// jobs handed back unchanged.
    @Test(.timeLimit(.minutes(1)))
    func cancellationAfterGracefulShutdownIsTheHardStop() async throws {
        let server = InMemoryJobServer()
        server.seed(2, retries: 4)
        let registry = JobWorkerRegistry()
        let started = AsyncCounter()
        let cancelled = Mutex(0)
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000, maxConcurrentJobs: 2),
            runner: .connected(.auto) { (_: ConnectedJobContext) async throws in
                await started.increment()
                do {
                    try await Task.sleep(for: .seconds(3600))
                } catch {
                    cancelled.withLock { $0 += 1 }
                    throw error
                }
            }, operations: server)
        worker.shutdownGracePeriod = .seconds(3600)
        let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [], logger: quietLogger)
        let running = Task { try await group.run() }
        await started.wait(for: 2)
        await group.triggerGracefulShutdown()
        #expect(await eventually { worker.isStopping })
        running.cancel()
        try await running.value
        #expect(cancelled.withLock { $0 } == 2)
        let failures = server.state.withLock { $0.failures }
        #expect(failures.count == 2)
        #expect(failures.values.allSatisfy { $0.count == 1 && $0[0].retries == 4 && $0[0].retryBackOff == 0 })
        #expect(server.state.withLock { $0.completions.isEmpty })
        #expect(worker.jobsInFlight == 0)
    }

    /// The drain bound runs on the injected clock: with sleeps that return at once, a worker whose
    /// handler never ends hands its job back without waiting the grace period in real time.
    @Test(.timeLimit(.minutes(1)))
    func theDrainBoundRunsOnTheInjectedClock() async throws {
        let server = InMemoryJobServer()
        server.seed(1, retries: 2)
        let sleeper = RecordingSleeper()
        let registry = JobWorkerRegistry()
        let worker = try registry.testWorker(
            WorkerConfig(jobType: "test", jobTimeoutMilliseconds: 1000),
            runner: .connected(.auto) { (_: ConnectedJobContext) async throws in
                try await Task.sleep(for: .seconds(3600))
            }, operations: server, hooks: sleeper.hooks)
        worker.shutdownGracePeriod = .seconds(3600)
        let task = Task { try await worker.run() }
        await server.wait { $0.activated.count == 1 }
        task.cancel()
        try await task.value
        #expect(sleeper.requested.withLock { $0 }.contains(.seconds(3600)))
        #expect(server.state.withLock { $0.failures.values.first?.first?.retries } == 2)
    }
}

/// Forwards to an ``InMemoryJobServer`` and counts activations started and cancelled.
final class ObservedActivation: CamundaOperations {
    let server: InMemoryJobServer
    let started = AsyncCounter()
    let cancelled = Mutex(0)

    init(server: InMemoryJobServer) { self.server = server }

    func send(_ request: OperationRequest) async throws -> OperationResponse {
        guard request.operationID == "activateJobs" else { return try await server.send(request) }
        await started.increment()
        do {
            let response = try await server.send(request)
            if Task.isCancelled { cancelled.withLock { $0 += 1 } }
            return response
        } catch {
            if Task.isCancelled { cancelled.withLock { $0 += 1 } }
            throw error
        }
    }
}

/// One back-off model and one transient classifier for the client and the worker.
@Suite("Back-off and failure classification")
struct BackoffAndClassificationTests {
    @Test func everyBackOffOfTheRuntimeIsABackoffValue() {
        // HTTP retries: full jitter, the documented table of RetryBackoff.
        let retries = Backoff.retries(CamundaConfiguration.RetryPolicy())
        #expect(retries.delay(attempt: 5, random: 1) == .milliseconds(1600))
        #expect(retries.delay(attempt: 5, random: 0) == .zero)
        #expect(retries.delay(attempt: 3, random: 0.5) == RetryBackoff.delay(attempt: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(2), jitter: 0.5))
        // OAuth token failures: no jitter.
        #expect(Backoff.tokenFailure.delay(attempt: 1, random: 0) == .milliseconds(500))
        #expect(Backoff.tokenFailure.delay(attempt: 20, random: 0) == .seconds(30))
        // The worker: ±20 %, capped again.
        #expect(Backoff.activation.delay(attempt: 3, random: 0) == .milliseconds(3200))
        #expect(Backoff.activation.delay(attempt: 3, random: 1) == .milliseconds(4800))
        #expect(Backoff.activationAfterConnectionFailure.delay(attempt: 9, random: 1) == .seconds(10))
        #expect(Backoff.acknowledgement.delay(attempt: 2, random: 0.5) == .milliseconds(400))
    }

    @Test func responsesAndErrorsAreClassifiedOnce() {
        func response(_ status: Int, _ body: String = "") -> OperationResponse {
            OperationResponse(status: status, headers: [:], body: Data(body.utf8))
        }
        #expect(FailureClass.of(response(200)) == .success)
        #expect(FailureClass.of(response(429)).isBackpressure)
        #expect(FailureClass.of(response(503)).isBackpressure)
        #expect(FailureClass.of(response(500, #"{"title":"RESOURCE_EXHAUSTED"}"#)).isBackpressure)
        #expect(FailureClass.of(response(500)) == .serverError)
        #expect(FailureClass.of(response(502)).isTransient && !FailureClass.of(response(502)).isBackpressure)
        #expect(FailureClass.of(response(408)).isTransient)
        #expect(!FailureClass.of(response(501)).isTransient)
        #expect(!FailureClass.of(response(404)).isTransient)

        let timeout = CamundaError(operationID: "completeJob", kind: .timeout)
        #expect(FailureClass.of(timeout).isTimeout && FailureClass.of(timeout).isConnectionFailure)
        let refused = CamundaError(operationID: "activateJobs", kind: .transport)
        #expect(FailureClass.of(refused) == .connectionFailure)
        let tooLarge = CamundaError(operationID: "activateJobs", kind: .transport, status: 200)
        #expect(!FailureClass.of(tooLarge).isTransient)
        let overloaded = CamundaError(operationID: "completeJob", kind: .http, status: 500, body: "RESOURCE_EXHAUSTED")
        #expect(FailureClass.of(overloaded).isBackpressure)
        #expect(FailureClass.of(CamundaError(operationID: "x", kind: .http, status: 409)) == .permanent)
        #expect(FailureClass.of(CamundaError(operationID: "x", kind: .cancelled)) == .cancelled)
        #expect(FailureClass.of(CancellationError()) == .cancelled)
        #expect(FailureClass.of(RequestTimedOut(bound: RequestBound(kind: .ordinary, duration: .seconds(1)))) == .timeout)
        struct Reset: Error {}
        #expect(FailureClass.of(Reset()) == .connectionFailure)
        // The client wraps errors by the same rule.
        #expect(CamundaClient.wrap(Reset(), operationID: "x").kind == .transport)
        #expect(CamundaClient.wrap(CancellationError(), operationID: "x").kind == .cancelled)
    }

    /// The runtime's clock maps another clock's readings onto continuous instants and sleeps on it.
    @Test func theRuntimeClockReadsAndSleepsOnTheInjectedClock() async throws {
        let time = ManualTime()
        let sleeps = SleepLog()
        let clock = RuntimeClock(TestClock(time: time) { try await sleeps.sleep($0) })
        let before = clock.now
        time.advance(by: .seconds(90))
        #expect(clock.now - before == .seconds(90))
        try await clock.sleep(for: .seconds(7))
        #expect(sleeps.sleeps == [.seconds(7)])
    }
}
