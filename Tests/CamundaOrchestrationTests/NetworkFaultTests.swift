@testable import CamundaOrchestration
import CamundaTesting
import Foundation
import Logging
import Synchronization
import Testing

/// Silent network faults between the workers and the gateway, through the test kit's `FaultProxy`:
/// black holes, half-open connections, stalled and trickling responses, a server that never
/// answers, and the gateway killed and restarted. Every worker strategy runs through the proxy; each
/// scenario checks that every job reaches its outcome, that no job is acknowledged twice (the gateway
/// accepts one completion per job and no activation reaches a handler twice), and how long after
/// healing each worker activated successfully again.
///
/// The 40-second and 3-minute black holes run with `CAMUNDA_LONG_FAULT_TESTS=1`.
@Suite struct NetworkFaultTests {
    /// The client-side bounds of these tests: a 1 s long poll + 2 s margin, 3 s acknowledgements.
    static let longPollMilliseconds: Int64 = 1_000
    static let longPollBound: Duration = .seconds(3)
    /// What the issue promises: polling resumes within 15 s of healing plus the long-poll bound.
    static let recoveryBound: Duration = .seconds(15) + longPollBound

    static var longTestsEnabled: Bool { ProcessInfo.processInfo.environment["CAMUNDA_LONG_FAULT_TESTS"] == "1" }

    enum Fault: String, Sendable, CustomStringConvertible {
        case blackHole = "black hole"
        case halfOpen = "half-open connections"
        case stall = "stalled responses"
        case trickle = "responses trickling 1 byte/s"
        case kill = "gateway killed and restarted on the same port"

        var description: String { rawValue }
    }

    // MARK: Scenarios

    @Test(arguments: [Fault.blackHole, .halfOpen, .stall, .kill])
    func workersSurviveAFiveSecondFault(_ fault: Fault) async throws {
        try await Self.runScenario(fault: fault, window: .seconds(5))
    }

    @Test(.enabled(if: NetworkFaultTests.longTestsEnabled, "set CAMUNDA_LONG_FAULT_TESTS=1"), arguments: [40, 180])
    func workersSurviveALongBlackHole(seconds: Int) async throws {
        try await Self.runScenario(fault: .blackHole, window: .seconds(seconds))
    }

    @Test(.enabled(if: NetworkFaultTests.longTestsEnabled, "set CAMUNDA_LONG_FAULT_TESTS=1"))
    func workersSurviveTrickle() async throws {
        try await Self.runScenario(fault: .trickle, window: .seconds(10))
    }

    // MARK: Bounds

    @Test func boundsFollowTheOperationAndTheRequestedLongPoll() throws {
        let configuration = try CamundaConfiguration(
            [
                "CAMUNDA_SDK_HTTP_LONG_POLL_MARGIN_MS": "2000", "CAMUNDA_SDK_HTTP_ACK_TIMEOUT_MS": "7000",
                "CAMUNDA_SDK_HTTP_REQUEST_TIMEOUT_MS": "9000", "CAMUNDA_SDK_HTTP_LONG_POLL_DEFAULT_MS": "20000",
                "CAMUNDA_OAUTH_TIMEOUT_MS": "3000",
            ], environment: [:])
        let http = configuration.http
        #expect(http.tokenTimeout == .seconds(3))
        #expect(http.longPollBound(requestTimeoutMilliseconds: 1_500) == .milliseconds(3_500))
        #expect(http.longPollBound(requestTimeoutMilliseconds: 0) == .seconds(22))  // the server's default
        #expect(http.longPollBound(requestTimeoutMilliseconds: nil) == .seconds(22))
        #expect(http.longPollBound(requestTimeoutMilliseconds: -1) == .seconds(2))  // no long polling
        // The traits the generated methods give these operations.
        let traits: [String: OperationTraits] = [
            "activateJobs": [.longPoll, .defaultsTenants], "completeJob": [.acknowledgement, .leaseFenced],
            "failJob": [.acknowledgement, .leaseFenced], "throwJobError": [.acknowledgement, .leaseFenced], "getTopology": [],
        ]
        // The hold time is what the generated `activateJobs` records from its body's `requestTimeout`.
        func bound(_ operationID: String, hold: Int64? = nil) -> RequestBound {
            RequestBound.of(traits: traits[operationID]!, serverHoldMilliseconds: hold, http: http)
        }
        #expect(bound("activateJobs", hold: 1500) == RequestBound(kind: .longPoll, duration: .milliseconds(3_500)))
        #expect(bound("activateJobs", hold: 0).duration == .seconds(22))
        #expect(bound("completeJob") == RequestBound(kind: .acknowledgement, duration: .seconds(7)))
        #expect(bound("failJob").kind == .acknowledgement)
        #expect(bound("throwJobError").kind == .acknowledgement)
        #expect(bound("getTopology") == RequestBound(kind: .ordinary, duration: .seconds(9)))
        // Defaults.
        let defaults = try CamundaConfiguration([:], environment: [:]).http
        #expect(defaults.requestTimeout == .seconds(60))
        #expect(defaults.acknowledgementTimeout == .seconds(15))
        #expect(defaults.longPollBound(requestTimeoutMilliseconds: 0) == .seconds(35))
        #expect(defaults.tokenTimeout == .seconds(10))
        // Malformed values name the variable.
        let error = try #require(throws: CamundaConfigurationError.self) {
            try CamundaConfiguration(["CAMUNDA_SDK_HTTP_ACK_TIMEOUT_MS": "0"], environment: [:])
        }
        #expect(error.description.contains("CAMUNDA_SDK_HTTP_ACK_TIMEOUT_MS"))
    }

    @Test func timeoutsAndConnectionErrorsBackOffAtMostTenSeconds() {
        for attempt in 1...20 {
            #expect(WorkerBackoff.activationDelay(attempt: attempt, jitter: 1, connectionFailure: true) <= .seconds(10))
        }
        #expect(WorkerBackoff.activationDelay(attempt: 20, jitter: 1) == .seconds(30))
    }

    /// One warning per stretch of timeouts: a request sent before the recovery that times out after
    /// it belongs to the old stretch and starts no new one.
    @Test func aStretchOfTimeoutsIsReportedOnceAndEndsWithTheFirstSuccess() {
        var machine = WorkerStateMachine(capacity: 1)
        let start = ContinuousClock.now
        let first = machine.requestTimedOut(sentAt: start, now: start)
        let again = machine.requestTimedOut(sentAt: start, now: start)  // the same stretch
        let recovered = machine.activationSucceeded(now: .now)
        let healthy = machine.activationSucceeded(now: .now)
        let stale = machine.requestTimedOut(sentAt: start, now: .now)  // sent before the recovery
        let later = ContinuousClock.now
        let next = machine.requestTimedOut(sentAt: later, now: later)  // a new stretch
        let acknowledged = machine.acknowledgementAnswered(now: .now)  // an acknowledgement ends it while polling is healthy
        _ = machine.activationFailed(category: "timeout")
        let whileFailing = machine.requestTimedOut(sentAt: .now, now: .now)
        let notByAcknowledgement = machine.acknowledgementAnswered(now: .now)  // polling still failing: its success reports it
        #expect(first && !again && !stale && next && whileFailing)
        #expect(recovered?.timingOutSince == start && recovered?.failures == 0)
        #expect(healthy == nil)
        #expect(acknowledged == later)
        #expect(notByAcknowledgement == nil)
    }

    // MARK: Single requests

    /// Whether `condition` holds within `limit` (checked every 10 ms).
    static func within(_ limit: Duration, _ condition: () -> Bool) async -> Bool {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    /// `call`, tried up to 5 times while it times out: on a loaded machine (CI building beside the
    /// tests) an exchange outside the fault can exceed a bound of a second or two; the point of these
    /// tests is the request inside the fault, and that the client works again after it.
    static func succeeding<T>(_ call: () async throws -> T) async throws -> T {
        for _ in 1..<5 {
            do { return try await call() } catch let error as CamundaError where error.kind == .timeout { continue }
        }
        return try await call()
    }

    /// A server that accepts connections and never answers: every kind of request ends at its bound
    /// as a timeout, and once the server answers again a fresh connection is used.
    @Test func aServerThatNeverAnswersTimesOutEveryRequestAtItsBound() async throws {
        let gateway = try await EmbeddedGateway.start()
        let proxy = try await FaultProxy.start(upstreamPort: gateway.port)
        proxy.setMode(.blackHole)
        var configuration = try CamundaConfiguration(
            ["CAMUNDA_REST_ADDRESS": proxy.restAddress.absoluteString, "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "1"],
            environment: [:])
        configuration.http.requestTimeout = .milliseconds(500)
        configuration.http.acknowledgementTimeout = .milliseconds(400)
        configuration.http.longPollMargin = .milliseconds(300)
        let client = try CamundaClient(configuration, logger: quietLogger)

        let ordinary = try await #require(throws: CamundaError.self) { try await client.getTopology() }
        #expect(ordinary.kind == .timeout)
        #expect(ordinary.description.contains("500 ms (ordinary)"))
        let poll = try await #require(throws: CamundaError.self) {
            try await client.activateJobs(
                JobActivationRequest(type: "t", timeout: 1_000, maxJobsToActivate: 1, requestTimeout: 200))
        }
        #expect(poll.kind == .timeout)
        #expect(poll.description.contains("500 ms (long poll)"))  // 200 ms + 300 ms margin
        let ack = try await #require(throws: CamundaError.self) {
            try await client.completeJob(jobKey: JobKey("2251799813685249"), JobCompletionRequest())
        }
        #expect(ack.kind == .timeout)
        #expect(ack.description.contains("400 ms (acknowledgement)"))
        // Each timeout closed its connection, so each request opened a new one (the proxy counts an
        // accepted connection on its own event loop: wait for its bookkeeping).
        #expect(await Self.within(.seconds(5)) { proxy.statistics.accepted == 3 })

        proxy.heal()
        let topology = try await Self.succeeding { try await client.getTopology() }
        #expect(topology.clusterSize >= 1)
        // On a fresh connection (more than one if a loaded machine made a healed attempt time out too).
        #expect(await Self.within(.seconds(5)) { proxy.statistics.accepted >= 4 })
        try await client.shutdown()
        try await proxy.shutdown()
        try await gateway.shutdown()
    }

    /// Headers arrive and the body never completes; or it trickles one byte a second: both end at the bound.
    @Test(arguments: [FaultProxy.Mode.stall, .trickle(interval: .seconds(1))])
    func stalledAndTricklingBodiesEndAtTheBound(_ mode: FaultProxy.Mode) async throws {
        let gateway = try await EmbeddedGateway.start()
        let proxy = try await FaultProxy.start(upstreamPort: gateway.port)
        var configuration = try CamundaConfiguration(
            ["CAMUNDA_REST_ADDRESS": proxy.restAddress.absoluteString, "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "1"],
            environment: [:])
        configuration.http.requestTimeout = .milliseconds(1_500)
        let client = try CamundaClient(configuration, logger: quietLogger)
        _ = try await Self.succeeding { try await client.getTopology() }  // a pooled connection, then the fault
        proxy.setMode(mode)
        let started = ContinuousClock.now
        let error = try await #require(throws: CamundaError.self) { try await client.getTopology() }
        #expect(error.kind == .timeout)
        #expect(ContinuousClock.now - started >= .milliseconds(1_400))
        #expect(proxy.statistics.bytesToClients > 0)  // some of the response did arrive
        proxy.heal()
        _ = try await Self.succeeding { try await client.getTopology() }
        try await client.shutdown()
        try await proxy.shutdown()
        try await gateway.shutdown()
    }

    /// The OAuth token request has its own bound (`CAMUNDA_OAUTH_TIMEOUT_MS`).
    @Test func aTokenRequestIntoABlackHoleTimesOut() async throws {
        let gateway = try await EmbeddedGateway.start(EmbeddedGateway.Configuration(authentication: .oauth))
        let proxy = try await FaultProxy.start(upstreamPort: gateway.port)
        proxy.setMode(.blackHole)
        let client = try CamundaClient(
            configuration: [
                "CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString, "CAMUNDA_CLIENT_ID": "test-client",
                "CAMUNDA_CLIENT_SECRET": "test-secret",
                "CAMUNDA_OAUTH_URL": proxy.rootAddress.appendingPathComponent("oauth/token").absoluteString,
                "CAMUNDA_OAUTH_TIMEOUT_MS": "500", "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "1",
            ], environment: [:], logger: quietLogger)
        let error = try await #require(throws: CamundaError.self) { try await client.getTopology() }
        #expect(error.kind == .timeout)
        #expect(error.description.contains("OAuth token request"))
        #expect(!error.description.contains("test-secret"))
        try await client.shutdown()
        try await proxy.shutdown()
        try await gateway.shutdown()
    }

    // MARK: The scenario

    static func runScenario(fault: Fault, window: Duration) async throws {
        let demo = try #require(WorkerGatewayTests.demoExecutable(), "build the camunda-demo product first (swift build)")
        let gateway = try await EmbeddedGateway.start(
            EmbeddedGateway.Configuration(defaultRequestTimeout: .seconds(1), recordedRequestLimit: 100_000))
        let proxy = try await FaultProxy.start(upstreamPort: gateway.port)
        let handled = ChaosHandledActivations()
        let logs = FaultLogRecorder()
        var clients: [CamundaClient] = []
        func makeClient(_ name: String) throws -> CamundaClient {
            var configuration = try CamundaConfiguration(
                ["CAMUNDA_REST_ADDRESS": proxy.restAddress.absoluteString], environment: [:])
            configuration.http.requestTimeout = .seconds(5)
            configuration.http.acknowledgementTimeout = .seconds(3)
            configuration.http.longPollMargin = longPollBound - .milliseconds(longPollMilliseconds)
            let client = try CamundaClient(configuration, logger: logs.logger(name))
            clients.append(client)
            return client
        }
        // Locks of 8 s: longer than an acknowledgement's bound, shorter than the long faults.
        let asyncWorker = try makeClient("async").createJobWorker(
            config: WorkerConfig(
                jobType: "fault-async", jobTimeoutMilliseconds: 8_000, requestTimeoutMilliseconds: longPollMilliseconds,
                maxConcurrentJobs: 8)
        ) { (job: ConnectedJobContext) async throws -> [String: JSONValue] in
            handled.record(job.jobKey, deadline: job.deadline)
            return ["by": "async"]
        }
        let threadWorker = try makeClient("thread").createJobWorker(
            config: WorkerConfig(
                jobType: "fault-thread", jobTimeoutMilliseconds: 8_000, requestTimeoutMilliseconds: longPollMilliseconds,
                maxConcurrentJobs: 4),
            executionStrategy: .thread
        ) { (job: SyncJobContext) throws -> [String: JSONValue] in
            handled.record(job.jobKey, deadline: job.deadline)
            return ["by": "thread"]
        }
        // The `.process` children are camunda-demo processes (its first `.process` worker is count-primes).
        let processWorker = try makeClient("process").createJobWorker(
            config: WorkerConfig(
                jobType: "count-primes", jobTimeoutMilliseconds: 8_000, requestTimeoutMilliseconds: longPollMilliseconds,
                maxConcurrentJobs: 2),
            executionStrategy: .process
        ) { (_: JobContext) throws -> [String: JSONValue] in
            Issue.record("the handler runs in the child, not here")
            return [:]
        }
        processWorker.useProcessChildren(executable: demo, environment: ["SWIFT_BACKTRACE": "enable=no"], ordinal: 0)
        let types = ["fault-async", "fault-thread", "count-primes"]
        var seeded: [JobKey] = []
        func seed(_ count: Int) {
            seeded += gateway.seedJobs(type: "fault-async", count: count)
            seeded += gateway.seedJobs(type: "fault-thread", count: count)
            seeded += gateway.seedJobs(type: "count-primes", count: count, variables: ["limit": 100])
        }

        let tasks = clients.map { client in Task { try await client.runWorkers(shutdownGracePeriod: .seconds(10)) } }
        // Before: jobs seeded and handled, so every worker holds pooled connections when the fault starts.
        seed(10)
        try await gateway.waitUntil(timeout: .seconds(60)) { $0.completed == 30 }
        seed(10)  // some of these are in flight (activated, handled, or being acknowledged) as the fault begins

        switch fault {
        case .blackHole: proxy.setMode(.blackHole)
        case .halfOpen: proxy.setMode(.halfOpen)
        case .stall: proxy.setMode(.stall)
        case .trickle: proxy.setMode(.trickle(interval: .seconds(1)))
        case .kill: try await proxy.kill()
        }
        // During: seeded while the network is down.
        try await Task.sleep(for: window / 2)
        seed(5)
        try await Task.sleep(for: window / 2)
        let healed = Date()
        let healedInstant = ContinuousClock.now
        if fault == .kill { try await proxy.restart() } else { proxy.heal() }
        // After.
        seed(5)

        // Every job reaches its outcome.
        try await gateway.waitUntil(timeout: .seconds(120)) { $0.open == 0 }
        let drained = ContinuousClock.now - healedInstant
        for task in tasks { task.cancel() }
        for task in tasks { try await task.value }
        for client in clients { try await client.shutdown() }

        let snapshots = seeded.compactMap { gateway.job($0) }
        #expect(snapshots.count == seeded.count)
        let unfinished = snapshots.filter { $0.state != .completed }
        #expect(unfinished.isEmpty, "not completed: \(unfinished.map { "\($0.key) \($0.type) \($0.state)" })")
        // No duplicate acknowledgement: one accepted completion per job, no activation handled twice.
        #expect(snapshots.allSatisfy { $0.completionCount == 1 })
        #expect(handled.duplicates.isEmpty, "activations handled twice: \(handled.duplicates)")
        #expect([asyncWorker, threadWorker, processWorker].allSatisfy { $0.jobsInFlight == 0 })

        // Recovery: the first successful activation of each worker that reached the gateway after healing.
        var recoveries: [String: Double] = [:]
        for request in gateway.requests()
        where request.operationID == "activateJobs" && request.status == 200 && request.receivedAt >= healed {
            guard let type = (try? JSONSerialization.jsonObject(with: request.body) as? [String: Any])?["type"] as? String,
                recoveries[type] == nil
            else { continue }
            recoveries[type] = request.receivedAt.timeIntervalSince(healed)
        }
        for type in types {
            let recovery = try #require(recoveries[type], "\(type) never activated after healing")
            #expect(.milliseconds(Int64(recovery * 1000)) <= recoveryBound, "\(type) resumed \(recovery) s after healing")
        }
        // The log: one warning per worker when its requests start timing out (none for a kill, which is
        // refused connections, not timeouts), and one recovery line per worker.
        let warnings = logs.lines(level: .warning, containing: "timing out")
        let recovered = logs.lines(level: .info, containing: "recovered")
        if fault != .kill {
            for name in ["async", "thread", "process"] {
                #expect(warnings.filter { $0.hasPrefix(name) }.count == 1, "\(name): \(warnings)")
            }
        }
        for name in ["async", "thread", "process"] {
            #expect(recovered.filter { $0.hasPrefix(name) }.count >= 1, "\(name): \(recovered)")
        }
        let counts = gateway.counts()
        print(
            "network fault \(fault) for \(window): recovery after healing "
                + types.map { "\($0) \(String(format: "%.1f", recoveries[$0] ?? -1)) s" }.joined(separator: ", ")
                + "; all \(seeded.count) jobs done \(String(format: "%.1f", drained.camundaTestSeconds)) s after healing; "
                + "rejected second completion commands \(counts.duplicateCompletions); lock expiries \(counts.timedOut); "
                + "proxy \(proxy.statistics)")
        try await proxy.shutdown()
        try await gateway.shutdown()
    }
}

/// Collects the warning and info lines of the workers' loggers, prefixed with the client's name.
final class FaultLogRecorder: Sendable {
    private let entries = Mutex<[(Logger.Level, String)]>([])

    func logger(_ name: String) -> Logger {
        var logger = Logger(label: "camunda.fault.\(name)") { _ in RecordingLogHandler(name: name, recorder: self) }
        logger.logLevel = .info
        return logger
    }

    func append(_ level: Logger.Level, _ line: String) { entries.withLock { $0.append((level, line)) } }

    func lines(level: Logger.Level, containing text: String) -> [String] {
        entries.withLock { $0 }.filter { $0.0 == level && $0.1.contains(text) }.map(\.1)
    }

    struct RecordingLogHandler: LogHandler {
        let name: String
        let recorder: FaultLogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.append(event.level, "\(name): \(event.message)")
        }
    }
}

extension Duration {
    var camundaTestSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
