import Foundation
import Logging
import Synchronization
@testable import CamundaOrchestration

/// An in-memory `CamundaOperations` that serves job activation and records acknowledgements, for fast
/// worker logic tests. Activation without jobs waits (a long poll) until jobs are added or the request
/// is cancelled.
final class InMemoryJobServer: CamundaOperations {
    struct State {
        var queue: [ActivatedJobResult] = []
        var activated: [JobKey: ActivatedJobResult] = [:]
        var peak = 0
        var completions: [JobKey: [JobCompletionRequest]] = [:]
        var failures: [JobKey: [JobFailRequest]] = [:]
        var errors: [JobKey: [JobErrorRequest]] = [:]
        var activationRequests: [JobActivationRequest] = []
        var other: [String] = []
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
        /// Statuses to answer the next activation requests with.
        var activationFaults: [Int] = []
        /// Statuses to answer the next acknowledgements (complete, fail, error) with.
        var acknowledgementFaults: [Int] = []
        var acknowledgementAttempts = 0
        var nextKey = 1
        var changeWaiters: [(predicate: @Sendable (State) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
        var acknowledgedCount: Int { completions.count + failures.count + errors.count }
    }

    let state = Mutex(State())

    @discardableResult
    func seed(_ count: Int, type: String = "test", retries: Int32 = 3, variables: [String: JSONValue] = [:]) -> [JobKey] {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var keys: [JobKey] = []
            for _ in 0..<count {
                let key = JobKey(String(state.nextKey))
                state.nextKey += 1
                keys.append(key)
                state.queue.append(Self.job(key: key, type: type, retries: retries, variables: variables))
            }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
        return state.withLock { $0.queue.suffix(count).map(\.jobKey) }
    }

    static func job(key: JobKey, type: String, retries: Int32, variables: [String: JSONValue]) -> ActivatedJobResult {
        ActivatedJobResult(
            type: type, processDefinitionId: "process", processDefinitionVersion: 1, elementId: "task",
            customHeaders: ["header": "value"], worker: "", retries: retries, deadline: 1_700_000_000_000,
            variables: variables, tenantId: "<default>", physicalTenantId: nil, jobKey: key,
            processInstanceKey: ProcessInstanceKey("9\(key.rawValue)"), processDefinitionKey: "7",
            elementInstanceKey: "8", kind: .bpmnElement, listenerEventType: .unspecified, userTask: nil, tags: [],
            rootProcessInstanceKey: nil, businessId: nil, priority: nil, jobLeaseToken: nil)
    }

    /// Waits until `predicate` holds for the state.
    func wait(until predicate: @escaping @Sendable (State) -> Bool) async {
        await withCheckedContinuation { continuation in
            let satisfied = state.withLock { state -> Bool in
                if predicate(state) { return true }
                state.changeWaiters.append((predicate, continuation))
                return false
            }
            if satisfied { continuation.resume() }
        }
    }

    private func changed(_ body: (inout State) -> Void) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            body(&state)
            var ready: [CheckedContinuation<Void, Never>] = []
            var remaining: [(predicate: @Sendable (State) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
            let snapshot = state
            for waiter in state.changeWaiters {
                if waiter.predicate(snapshot) { ready.append(waiter.continuation) } else { remaining.append(waiter) }
            }
            state.changeWaiters = remaining
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    func send(_ request: OperationRequest) async throws -> OperationResponse {
        let body = request.bodyData ?? Data()
        let key = JobKey(request.path.split(separator: "/").dropFirst().first.map(String.init) ?? "")
        switch request.operationID {
        case "activateJobs":
            let activation = try CamundaJSON.decode(JobActivationRequest.self, from: body)
            return try await activate(activation)
        case "completeJob":
            let completion = body.isEmpty ? JobCompletionRequest() : try CamundaJSON.decode(JobCompletionRequest.self, from: body)
            return acknowledge(key) { $0.completions[key, default: []].append(completion) }
        case "failJob":
            let failure = body.isEmpty ? JobFailRequest() : try CamundaJSON.decode(JobFailRequest.self, from: body)
            return acknowledge(key) { $0.failures[key, default: []].append(failure) }
        case "throwJobError":
            let error = try CamundaJSON.decode(JobErrorRequest.self, from: body)
            return acknowledge(key) { $0.errors[key, default: []].append(error) }
        case "publishMessage":
            // As the spec says: 200 with a MessagePublicationResult.
            changed { $0.other.append(request.operationID) }
            return OperationResponse(
                status: 200, headers: ["content-type": "application/json"],
                body: Data(#"{"messageKey":"2251799813685300","tenantId":"<default>"}"#.utf8))
        default:
            changed { $0.other.append(request.operationID) }
            return OperationResponse(status: 204)
        }
    }

    private func acknowledge(_ key: JobKey, _ record: @escaping (inout State) -> Void) -> OperationResponse {
        var fault: Int?
        changed { state in
            state.acknowledgementAttempts += 1
            if !state.acknowledgementFaults.isEmpty { fault = state.acknowledgementFaults.removeFirst() }
        }
        if let fault { return OperationResponse(status: fault) }
        var found = false
        changed { state in
            if state.activated.removeValue(forKey: key) != nil {
                found = true
                record(&state)
            }
        }
        return OperationResponse(status: found ? 204 : 404)
    }

    private func activate(_ request: JobActivationRequest) async throws -> OperationResponse {
        while true {
            try Task.checkCancellation()
            enum Step { case fault(Int), jobs([ActivatedJobResult]), wait }
            let id = UUID()
            let step: Step = await withCheckedContinuation { (outer: CheckedContinuation<Step, Never>) in
                let step = state.withLock { state -> Step? in
                    state.activationRequests.append(request)
                    if !state.activationFaults.isEmpty { return .fault(state.activationFaults.removeFirst()) }
                    if !state.queue.isEmpty {
                        let count = min(Int(request.maxJobsToActivate), state.queue.count)
                        let jobs = state.queue.prefix(count).map { job -> ActivatedJobResult in
                            var job = job
                            job.worker = request.worker ?? ""
                            return job
                        }
                        state.queue.removeFirst(count)
                        for job in jobs { state.activated[job.jobKey] = job }
                        state.peak = max(state.peak, state.activated.count)
                        return .jobs(jobs)
                    }
                    return nil
                }
                outer.resume(returning: step ?? .wait)
            }
            switch step {
            case .fault(let status):
                changed { _ in }
                return OperationResponse(status: status, headers: ["content-type": "application/problem+json"], body: Data(#"{"title":"fault"}"#.utf8))
            case .jobs(let jobs):
                changed { _ in }
                return OperationResponse(
                    status: 200, headers: ["content-type": "application/json"],
                    body: try CamundaJSON.encode(JobActivationResult(jobs: jobs)))
            case .wait:
                changed { _ in }
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow = state.withLock { state -> Bool in
                            if !state.queue.isEmpty || Task.isCancelled { return true }
                            state.waiters[id] = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
                    waiter?.resume()
                }
            }
        }
    }
}

/// A sleep that returns at once and records what was asked, so back-off can be checked without time passing.
final class RecordingSleeper: Sendable {
    let requested = Mutex<[Duration]>([])
    var hooks: RuntimeHooks {
        RuntimeHooks(
            clock: TestClock { [self] duration in
                requested.withLock { $0.append(duration) }
                await Task.yield()
                try Task.checkCancellation()
            },
            random: { 0.5 })
    }
}

/// The tests' logger: silent unless `WORKER_TEST_LOG` names a level (then it writes to stderr).
let quietLogger: Logger = {
    if let level = ProcessInfo.processInfo.environment["WORKER_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) {
        var logger = Logger(label: "worker-tests", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        return logger
    }
    var logger = Logger(label: "worker-tests")
    logger.logLevel = .critical
    return logger
}()

extension JobWorkerRegistry {
    /// A worker over in-memory operations, for tests.
    func testWorker(
        _ config: WorkerConfig, defaults: WorkerDefaults = WorkerDefaults(), runner: JobRunner,
        operations: any CamundaOperations, hooks: RuntimeHooks = RuntimeHooks()
    ) throws -> JobWorker {
        try makeWorker(
            config: config, defaults: defaults, startupJitterMaxSeconds: nil, runner: runner, operations: operations,
            logger: quietLogger, hooks: hooks)
    }
}
