import Foundation
import Logging
import Synchronization

/// The fields of an activated job, shared by ``JobContext``, ``ConnectedJobContext`` and ``SyncJobContext``.
///
/// Every field of the spec's `ActivatedJobResult` is available with its typed key, plus ``log``,
/// a logger carrying `camunda.job.type`, `camunda.worker.name` and `camunda.job.key`.
public protocol ActivatedJobContext: Sendable {
    /// The job as the server sent it.
    var job: ActivatedJobResult { get }
    /// A logger for this job, derived from the client's logger, with the job's type, worker name
    /// and key as metadata. A no-op logger in `.process` handlers.
    var log: Logger { get }
}

extension ActivatedJobContext {
    /// The job's key.
    public var jobKey: JobKey { job.jobKey }
    /// The job type.
    public var type: String { job.type }
    /// The key of the process instance the job belongs to.
    public var processInstanceKey: ProcessInstanceKey { job.processInstanceKey }
    /// The key of the root process instance, when the server sends it.
    public var rootProcessInstanceKey: ProcessInstanceKey? { job.rootProcessInstanceKey }
    /// The BPMN process id of the job's process definition.
    public var processDefinitionId: ProcessDefinitionId { job.processDefinitionId }
    /// The version of the job's process definition.
    public var processDefinitionVersion: Int32 { job.processDefinitionVersion }
    /// The key of the job's process definition.
    public var processDefinitionKey: ProcessDefinitionKey { job.processDefinitionKey }
    /// The id of the BPMN element that created the job.
    public var elementId: ElementId { job.elementId }
    /// The key of the element instance that created the job.
    public var elementInstanceKey: ElementInstanceKey { job.elementInstanceKey }
    /// The task headers of the BPMN element.
    public var customHeaders: [String: JSONValue] { job.customHeaders }
    /// The worker name the job was activated for.
    public var worker: String { job.worker }
    /// The retries the job has left.
    public var retries: Int32 { job.retries }
    /// When the job's activation expires, in milliseconds since the epoch.
    public var deadline: Int64 { job.deadline }
    /// When the job's activation expires.
    public var deadlineDate: Date { Date(timeIntervalSince1970: Double(job.deadline) / 1000) }
    /// The job's variables (those of ``WorkerConfig/fetchVariables`` when it is set).
    public var variables: [String: JSONValue] { job.variables }
    /// The tenant of the job.
    public var tenantId: TenantId { job.tenantId }
    /// The physical tenant, when the server sends it.
    public var physicalTenantId: String? { job.physicalTenantId }
    /// What created the job: a BPMN element, an execution listener, a task listener, ...
    public var kind: JobKindEnum { job.kind }
    /// The listener event that created the job, for listener jobs.
    public var listenerEventType: JobListenerEventTypeEnum { job.listenerEventType }
    /// The user task's properties, for user-task-listener jobs.
    public var userTask: UserTaskProperties? { job.userTask }
    /// The tags of the process instance.
    public var tags: TagSet { job.tags }
    /// The business id of the process instance, when it has one.
    public var businessId: BusinessId? { job.businessId }
    /// The job's priority, when the server sends it.
    public var priority: Int32? { job.priority }
    /// The lease token, for jobs activated with ``WorkerConfig/withLease``.
    public var leaseToken: String? { job.jobLeaseToken?.rawValue }

    /// Decodes the job's variables into your own `Decodable` type.
    ///
    /// ```swift
    /// struct Order: Decodable { var orderId: String; var amount: Double }
    /// let order = try job.variables(as: Order.self)
    /// ```
    /// - Throws: `DecodingError` when the variables do not match `T`.
    public func variables<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try job.variables.decode(as: T.self)
    }

    /// Decodes one variable; `nil` when it is absent.
    ///
    /// - Throws: `DecodingError` when the variable does not match `T`.
    public func variable<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T? {
        guard let value = job.variables[name] else { return nil }
        return try value.decode(as: T.self)
    }
}

/// The job handed to a `.process` handler: every field of the job and a no-op ``log``, but no
/// client, because the handler runs in another process.
public struct JobContext: ActivatedJobContext {
    /// The job as the server sent it.
    public let job: ActivatedJobResult
    private let jobLog: JobLog

    /// The job's logger (a no-op logger in `.process` handlers; the parent process logs the job's lifecycle).
    public var log: Logger { jobLog.logger }

    /// Creates a context, for example to call a handler from a unit test.
    public init(job: ActivatedJobResult, log: Logger = Logger(label: "camunda.job", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.init(job: job, jobLog: JobLog(log))
    }

    init(job: ActivatedJobResult, jobLog: JobLog) {
        self.job = job
        self.jobLog = jobLog
    }
}

/// The job handed to an `.async` handler, with ``client``: the client the worker runs on.
public struct ConnectedJobContext: ActivatedJobContext {
    /// The job as the server sent it.
    public let job: ActivatedJobResult
    private let jobLog: JobLog
    /// The client, for calls from the handler (`try await job.client.publishMessage(...)`).
    ///
    /// It sends through the worker's client; when the handler completes, fails or throws an error
    /// for this job itself, the worker sends nothing more for it.
    public let client: JobClient

    /// The job's logger.
    public var log: Logger { jobLog.logger }

    /// Creates a context, for example to call a handler from a unit test.
    public init(job: ActivatedJobResult, log: Logger, client: JobClient) {
        self.init(job: job, jobLog: JobLog(log), client: client)
    }

    init(job: ActivatedJobResult, jobLog: JobLog, client: JobClient) {
        self.job = job
        self.jobLog = jobLog
        self.client = client
    }

    /// The same job without the client.
    public var isolated: JobContext { JobContext(job: job, jobLog: jobLog) }
}

/// The job handed to a `.thread` handler, with a blocking ``client`` that is safe to call on the
/// handler's thread.
public struct SyncJobContext: ActivatedJobContext {
    /// The job as the server sent it.
    public let job: ActivatedJobResult
    private let jobLog: JobLog
    /// A blocking client (`try job.client.publishMessage(...)`, no `await`).
    ///
    /// When the handler completes, fails or throws an error for this job itself, the worker sends
    /// nothing more for it.
    public let client: JobBlockingClient

    /// The job's logger.
    public var log: Logger { jobLog.logger }

    /// Creates a context, for example to call a handler from a unit test.
    public init(job: ActivatedJobResult, log: Logger, client: JobBlockingClient) {
        self.init(job: job, jobLog: JobLog(log), client: client)
    }

    init(job: ActivatedJobResult, jobLog: JobLog, client: JobBlockingClient) {
        self.job = job
        self.jobLog = jobLog
        self.client = client
    }

    /// The same job without the client.
    public var isolated: JobContext { JobContext(job: job, jobLog: jobLog) }
}

/// A job's logger, made when a handler asks for it: the worker's logger plus `camunda.job.key`.
/// (Setting logger metadata copies the handler's metadata dictionary; most handlers never log, so
/// the worker does not pay for it per job.)
struct JobLog: Sendable {
    let base: Logger
    /// The key to add as `camunda.job.key`; `nil` for a logger used as given.
    let jobKey: JobKey?

    /// A logger used as given.
    init(_ logger: Logger) {
        base = logger
        jobKey = nil
    }

    /// The worker's logger, to get the job's key.
    init(worker logger: Logger, jobKey: JobKey) {
        base = logger
        self.jobKey = jobKey
    }

    var logger: Logger {
        guard let jobKey else { return base }
        var logger = base
        logger[metadataKey: "camunda.job.key"] = .string(jobKey.description)
        return logger
    }

    // The worker's own messages about a job: the level is checked first and the key goes into the
    // message's metadata, so acknowledging a job at the default level makes no logger copy.

    private func log(
        _ level: Logger.Level, _ message: @autoclosure () -> Logger.Message, metadata: @autoclosure () -> Logger.Metadata?
    ) {
        guard base.logLevel <= level else { return }
        var merged = metadata() ?? [:]
        if let jobKey { merged["camunda.job.key"] = .string(jobKey.description) }
        base.log(level: level, message(), metadata: merged)
    }

    func debug(_ message: @autoclosure () -> Logger.Message, metadata: @autoclosure () -> Logger.Metadata? = nil) {
        log(.debug, message(), metadata: metadata())
    }

    func info(_ message: @autoclosure () -> Logger.Message, metadata: @autoclosure () -> Logger.Metadata? = nil) {
        log(.info, message(), metadata: metadata())
    }

    func warning(_ message: @autoclosure () -> Logger.Message, metadata: @autoclosure () -> Logger.Metadata? = nil) {
        log(.warning, message(), metadata: metadata())
    }

    func error(_ message: @autoclosure () -> Logger.Message, metadata: @autoclosure () -> Logger.Metadata? = nil) {
        log(.error, message(), metadata: metadata())
    }
}

/// The client a handler gets as `job.client`: every API operation, sent through the worker's
/// client (its authentication, retries and backpressure).
///
/// It notices when the handler acknowledges its own job (`completeJob`, `failJob`, `throwJobError`
/// with the job's key succeeds), so the worker does not acknowledge it a second time, and it adds
/// the job's lease token to those calls when the job was activated with a lease.
///
/// Both work on what the generated methods record: the request's ``OperationRequest/traits`` and
/// ``OperationRequest/jobKey``, and the typed body (see ``prepare(_:body:)``). A request you build by
/// hand and pass to ``send(_:)`` counts as an acknowledgement of the job when it has the
/// `.acknowledgement` trait and the job's `jobKey`, but gets no lease token: set its `jobLeaseToken` yourself.
public struct JobClient: CamundaOperations {
    /// The client the worker runs on (a `CamundaClient` unless you built the worker on your own operations).
    public let underlying: any CamundaOperations
    let tracker: AcknowledgementTracker

    init(underlying: any CamundaOperations, tracker: AcknowledgementTracker) {
        self.underlying = underlying
        self.tracker = tracker
    }

    /// Creates a client that tracks acknowledgements of `jobKey`, for example to call a handler from a unit test.
    public init(underlying: any CamundaOperations, jobKey: JobKey, leaseToken: String? = nil) {
        self.init(underlying: underlying, tracker: AcknowledgementTracker(jobKey: jobKey, leaseToken: leaseToken))
    }

    /// Whether the handler has acknowledged its own job through this client.
    public var hasAcknowledgedJob: Bool { tracker.isAcknowledged }

    /// Adds the job's lease token to an acknowledgement of the job itself (creating the body of a
    /// call made without one), then hands the request to the worker's client's `prepare` (the
    /// default tenant).
    public func prepare<Body: OperationBody>(_ request: inout OperationRequest, body: inout Body) {
        if let leaseToken = tracker.leaseToken, tracker.isOwnAcknowledgement(request) {
            body.applyLeaseToken(leaseToken)
        }
        underlying.prepare(&request, body: &body)
    }

    /// Sends a request through the worker's client, noting acknowledgements of the context's job.
    public func send(_ request: OperationRequest) async throws -> OperationResponse {
        let isOwnAck = tracker.isOwnAcknowledgement(request)
        let response = try await underlying.send(request)
        if isOwnAck, (200..<300).contains(response.status) { tracker.markAcknowledged() }
        return response
    }
}

/// The blocking client a `.thread` handler gets as `job.client`: every API operation, synchronous.
public struct JobBlockingClient: CamundaBlockingOperations {
    /// The asynchronous client the blocking calls run on.
    public let asyncOperations: JobClient

    /// Creates a blocking client over a job's client.
    public init(_ client: JobClient) { self.asyncOperations = client }
}

/// Remembers whether a handler acknowledged its own job.
final class AcknowledgementTracker: Sendable {
    let jobKey: JobKey
    let leaseToken: String?
    private let acknowledged = Atomic<Bool>(false)

    init(jobKey: JobKey, leaseToken: String?) {
        self.jobKey = jobKey
        self.leaseToken = leaseToken
    }

    var isAcknowledged: Bool { acknowledged.load(ordering: .acquiring) }
    func markAcknowledged() { acknowledged.store(true, ordering: .releasing) }

    /// Whether `request` completes, fails or throws an error for the tracked job: an
    /// ``OperationTraits/acknowledgement`` whose ``OperationRequest/jobKey`` (the generated method's
    /// `jobKey` path parameter) is the tracked job's.
    func isOwnAcknowledgement(_ request: OperationRequest) -> Bool {
        request.traits.contains(.acknowledgement) && request.jobKey == jobKey.rawValue
    }
}
