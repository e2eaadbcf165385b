import CamundaAPI
import Foundation
import Synchronization
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// An in-memory stand-in for a Camunda 8 REST gateway, serving real HTTP/1.1 on 127.0.0.1, for
/// testing job workers and clients without a cluster.
///
/// ```swift
/// let gateway = try await EmbeddedGateway.start()
/// gateway.seedJobs(type: "payment", count: 10, variables: ["amount": 42])
/// // ... run a worker against gateway.restAddress ...
/// try await gateway.waitUntil(type: "payment") { $0.completed == 10 }
/// #expect(gateway.counts(type: "payment").duplicateCompletions == 0)
/// try await gateway.shutdown()
/// ```
///
/// What it implements: job activation with long polling, locks, completion, failure with retries
/// and back-off, BPMN errors, job updates and search; message publication; topology and status;
/// deployments (BPMN process ids are read from the XML) and resource downloads; process instance
/// creation (one job per service task, in document order) and search; an OAuth token endpoint and
/// optional authentication. Request bodies are decoded into the generated request types, and a body
/// that does not decode gets `400` with a `ProblemDetail`, as Camunda answers. Unknown routes get
/// `404` problem details. Every request is recorded, and ``inject(_:)`` adds faults.
///
/// All methods are thread-safe; the state sits behind one lock.
public final class EmbeddedGateway: Sendable {
    let core: GatewayCore
    private let serverChannel: any Channel

    /// The port the gateway listens on.
    public let port: Int
    /// The server root, for example `http://127.0.0.1:54321`.
    public let rootAddress: URL
    /// The REST API base, for example `http://127.0.0.1:54321/v2` (what `CAMUNDA_REST_ADDRESS` takes).
    public let restAddress: URL
    /// The OAuth token endpoint, for example `http://127.0.0.1:54321/oauth/token`.
    public let oauthTokenURL: URL

    private init(core: GatewayCore, serverChannel: any Channel, host: String, port: Int) {
        self.core = core
        self.serverChannel = serverChannel
        self.port = port
        let root = URL(string: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)")!
        rootAddress = root
        restAddress = root.appendingPathComponent("v2")
        oauthTokenURL = root.appendingPathComponent("oauth").appendingPathComponent("token")
    }

    /// Starts a gateway listening on the configured host and port.
    ///
    /// - Parameter configuration: How to listen and behave; the defaults listen on an ephemeral port of 127.0.0.1.
    /// - Returns: The running gateway; call ``shutdown()`` when done.
    /// - Throws: When the socket cannot be bound.
    public static func start(_ configuration: Configuration = Configuration()) async throws -> EmbeddedGateway {
        let group = configuration.eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        let core = GatewayCore(configuration: configuration, timerLoop: group.next())
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: true, withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        GatewayHTTPHandler(core: core, connection: core.makeConnectionID()))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        let port = channel.localAddress?.port ?? configuration.port
        core.port = port
        configuration.logger.debug("Embedded gateway listening", metadata: ["camunda.gateway.port": "\(port)"])
        return EmbeddedGateway(core: core, serverChannel: channel, host: configuration.host, port: port)
    }

    /// Stops listening and closes every open connection; pending long polls are dropped.
    ///
    /// - Throws: When closing the listening socket fails.
    public func shutdown() async throws {
        do {
            try await serverChannel.close()
        } catch ChannelError.alreadyClosed {
            // Already shut down.
        }
        core.closeAllConnections()
        core.state.withLock { state in
            for (_, waiter) in state.conditionWaiters {
                waiter.continuation.resume(throwing: EmbeddedGatewayError(code: .shutDown))
            }
            state.conditionWaiters = [:]
        }
    }

    /// The configuration the gateway was started with.
    public var configuration: Configuration { core.configuration }

    // MARK: Jobs

    /// Creates activatable jobs, as if process instances had reached a service task.
    ///
    /// Each job gets its own process instance and element instance key. Waiting activation requests
    /// for the type are answered at once.
    /// - Parameters:
    ///   - type: The job type.
    ///   - count: How many jobs to create.
    ///   - variables: The variables of each job.
    ///   - customHeaders: The custom headers of each job.
    ///   - retries: The retries of each job. Default 3.
    ///   - kind: The job kind; `.taskListener` with `listenerEventType` and `userTask` seeds user-task-listener jobs.
    ///   - listenerEventType: The listener event type. Default `.unspecified`.
    ///   - userTask: The user task properties of a task-listener job.
    ///   - processDefinitionId: The BPMN process id reported with the jobs.
    ///   - tenantId: The tenant. Default `<default>`.
    /// - Returns: The keys of the new jobs, in creation order.
    @discardableResult
    public func seedJobs(
        type: String, count: Int = 1, variables: [String: JSONValue] = [:], customHeaders: [String: JSONValue] = [:],
        retries: Int32 = 3, kind: JobKindEnum = .bpmnElement, listenerEventType: JobListenerEventTypeEnum = .unspecified,
        userTask: UserTaskProperties? = nil, processDefinitionId: String = "embedded-process",
        tenantId: TenantId = "<default>"
    ) -> [JobKey] {
        let parameters = SeedParameters(
            type: type, count: count, variables: variables, customHeaders: customHeaders, retries: retries, kind: kind,
            listenerEventType: listenerEventType, userTask: userTask, processDefinitionId: processDefinitionId,
            tenantId: tenantId)
        let now = GatewayCore.nowMillis()
        return core.mutate { $0.seed(parameters, now: now, effects: &$1) }
    }

    /// Makes process instances of `processId` create their first job with this type (overriding the
    /// BPMN's first task type). A process that was never deployed gets an implicit one-task definition,
    /// so `createProcessInstance` works without a deployment.
    /// - Parameters:
    ///   - type: The job type.
    ///   - processId: The BPMN process id.
    public func setJobType(_ type: String, forProcess processId: String) {
        core.state.withLock { $0.jobTypeOverrides[processId] = type }
    }

    /// What the gateway knows about one job, or `nil` for an unknown key.
    public func job(_ key: JobKey) -> JobSnapshot? {
        guard let raw = Int64(key.rawValue) else { return nil }
        return core.state.withLock { $0.jobs[raw]?.snapshot }
    }

    /// Snapshots of every job (of one type, or all), in creation order.
    public func jobs(type: String? = nil) -> [JobSnapshot] {
        core.state.withLock { state in
            state.jobOrder.compactMap { key in
                guard let job = state.jobs[key], type == nil || job.type == type else { return nil }
                return job.snapshot
            }
        }
    }

    /// The job counters, for one job type or all.
    public func counts(type: String? = nil) -> JobCounts {
        core.state.withLock { $0.counts(type: type) }
    }

    /// The most jobs (of one type, or all) that were activated and not yet acknowledged at the same time.
    public func peakActivated(type: String? = nil) -> Int {
        counts(type: type).peakActivated
    }

    /// Restarts peak tracking from the current number of activated jobs.
    public func resetPeakActivated(type: String? = nil) {
        core.state.withLock { $0.resetPeak(type: type) }
    }

    /// Waits until `condition` holds for the job counts (of one type, or all).
    ///
    /// The condition is checked at once and after every change to the jobs, under the gateway's lock:
    /// keep it quick and do not call the gateway from it.
    /// - Parameters:
    ///   - type: The job type whose counts are checked; `nil` for all jobs.
    ///   - timeout: How long to wait at most. Default 60 seconds.
    ///   - condition: The condition to wait for.
    /// - Throws: ``EmbeddedGatewayError`` when the timeout passes or the gateway shuts down, or
    ///   `CancellationError` when the task is cancelled.
    public func waitUntil(
        type: String? = nil, timeout: Duration = .seconds(60), _ condition: @escaping @Sendable (JobCounts) -> Bool
    ) async throws {
        let id = core.state.withLock { state -> Int in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        let timeoutMilliseconds = timeout.milliseconds
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let satisfied = core.state.withLock { state -> Bool in
                    if condition(state.counts(type: type)) { return true }
                    if Task.isCancelled { return false }
                    state.conditionWaiters[id] = ConditionWaiter(type: type, condition: condition, continuation: continuation)
                    return false
                }
                if satisfied {
                    continuation.resume()
                    return
                }
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                core.timerLoop.scheduleTask(in: .milliseconds(timeoutMilliseconds)) { [core] in
                    let waiter = core.state.withLock { $0.conditionWaiters.removeValue(forKey: id) }
                    waiter?.continuation.resume(throwing: EmbeddedGatewayError(code: .timedOut))
                }
            }
        } onCancel: {
            let waiter = core.state.withLock { $0.conditionWaiters.removeValue(forKey: id) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    // MARK: Other records

    /// Every message publication request received, in order.
    public func messages() -> [MessagePublicationRequest] {
        core.state.withLock { $0.messages }
    }

    /// Every message correlation request received, in order (the gateway answers them with 404: it
    /// keeps no message subscriptions).
    public func correlations() -> [MessageCorrelationRequest] {
        core.state.withLock { $0.correlations }
    }

    /// The recorded requests, oldest first (at most ``Configuration/recordedRequestLimit``).
    public func requests() -> [RecordedRequest] {
        core.state.withLock { Array($0.recorded) }
    }

    /// Forgets the recorded requests.
    public func clearRequests() {
        core.state.withLock { state in
            state.recordedFirstSequence += state.recorded.count
            state.recorded.removeAll()
        }
    }

    // MARK: Faults

    /// Adds a fault; faults apply in the order they were added.
    public func inject(_ fault: Fault) {
        core.state.withLock { $0.faults.append((fault, 0, SeededRandom(seed: fault.seed))) }
    }

    /// Removes every fault.
    public func clearFaults() {
        core.state.withLock { $0.faults.removeAll() }
    }

    /// How many requests each injected fault has hit so far, in injection order.
    public func faultHits() -> [Int] {
        core.state.withLock { $0.faults.map(\.hits) }
    }

    // MARK: OAuth

    /// How many requests the token endpoint received (successful or not).
    public var tokenRequestCount: Int {
        core.state.withLock { $0.tokenRequestCount }
    }

    /// Makes the token endpoint answer `status` (with an OAuth error body), for the next `count`
    /// requests or until ``clearTokenFailures()`` when `count` is `nil`.
    public func failTokenRequests(status: Int = 503, count: Int? = nil) {
        core.state.withLock { $0.tokenFailure = (status, count) }
    }

    /// Makes the token endpoint work again.
    public func clearTokenFailures() {
        core.state.withLock { $0.tokenFailure = nil }
    }

    /// Invalidates every issued token, so the next API request with one gets 401.
    public func revokeTokens() {
        core.state.withLock { $0.tokens.removeAll() }
    }
}

/// An error of the ``EmbeddedGateway``'s test helpers.
public struct EmbeddedGatewayError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable {
            case timedOut
            case shutDown
        }

        let kind: Kind

        /// ``EmbeddedGateway/waitUntil(type:timeout:_:)`` timed out.
        public static let timedOut = Code(kind: .timedOut)
        /// The gateway shut down while waiting.
        public static let shutDown = Code(kind: .shutDown)

        /// A readable name.
        public var description: String {
            switch kind {
            case .timedOut: "timed out"
            case .shutDown: "gateway shut down"
            }
        }
    }

    /// What went wrong.
    public var code: Code

    /// A readable description.
    public var description: String { "EmbeddedGatewayError: \(code)" }
}
