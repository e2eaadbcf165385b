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
