import CamundaAPI
import Dispatch
import Foundation
import NIOCore

/// Side effects computed under the state lock and performed after it is released.
struct Effects {
    var deliveries: [(deliver: @Sendable (JobActivationResult) -> Void, result: JobActivationResult)] = []
    var timers: [Int64] = []
    var resumes: [CheckedContinuation<Void, any Error>] = []
}

/// The gateway's whole in-memory state; every access goes through the core's `Mutex`.
struct GatewayState: ~Copyable {
    // MARK: Keys
    private var nextKeyValue: Int64 = (1 << 51) + 1

    mutating func nextKey() -> Int64 {
        defer { nextKeyValue += 1 }
        return nextKeyValue
    }

    // MARK: Jobs
    var jobs: [Int64: JobRecord] = [:]
    var jobOrder: [Int64] = []
    var queues: [String: CircularBuffer<Int64>] = [:]
    var totals = JobCounts()
    var countsByType: [String: JobCounts] = [:]
    /// Per job type, the time from each job's activation to its (first) completion, in nanoseconds.
    var completionLatencies: [String: [UInt64]] = [:]
    var waiters: [String: [ActivationWaiter]] = [:]
    var waiterTypes: [Int: String] = [:]
    var timerHeap = DeadlineHeap()
    var pendingTimers: Set<Int64> = []
    var conditionWaiters: [Int: ConditionWaiter] = [:]
    var nextWaiterID = 1

    // MARK: Other records
    var messages: [MessagePublicationRequest] = []
    var correlations: [MessageCorrelationRequest] = []
    var recorded = CircularBuffer<RecordedRequest>()
    var recordedFirstSequence = 0
    var recordedNextSequence = 0
    var faults: [(fault: Fault, hits: Int, random: SeededRandom)] = []

    // MARK: OAuth
    var tokens: [String: Int64] = [:]
    var tokenRequestCount = 0
    var tokenFailure: (status: Int, remaining: Int?)?

    // MARK: Processes (see GatewayState+Processes.swift)
    var definitions: [Int64: ProcessDefinitionRecord] = [:]
    var latestDefinition: [String: Int64] = [:]
    var definitionVersions: [String: Int32] = [:]
    var resources: [Int64: ResourceRecord] = [:]
    var jobTypeOverrides: [String: String] = [:]
    var instances: [Int64: InstanceRecord] = [:]
    var instanceOrder: [Int64] = []
    var seededDefinitionKeys: [String: Int64] = [:]

    init() {}

    // MARK: Counting

    private mutating func adjust(_ phase: JobPhase, type: String, by delta: Int) {
        Self.adjust(&totals, phase, delta)
        Self.adjust(&countsByType[type, default: JobCounts()], phase, delta)
    }

    private static func adjust(_ counts: inout JobCounts, _ phase: JobPhase, _ delta: Int) {
        switch phase {
        case .activatable: counts.activatable += delta
        case .activated:
            counts.activated += delta
            if counts.activated > counts.peakActivated { counts.peakActivated = counts.activated }
        case .failed: counts.retrying += delta
        case .completed: counts.completed += delta
        case .errorThrown: counts.errorThrown += delta
        case .incident: counts.incidents += delta
        }
    }

    mutating func count(type: String, _ update: (inout JobCounts) -> Void) {
        update(&totals)
        update(&countsByType[type, default: JobCounts()])
    }

    func counts(type: String?) -> JobCounts {
        guard let type else { return totals }
        return countsByType[type] ?? JobCounts()
    }

    mutating func resetPeak(type: String?) {
        if let type {
            if var counts = countsByType[type] {
                counts.peakActivated = counts.activated
                countsByType[type] = counts
            }
        } else {
            totals.peakActivated = totals.activated
            for (key, var counts) in countsByType {
                counts.peakActivated = counts.activated
                countsByType[key] = counts
            }
        }
    }

    /// Moves a job to another phase, keeping the counters right.
    mutating func move(_ job: inout JobRecord, to phase: JobPhase) {
        adjust(job.phase, type: job.type, by: -1)
        adjust(phase, type: job.type, by: 1)
        job.phase = phase
    }

    // MARK: Creating jobs

    mutating func insertJob(_ job: JobRecord, effects: inout Effects) {
        jobs[job.key] = job
        jobOrder.append(job.key)
        count(type: job.type) { $0.seeded += 1 }
        adjust(.activatable, type: job.type, by: 1)
        queues[job.type, default: CircularBuffer()].append(job.key)
    }

    // MARK: Activation

    /// Activates up to `parameters.maxJobs` activatable jobs of the type.
    mutating func activate(_ parameters: ActivationParameters, now: Int64, effects: inout Effects) -> [ActivatedJobResult] {
        guard var queue = queues[parameters.type], !queue.isEmpty else { return [] }
        queues[parameters.type] = nil  // avoid a copy while mutating
        var result: [ActivatedJobResult] = []
        result.reserveCapacity(Swift.min(parameters.maxJobs, queue.count))
        var skipped: [Int64] = []
        let deadline = now + parameters.timeout
        let activatedAt = DispatchTime.now().uptimeNanoseconds
        while result.count < parameters.maxJobs, let key = queue.popFirst() {
            guard var job = jobs[key], job.phase == .activatable else { continue }
            if let tenants = parameters.tenants, !tenants.contains(job.tenantId.rawValue) {
                skipped.append(key)
                continue
            }
            move(&job, to: .activated)
            job.worker = parameters.worker
            job.deadline = deadline
            job.activationCount += 1
            job.activatedAtNanos = activatedAt
            job.leaseToken = parameters.withLease ? "lease-\(key)-\(job.activationCount)" : nil
            job.lastUpdateTime = Date(timeIntervalSince1970: Double(now) / 1000)
            job.timerGeneration += 1
            let generation = job.timerGeneration
            result.append(job.activated(fetch: parameters.fetch))
            jobs[key] = job
            count(type: job.type) { $0.activations += 1 }
            addTimer(at: deadline, key: key, generation: generation, effects: &effects)
        }
        for key in skipped.reversed() { queue.prepend(key) }
        queues[parameters.type] = queue
        if !result.isEmpty { count(type: parameters.type) { $0.activationBatches += 1 } }
        return result
    }

    /// Hands activatable jobs of `type` to waiting long-poll requests, oldest first.
    mutating func serveWaiters(type: String, now: Int64, effects: inout Effects) {
        guard var list = waiters[type], !list.isEmpty else { return }
        waiters[type] = nil
        var index = 0
        while index < list.count, queues[type]?.isEmpty == false {
            let jobs = activate(list[index].parameters, now: now, effects: &effects)
            if jobs.isEmpty {
                index += 1
                continue
            }
            let waiter = list.remove(at: index)
            waiterTypes[waiter.id] = nil
            count(type: type) { $0.waitingRequests -= 1 }
            effects.deliveries.append((waiter.deliver, JobActivationResult(jobs: jobs)))
        }
        waiters[type] = list.isEmpty ? nil : list
    }

    mutating func addWaiter(_ waiter: ActivationWaiter) {
        waiters[waiter.parameters.type, default: []].append(waiter)
        waiterTypes[waiter.id] = waiter.parameters.type
        count(type: waiter.parameters.type) { $0.waitingRequests += 1 }
    }

    /// Removes a waiter; returns whether it was still waiting.
    mutating func removeWaiter(id: Int) -> Bool {
        guard let type = waiterTypes.removeValue(forKey: id) else { return false }
        waiters[type]?.removeAll { $0.id == id }
        count(type: type) { $0.waitingRequests -= 1 }
        return true
    }

    mutating func removeWaiters(connection: Int) {
        for (type, list) in waiters where list.contains(where: { $0.connection == connection }) {
            for waiter in list where waiter.connection == connection {
                waiterTypes[waiter.id] = nil
                count(type: type) { $0.waitingRequests -= 1 }
            }
            waiters[type] = list.filter { $0.connection != connection }
        }
    }

    // MARK: Timers

    mutating func addTimer(at deadline: Int64, key: Int64, generation: Int, effects: inout Effects) {
        timerHeap.push(.init(deadline: deadline, key: key, generation: generation))
        if !pendingTimers.contains(where: { $0 <= deadline }) {
            pendingTimers.insert(deadline)
            effects.timers.append(deadline)
        }
    }

    /// Expires locks and back-offs that are due, then hands the jobs to waiting requests.
    mutating func sweep(now: Int64, firedTimer: Int64? = nil, effects: inout Effects) {
        if let firedTimer { pendingTimers.remove(firedTimer) }
        var touched: Set<String> = []
        while let top = timerHeap.min, top.deadline <= now {
            _ = timerHeap.popMin()
            guard var job = jobs[top.key], job.timerGeneration == top.generation else { continue }
            switch job.phase {
            case .activated where job.deadline == top.deadline:
                job.deadline = nil
                job.timeoutCount += 1
                job.searchState = .timedOut
                job.leaseToken = nil
                count(type: job.type) { $0.timedOut += 1 }
            case .failed where job.backoffUntil == top.deadline:
                job.backoffUntil = nil
            default:
                continue
            }
            move(&job, to: .activatable)
            jobs[top.key] = job
            queues[job.type, default: CircularBuffer()].append(top.key)
            touched.insert(job.type)
        }
        for type in touched { serveWaiters(type: type, now: now, effects: &effects) }
        if let top = timerHeap.min, !pendingTimers.contains(where: { $0 <= top.deadline }) {
            pendingTimers.insert(top.deadline)
            effects.timers.append(top.deadline)
        }
        if !touched.isEmpty { checkConditions(effects: &effects) }
    }

    // MARK: Conditions

    mutating func checkConditions(effects: inout Effects) {
        guard !conditionWaiters.isEmpty else { return }
        for (id, waiter) in conditionWaiters where waiter.condition(counts(type: waiter.type)) {
            conditionWaiters[id] = nil
            effects.resumes.append(waiter.continuation)
        }
    }

    // MARK: Job commands

    private static func stateName(_ phase: JobPhase) -> String {
        switch phase {
        case .activatable: "ACTIVATABLE"
        case .activated: "ACTIVATED"
        case .failed: "FAILED"
        case .completed: "COMPLETED"
        case .errorThrown: "ERROR_THROWN"
        case .incident: "FAILED"
        }
    }

    /// Finds a job that can take a complete/fail/error command, or explains why not.
    private mutating func commandTarget(
        _ key: Int64, rawKey: String, command: String, verb: String, leaseToken: String?, isCompletion: Bool
    ) -> Result<JobRecord, Rejection> {
        guard var job = jobs[key] else {
            totals.rejectedCommands += 1
            return .failure(.notFound(command, verb, key: rawKey))
        }
        let rejection: Rejection?
        switch job.phase {
        case .activatable, .activated:
            if let leaseToken, let current = job.leaseToken, leaseToken != current {
                rejection = Rejection(
                    status: 409, title: "INVALID_STATE",
                    detail: "Command '\(command)' rejected with code 'INVALID_STATE': Expected to \(verb) job with key '\(rawKey)' with lease token '\(leaseToken)', but the job's current lease is a different one")
            } else {
                rejection = nil
            }
        case .completed, .errorThrown:
            if isCompletion, job.phase == .completed { count(type: job.type) { $0.duplicateCompletions += 1 } }
            rejection = .notFound(command, verb, key: rawKey)
        case .failed, .incident:
            rejection = .invalidState(command, verb, key: rawKey, state: Self.stateName(job.phase))
        }
        if let rejection {
            job.rejectedCommandCount += 1
            jobs[key] = job
            count(type: job.type) { $0.rejectedCommands += 1 }
            return .failure(rejection)
        }
        return .success(job)
    }

    mutating func complete(
        _ key: Int64, rawKey: String, _ request: JobCompletionRequest, now: Int64, effects: inout Effects
    ) -> Rejection? {
        switch commandTarget(key, rawKey: rawKey, command: "COMPLETE", verb: "complete", leaseToken: request.jobLeaseToken?.rawValue, isCompletion: true) {
        case .failure(let rejection):
            checkConditions(effects: &effects)
            return rejection
        case .success(var job):
            move(&job, to: .completed)
            job.completionCount += 1
            let latency = DispatchTime.now().uptimeNanoseconds &- job.activatedAtNanos
            completionLatencies[job.type, default: []].append(latency)
            job.lastCompletion = request
            job.searchState = .completed
            job.deadline = nil
            let date = Date(timeIntervalSince1970: Double(now) / 1000)
            job.endTime = date
            job.lastUpdateTime = date
            if let variables = request.variables { job.variables.merge(variables) { $1 } }
            jobs[key] = job
            jobFinished(job, completedWith: request.variables, now: now, effects: &effects)
            checkConditions(effects: &effects)
            return nil
        }
    }

    mutating func fail(_ key: Int64, rawKey: String, _ request: JobFailRequest, now: Int64, effects: inout Effects) -> Rejection? {
        switch commandTarget(key, rawKey: rawKey, command: "FAIL", verb: "fail", leaseToken: request.jobLeaseToken?.rawValue, isCompletion: false) {
        case .failure(let rejection):
            checkConditions(effects: &effects)
            return rejection
        case .success(var job):
            let retries = request.retries ?? 0
            job.retries = retries
            job.failureCount += 1
            job.lastFailure = request
            job.errorMessage = request.errorMessage
            job.searchState = .failed
            job.deadline = nil
            job.leaseToken = nil
            job.lastUpdateTime = Date(timeIntervalSince1970: Double(now) / 1000)
            if let variables = request.variables { job.variables.merge(variables) { $1 } }
            count(type: job.type) { $0.failed += 1 }
            if retries <= 0 {
                move(&job, to: .incident)
                jobs[key] = job
                if var instance = instances[job.processInstanceKey] {
                    instance.hasIncident = true
                    instances[job.processInstanceKey] = instance
                }
            } else if let backoff = request.retryBackOff, backoff > 0 {
                move(&job, to: .failed)
                job.backoffUntil = now + backoff
                job.timerGeneration += 1
                jobs[key] = job
                addTimer(at: now + backoff, key: key, generation: job.timerGeneration, effects: &effects)
            } else {
                move(&job, to: .activatable)
                job.timerGeneration += 1
                jobs[key] = job
                queues[job.type, default: CircularBuffer()].append(key)
                serveWaiters(type: job.type, now: now, effects: &effects)
            }
            checkConditions(effects: &effects)
            return nil
        }
    }

    mutating func throwError(_ key: Int64, rawKey: String, _ request: JobErrorRequest, now: Int64, effects: inout Effects) -> Rejection? {
        switch commandTarget(key, rawKey: rawKey, command: "THROW_ERROR", verb: "throw an error for", leaseToken: request.jobLeaseToken?.rawValue, isCompletion: false) {
        case .failure(let rejection):
            checkConditions(effects: &effects)
            return rejection
        case .success(var job):
            move(&job, to: .errorThrown)
            job.errorCount += 1
            job.lastError = request
            job.errorCode = request.errorCode
            job.errorMessage = request.errorMessage
            job.searchState = .errorThrown
            job.deadline = nil
            let date = Date(timeIntervalSince1970: Double(now) / 1000)
            job.endTime = date
            job.lastUpdateTime = date
            if let variables = request.variables { job.variables.merge(variables) { $1 } }
            jobs[key] = job
            checkConditions(effects: &effects)
            return nil
        }
    }

    mutating func update(_ key: Int64, rawKey: String, _ request: JobUpdateRequest, now: Int64, effects: inout Effects) -> Rejection? {
        guard var job = jobs[key], job.phase != .completed, job.phase != .errorThrown else {
            if let type = jobs[key]?.type { count(type: type) { $0.rejectedCommands += 1 } } else { totals.rejectedCommands += 1 }
            return .notFound("UPDATE", "update", key: rawKey)
        }
        if let timeout = request.changeset.timeout {
            guard job.phase == .activated else {
                count(type: job.type) { $0.rejectedCommands += 1 }
                return .invalidState("UPDATE_TIMEOUT", "update the timeout of", key: rawKey, state: Self.stateName(job.phase))
            }
            job.deadline = now + timeout
            job.timerGeneration += 1
            job.searchState = .timeoutUpdated
            addTimer(at: now + timeout, key: key, generation: job.timerGeneration, effects: &effects)
        }
        if let retries = request.changeset.retries {
            guard retries > 0 else {
                count(type: job.type) { $0.rejectedCommands += 1 }
                return Rejection(
                    status: 400, title: "INVALID_ARGUMENT",
                    detail: "The value for retries is '\(retries)' but must be greater than 0.")
            }
            job.retries = retries
            job.searchState = .retriesUpdated
        }
        job.lastUpdate = request
        job.lastUpdateTime = Date(timeIntervalSince1970: Double(now) / 1000)
        jobs[key] = job
        return nil
    }

    // MARK: Recording

    mutating func record(_ request: RecordedRequest, limit: Int) -> Int? {
        guard limit > 0 else { return nil }
        let sequence = recordedNextSequence
        recordedNextSequence += 1
        recorded.append(request)
        while recorded.count > limit {
            recorded.removeFirst()
            recordedFirstSequence += 1
        }
        return sequence
    }

    mutating func setRecordedStatus(_ sequence: Int, status: Int?) {
        let index = sequence - recordedFirstSequence
        guard index >= 0, index < recorded.count else { return }
        let position = recorded.index(recorded.startIndex, offsetBy: index)
        recorded[position].status = status
    }

    // MARK: Faults

    /// The action of the first fault that hits a request, if any.
    mutating func fault(method: String, path: String, operationID: String?) -> Fault.Action? {
        guard !faults.isEmpty else { return nil }
        for index in faults.indices {
            let fault = faults[index].fault
            guard fault.target.matches(method: method, path: path, operationID: operationID) else { continue }
            if let limit = fault.limit, faults[index].hits >= limit { continue }
            if fault.rate < 1, faults[index].random.nextUnit() >= fault.rate { continue }
            faults[index].hits += 1
            return fault.action
        }
        return nil
    }
}
