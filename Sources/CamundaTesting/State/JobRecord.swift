import CamundaAPI
import Foundation

/// The internal lifecycle phase of a job (mapped to the public ``JobState``).
enum JobPhase: Hashable, Sendable {
    case activatable
    case activated
    case failed
    case completed
    case errorThrown
    case incident

    var publicState: JobState {
        switch self {
        case .activatable: .activatable
        case .activated: .activated
        case .failed: .failed
        case .completed: .completed
        case .errorThrown: .errorThrown
        case .incident: .incident
        }
    }
}

/// Everything the gateway stores about one job.
struct JobRecord: Sendable {
    var key: Int64
    var type: String
    var phase: JobPhase = .activatable
    var retries: Int32
    var worker: String = ""
    var deadline: Int64?
    var backoffUntil: Int64?
    var timerGeneration = 0
    var variables: [String: JSONValue]
    var customHeaders: [String: JSONValue]
    var tenantId: TenantId
    var processInstanceKey: Int64
    var processDefinitionKey: Int64
    var processDefinitionId: String
    var processDefinitionVersion: Int32
    var elementId: String
    var elementInstanceKey: Int64
    var kind: JobKindEnum
    var listenerEventType: JobListenerEventTypeEnum
    var userTask: UserTaskProperties?
    var tags: TagSet
    var leaseToken: String?
    var searchState: JobStateEnum = .created
    var errorCode: String?
    var errorMessage: String?
    var creationTime: Date
    var lastUpdateTime: Date
    var endTime: Date?
    var activationCount = 0
    /// When the job was last activated, on the monotonic clock (nanoseconds), for activation-to-completion latency.
    var activatedAtNanos: UInt64 = 0
    var completionCount = 0
    var failureCount = 0
    var errorCount = 0
    var rejectedCommandCount = 0
    var timeoutCount = 0
    var lastCompletion: JobCompletionRequest?
    var lastFailure: JobFailRequest?
    var lastError: JobErrorRequest?
    var lastUpdate: JobUpdateRequest?

    var snapshot: JobSnapshot {
        JobSnapshot(
            key: JobKey(String(key)), type: type, state: phase.publicState, retries: retries, worker: worker,
            deadline: phase == .activated ? deadline : nil, variables: variables, customHeaders: customHeaders,
            processInstanceKey: ProcessInstanceKey(String(processInstanceKey)), tenantId: tenantId, kind: kind,
            activationCount: activationCount, completionCount: completionCount, failureCount: failureCount,
            errorCount: errorCount, rejectedCommandCount: rejectedCommandCount, timeoutCount: timeoutCount,
            lastCompletion: lastCompletion, lastFailure: lastFailure, lastError: lastError, lastUpdate: lastUpdate)
    }

    func activated(fetch: Set<String>?) -> ActivatedJobResult {
        let visible: [String: JSONValue]
        if let fetch, !fetch.isEmpty {
            visible = variables.filter { fetch.contains($0.key) }
        } else {
            visible = variables
        }
        let instance = ProcessInstanceKey(String(processInstanceKey))
        return ActivatedJobResult(
            type: type, processDefinitionId: ProcessDefinitionId(processDefinitionId),
            processDefinitionVersion: processDefinitionVersion, elementId: ElementId(elementId),
            customHeaders: customHeaders, worker: worker, retries: retries, deadline: deadline ?? 0,
            variables: visible, tenantId: tenantId, physicalTenantId: nil, jobKey: JobKey(String(key)),
            processInstanceKey: instance, processDefinitionKey: ProcessDefinitionKey(String(processDefinitionKey)),
            elementInstanceKey: ElementInstanceKey(String(elementInstanceKey)), kind: kind,
            listenerEventType: listenerEventType, userTask: userTask, tags: tags, rootProcessInstanceKey: instance,
            businessId: nil, priority: 0, jobLeaseToken: leaseToken.map(JobLeaseToken.init(rawValue:)))
    }

    var searchResult: JobSearchResult {
        var headers: [String: String] = [:]
        for (name, value) in customHeaders {
            headers[name] = value.stringValue ?? (try? String(decoding: CamundaJSON.encode(value), as: UTF8.self)) ?? ""
        }
        let instance = ProcessInstanceKey(String(processInstanceKey))
        return JobSearchResult(
            customHeaders: headers, deadline: deadline.map { Date(timeIntervalSince1970: Double($0) / 1000) },
            deniedReason: nil, elementId: ElementId(elementId),
            elementInstanceKey: ElementInstanceKey(String(elementInstanceKey)), endTime: endTime,
            errorCode: errorCode, errorMessage: errorMessage,
            hasFailedWithRetriesLeft: failureCount > 0 && retries > 0, isDenied: nil, jobKey: JobKey(String(key)),
            kind: kind, listenerEventType: listenerEventType,
            processDefinitionId: ProcessDefinitionId(processDefinitionId),
            processDefinitionKey: ProcessDefinitionKey(String(processDefinitionKey)), processInstanceKey: instance,
            rootProcessInstanceKey: instance, businessId: nil, retries: retries, state: searchState,
            tenantId: tenantId, type: type, worker: worker, creationTime: creationTime,
            lastUpdateTime: lastUpdateTime, priority: 0)
    }
}

/// The parameters of one activation request, prepared for matching.
struct ActivationParameters: Sendable {
    var type: String
    var worker: String
    var timeout: Int64
    var maxJobs: Int
    var fetch: Set<String>?
    var tenants: Set<String>?
    var withLease: Bool

    init(_ request: JobActivationRequest) {
        type = request.type
        worker = request.worker ?? "default"
        timeout = request.timeout
        maxJobs = Int(request.maxJobsToActivate)
        fetch = request.fetchVariable.flatMap { $0.isEmpty ? nil : Set($0) }
        tenants = request.tenantIds.flatMap { $0.isEmpty ? nil : Set($0.map(\.rawValue)) }
        withLease = request.withLease ?? false
    }
}

/// A long-polling activation request waiting for jobs.
struct ActivationWaiter: Sendable {
    var id: Int
    var connection: Int
    var parameters: ActivationParameters
    var deliver: @Sendable (JobActivationResult) -> Void
}

/// A test waiting for a condition on the job counts.
struct ConditionWaiter: Sendable {
    var type: String?
    var condition: @Sendable (JobCounts) -> Bool
    var continuation: CheckedContinuation<Void, any Error>
}

/// Why a job command was rejected.
struct Rejection: Error, Sendable {
    var status: Int
    var title: String
    var detail: String

    static func notFound(_ command: String, _ verb: String, key: String) -> Rejection {
        Rejection(
            status: 404, title: "NOT_FOUND",
            detail: "Command '\(command)' rejected with code 'NOT_FOUND': Expected to \(verb) job with key '\(key)', but no such job was found")
    }

    static func invalidState(_ command: String, _ verb: String, key: String, state: String) -> Rejection {
        Rejection(
            status: 409, title: "INVALID_STATE",
            detail: "Command '\(command)' rejected with code 'INVALID_STATE': Expected to \(verb) job with key '\(key)', but it is in state '\(state)'")
    }
}
