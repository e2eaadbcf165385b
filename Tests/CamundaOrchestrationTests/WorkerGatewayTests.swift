import CamundaTesting
import Foundation
import Logging
import NIOPosix
import Synchronization
import Testing
@testable import CamundaOrchestration

/// Workers against the embedded gateway over loopback HTTP.
@Suite("Workers against the embedded gateway", .serialized, .timeLimit(.minutes(1)))
struct WorkerGatewayTests {
    static func withGateway(
        _ configuration: [String: String] = [:], _ body: (EmbeddedGateway, CamundaClient) async throws -> Void
    ) async throws {
        let gateway = try await EmbeddedGateway.start()
        var variables = configuration
        variables["CAMUNDA_REST_ADDRESS"] = gateway.restAddress.absoluteString
        let client = try CamundaClient(configuration: variables, environment: [:], logger: quietLogger)
        do {
            try await body(gateway, client)
        } catch {
            try? await client.shutdown()
            try? await gateway.shutdown()
            throw error
        }
        try await client.shutdown()
        try await gateway.shutdown()
    }

    /// Runs the client's workers until `condition` holds for the job type's counts, then cancels them.
    static func run(
        _ client: CamundaClient, _ gateway: EmbeddedGateway, type: String?, until condition: @escaping @Sendable (JobCounts) -> Bool
    ) async throws {
        let workers = Task { try await client.runWorkers() }
        do {
            try await gateway.waitUntil(type: type, timeout: .seconds(120), condition)
        } catch {
            workers.cancel()
            throw error
        }
        workers.cancel()
        try await workers.value
    }

    static func expectExactlyOnce(_ gateway: EmbeddedGateway, type: String, count: Int) {
        let counts = gateway.counts(type: type)
        #expect(counts.completed == count)
        #expect(counts.duplicateCompletions == 0)
        #expect(counts.rejectedCommands == 0)
        #expect(gateway.jobs(type: type).allSatisfy { $0.completionCount == 1 })
    }

    // MARK: Strategies

    @Test func asyncStrategyProcesses500Jobs() async throws {
        try await Self.withGateway { gateway, client in
            gateway.seedJobs(type: "async-500", count: 500, variables: ["n": 1])
            try client.createJobWorker(
                config: WorkerConfig(jobType: "async-500", jobTimeoutMilliseconds: 60_000, maxConcurrentJobs: 16)
            ) { (job: ConnectedJobContext) async throws -> [String: JSONValue] in
                ["key": .string(job.jobKey.rawValue), "n": .int((job.variables["n"]?.intValue ?? 0) + 1)]
            }
            try await Self.run(client, gateway, type: "async-500") { $0.completed == 500 }
            Self.expectExactlyOnce(gateway, type: "async-500", count: 500)
            #expect(gateway.jobs(type: "async-500").allSatisfy {
                $0.lastCompletion?.variables == ["key": .string($0.key.rawValue), "n": 2]
            })
            #expect(gateway.peakActivated(type: "async-500") <= 16)
        }
    }

    /// `.asyncOnEventLoop`: handlers run on the client's event loop (the thread of its connections),
    /// can call the API through `job.client`, and every job is completed exactly once; plain `.async`
    /// handlers stay off the event loop.
    @Test func asyncOnEventLoopRunsHandlersOnTheClientsEventLoop() async throws {
        try await Self.withGateway { gateway, client in
            gateway.seedJobs(type: "on-loop", count: 200)
            gateway.seedJobs(type: "off-loop", count: 20)
            let onLoop = Atomic<Int>(0)
            let offLoop = Atomic<Int>(0)
            try client.createJobWorker(
                config: WorkerConfig(jobType: "on-loop", jobTimeoutMilliseconds: 60_000, maxConcurrentJobs: 16),
                executionStrategy: .asyncOnEventLoop
            ) { (job: ConnectedJobContext) async throws -> [String: JSONValue] in
                if MultiThreadedEventLoopGroup.currentEventLoop != nil { onLoop.add(1, ordering: .relaxed) }
                let topology = try await job.client.getTopology()
                if MultiThreadedEventLoopGroup.currentEventLoop != nil { onLoop.add(1, ordering: .relaxed) }
                return ["brokers": .int(Int64(topology.brokers.count))]
            }
            try client.createJobWorker(
                config: WorkerConfig(jobType: "off-loop", jobTimeoutMilliseconds: 60_000, maxConcurrentJobs: 4),
                executionStrategy: .async
            ) { (_: ConnectedJobContext) async throws -> [String: JSONValue] in
                if MultiThreadedEventLoopGroup.currentEventLoop != nil { offLoop.add(1, ordering: .relaxed) }
                return [:]
            }
            try await Self.run(client, gateway, type: nil) { $0.completed == 220 }
            Self.expectExactlyOnce(gateway, type: "on-loop", count: 200)
            Self.expectExactlyOnce(gateway, type: "off-loop", count: 20)
            #expect(onLoop.load(ordering: .relaxed) == 400)  // before and after the handler's own API call
            #expect(offLoop.load(ordering: .relaxed) == 0)
        }
    }

    @Test func threadStrategyProcesses500Jobs() async throws {
        try await Self.withGateway { gateway, client in
            gateway.seedJobs(type: "thread-500", count: 500)
            let threads = Mutex<Set<String>>([])
            try client.createJobWorker(
                config: WorkerConfig(jobType: "thread-500", jobTimeoutMilliseconds: 60_000, maxConcurrentJobs: 8),
                executionStrategy: .thread
            ) { (job: SyncJobContext) throws -> [String: JSONValue] in
                threads.withLock { _ = $0.insert(JobThreadPool.currentPoolThreadName ?? "not a pool thread") }
                return ["thread": true]
            }
            try await Self.run(client, gateway, type: "thread-500") { $0.completed == 500 }
            Self.expectExactlyOnce(gateway, type: "thread-500", count: 500)
            #expect(threads.withLock { $0.count } <= 8)
            #expect(threads.withLock { $0.allSatisfy { $0.hasPrefix("camunda-worker-thread-500") } }, "\(threads.withLock { $0 })")
            #expect(gateway.peakActivated(type: "thread-500") <= 8)
        }
    }

    /// The `.process` strategy from the test runner: the children are `camunda-demo` processes (the
    /// demo's `count-primes` handler is its first `.process` worker), since re-entering the test
    /// runner would run the tests again.
    @Test func processStrategyProcesses500JobsAndSurvivesACrash() async throws {
        let demo = try #require(Self.demoExecutable(), "build the camunda-demo product first (swift build)")
        try await Self.withGateway { gateway, client in
            gateway.seedJobs(type: "count-primes", count: 500, variables: ["limit": 100])
            let crashing = gateway.seedJobs(type: "count-primes", count: 1, variables: ["crash": true], retries: 3)
            let worker = try client.createJobWorker(
                config: WorkerConfig(jobType: "count-primes", jobTimeoutMilliseconds: 60_000, maxConcurrentJobs: 4),
                executionStrategy: .process
            ) { (_: JobContext) throws -> [String: JSONValue] in
                Issue.record("the handler runs in the child, not here")
                return [:]
            }
            // The crashing child would spend seconds printing a symbolicated backtrace.
            worker.useProcessChildren(executable: demo, environment: ["SWIFT_BACKTRACE": "enable=no"], ordinal: 0)
            try await Self.run(client, gateway, type: "count-primes") { $0.completed == 500 && $0.incidents == 1 }
            let counts = gateway.counts(type: "count-primes")
            #expect(counts.completed == 500)
            #expect(counts.duplicateCompletions == 0)
            #expect(gateway.jobs(type: "count-primes").filter { $0.key != crashing[0] }.allSatisfy {
                $0.completionCount == 1 && $0.lastCompletion?.variables?["primeCount"] == 25
            })
            let crashed = try #require(gateway.job(crashing[0]))
            #expect(crashed.state == .incident)
            #expect(crashed.failureCount == 3)
            #expect(crashed.lastFailure?.errorMessage?.contains("crashed while running the handler") == true)
            #expect(gateway.peakActivated(type: "count-primes") <= 4)
        }
    }

    static func demoExecutable() -> String? {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("camunda-demo").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    // MARK: Outcomes

    @Test func outcomesArriveOnTheWire() async throws {
        try await Self.withGateway { gateway, client in
            gateway.seedJobs(type: "fail-default", count: 3, retries: 3)
            gateway.seedJobs(type: "fail-default-zero", count: 1, retries: 0)
            gateway.seedJobs(type: "fail-custom", count: 1, retries: 3)
            gateway.seedJobs(type: "bpmn", count: 1)
            gateway.seedJobs(type: "other-error", count: 1, retries: 2)
            let userTask = UserTaskProperties(
                action: "assign", assignee: "a", candidateGroups: [], candidateUsers: [], changedAttributes: [],
                dueDate: nil, followUpDate: nil, formKey: nil, priority: 1, userTaskKey: "1")
            gateway.seedJobs(type: "correct", count: 1, kind: .taskListener, listenerEventType: .assigning, userTask: userTask)
            gateway.seedJobs(type: "deny", count: 1, kind: .taskListener, listenerEventType: .assigning, userTask: userTask)

            let timeout: Int64 = 60_000
            try client.createJobWorker(config: WorkerConfig(jobType: "fail-default", jobTimeoutMilliseconds: timeout)) {
                (_: ConnectedJobContext) async throws in
                throw JobFailure(message: "default retries", retryBackOff: 600_000)
            }
            try client.createJobWorker(config: WorkerConfig(jobType: "fail-default-zero", jobTimeoutMilliseconds: timeout)) {
                (_: ConnectedJobContext) async throws in throw JobFailure(message: "zero", retryBackOff: 600_000)
            }
            try client.createJobWorker(config: WorkerConfig(jobType: "fail-custom", jobTimeoutMilliseconds: timeout)) {
                (_: ConnectedJobContext) async throws in
                throw JobFailure(message: "Missing required field", retries: 2, retryBackOff: 60_000)
            }
            try client.createJobWorker(config: WorkerConfig(jobType: "bpmn", jobTimeoutMilliseconds: timeout)) {
                (_: SyncJobContext) throws in
                throw JobError(errorCode: "AMOUNT_TOO_HIGH", message: "too much", variables: ["limit": 1000])
            }
            struct Boom: Error, CustomStringConvertible { var description: String { "boom happened" } }
            try client.createJobWorker(config: WorkerConfig(jobType: "other-error", jobTimeoutMilliseconds: timeout)) {
                (_: JobContext) throws in throw Boom()
            }
            try client.createJobWorker(config: WorkerConfig(jobType: "correct", jobTimeoutMilliseconds: timeout)) {
                (_: ConnectedJobContext) async throws -> JobCompletionRequest in
                JobCompletionRequest(
                    result: .userTask(
                        JobResultUserTask(corrections: JobResultCorrections(assignee: "corrected-user", priority: 80))))
            }
            try client.createJobWorker(config: WorkerConfig(jobType: "deny", jobTimeoutMilliseconds: timeout)) {
                (_: ConnectedJobContext) async throws -> JobCompletionRequest in
                JobCompletionRequest(result: .userTask(JobResultUserTask(denied: true, deniedReason: "on leave")))
            }
            try await Self.run(client, gateway, type: nil) { counts in
                counts.failed >= 7 && counts.errorThrown == 1 && counts.completed == 2 && counts.incidents == 2
            }

            let defaults = gateway.jobs(type: "fail-default")
            #expect(defaults.allSatisfy { $0.lastFailure?.retries == 2 && $0.lastFailure?.errorMessage == "default retries" })
            #expect(gateway.jobs(type: "fail-default-zero").first?.lastFailure?.retries == 0)
            let custom = try #require(gateway.jobs(type: "fail-custom").first?.lastFailure)
            #expect(custom.retries == 2)
            #expect(custom.retryBackOff == 60_000)
            #expect(custom.errorMessage == "Missing required field")
            let bpmn = try #require(gateway.jobs(type: "bpmn").first?.lastError)
            #expect(bpmn.errorCode == "AMOUNT_TOO_HIGH")
            #expect(bpmn.errorMessage == "too much")
            #expect(bpmn.variables == ["limit": 1000])
            // Any other error: the job's retries minus one, without back-off, so it fails 2 → 1 → 0 (incident).
            let other = try #require(gateway.jobs(type: "other-error").first)
            #expect(other.failureCount == 2)
            #expect(other.state == .incident)
            #expect(other.lastFailure?.retries == 0)
            #expect(other.lastFailure?.errorMessage == "boom happened")

            // The wire form of the user-task results, as the spec's JobResultUserTask.
            let completions = gateway.requests().filter { $0.operationID == "completeJob" }
            let bodies = try completions.map { try CamundaJSON.decode(JSONValue.self, from: $0.body) }
            let results = bodies.compactMap { $0["result"] }
            #expect(
                results.contains(["type": "userTask", "corrections": ["assignee": "corrected-user", "priority": 80]]))
            #expect(results.contains(["type": "userTask", "denied": true, "deniedReason": "on leave"]))
        }
    }

    @Test func handlerCompletingItsOwnJobCausesNoSecondAcknowledgement() async throws {
        try await Self.withGateway { gateway, client in
            gateway.seedJobs(type: "self-ack", count: 20)
            try client.createJobWorker(config: WorkerConfig(jobType: "self-ack", jobTimeoutMilliseconds: 60_000)) {
                (job: ConnectedJobContext) async throws -> [String: JSONValue] in
                try await job.client.completeJob(jobKey: job.jobKey, JobCompletionRequest(variables: ["by": "handler"]))
                return ["by": "worker"]
            }
            gateway.seedJobs(type: "self-ack-thread", count: 20)
            try client.createJobWorker(config: WorkerConfig(jobType: "self-ack-thread", jobTimeoutMilliseconds: 60_000)) {
                (job: SyncJobContext) throws in
                try job.client.failJob(jobKey: job.jobKey, JobFailRequest(retries: 0, errorMessage: "by handler"))
            }
            try await Self.run(client, gateway, type: nil) { $0.completed == 20 && $0.incidents == 20 }
            Self.expectExactlyOnce(gateway, type: "self-ack", count: 20)
            #expect(gateway.jobs(type: "self-ack").allSatisfy { $0.lastCompletion?.variables == ["by": "handler"] })
            #expect(gateway.jobs(type: "self-ack-thread").allSatisfy { $0.failureCount == 1 && $0.completionCount == 0 })
            #expect(gateway.counts().rejectedCommands == 0)
        }
    }

    // MARK: Loop

    @Test func maxConcurrentJobsIsNeverExceeded() async throws {
        try await Self.withGateway { gateway, client in
            gateway.seedJobs(type: "bounded", count: 200)
            let running = Mutex((now: 0, peak: 0))
            try client.createJobWorker(
                config: WorkerConfig(jobType: "bounded", jobTimeoutMilliseconds: 60_000, maxConcurrentJobs: 5)
            ) { (_: ConnectedJobContext) async throws in
                running.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
                try await Task.sleep(for: .milliseconds(2))
                running.withLock { $0.now -= 1 }
            }
            try await Self.run(client, gateway, type: "bounded") { $0.completed == 200 }
            #expect(gateway.peakActivated(type: "bounded") <= 5)
            #expect(gateway.peakActivated(type: "bounded") >= 2)
            #expect(running.withLock { $0.peak } <= 5)
            let requested = gateway.requests().filter { $0.operationID == "activateJobs" }.compactMap {
                try? CamundaJSON.decode(JobActivationRequest.self, from: $0.body).maxJobsToActivate
            }
            #expect(requested.allSatisfy { (1...5).contains($0) })
        }
    }

    @Test func activationRecoversFromInjectedFaultsAndLosesNothing() async throws {
        // One HTTP attempt per call, so that the worker's own back-off is what recovers.
        try await Self.withGateway(["CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "1"]) { gateway, client in
            gateway.seedJobs(type: "faulty", count: 300)
            gateway.inject(Fault(.activateJobs, .status(503), rate: 0.3))
            gateway.inject(Fault(.activateJobs, .dropConnection, limit: 2))
            gateway.inject(Fault(.activateJobs, .status(401), limit: 2))
            let sleeps = Mutex<[Duration]>([])
            let hooks = RuntimeHooks(
                clock: TestClock { duration in
                    sleeps.withLock { $0.append(duration) }
                    try await Task.sleep(for: .milliseconds(5))
                }, random: { 0.5 })
            _ = try client.workers.makeWorker(
                config: WorkerConfig(jobType: "faulty", jobTimeoutMilliseconds: 60_000, maxConcurrentJobs: 8),
                defaults: WorkerDefaults(), startupJitterMaxSeconds: nil,
                runner: .connected(.auto) { (_: ConnectedJobContext) async throws -> [String: JSONValue] in ["ok": true] },
                operations: client, logger: quietLogger, hooks: hooks)
            try await Self.run(client, gateway, type: "faulty") { $0.completed == 300 }
            Self.expectExactlyOnce(gateway, type: "faulty", count: 300)
            let delays = sleeps.withLock { $0 }.filter { $0 < .seconds(30) }
            #expect(!delays.isEmpty)
            #expect(delays.allSatisfy { $0 >= .seconds(1) })
            #expect(delays.contains { $0 >= .seconds(2) })
        }
    }

    // MARK: Shutdown

    @Test func shutdownFinishesRunningHandlersAndHandsBackUnstartedJobsAtOnce() async throws {
        try await Self.withGateway { gateway, client in
            gateway.seedJobs(type: "drain", count: 4)
            let gate = AsyncGate()
            let started = AsyncCounter()
            let worker = try client.createJobWorker(
                config: WorkerConfig(jobType: "drain", jobTimeoutMilliseconds: 600_000, maxConcurrentJobs: 4)
            ) { (_: ConnectedJobContext) async throws -> [String: JSONValue] in
                await started.increment()
                await gate.wait()
                return ["drained": true]
            }
            let workers = Task { try await client.runWorkers() }
            await started.wait(for: 4)
            workers.cancel()
            await gate.open()
            try await workers.value
            #expect(gateway.counts(type: "drain").completed == 4)
            #expect(worker.jobsInFlight == 0)

            // Jobs that arrive while the worker stops are handed back with unchanged retries and no back-off.
            let handedBack = gateway.seedJobs(type: "hand-back", count: 3, retries: 5)
            let stopper = StopAfterActivation(client: client)
            let stopping = try client.workers.makeWorker(
                config: WorkerConfig(jobType: "hand-back", jobTimeoutMilliseconds: 600_000),
                defaults: WorkerDefaults(), startupJitterMaxSeconds: nil,
                runner: .connected(.auto) { (_: ConnectedJobContext) async throws in Issue.record("must not start") },
                operations: stopper, logger: quietLogger)
            stopper.worker.withLock { $0 = stopping }
            try await stopping.run()
            for key in handedBack {
                let job = try #require(gateway.job(key))
                #expect(job.state == .activatable)
                #expect(job.retries == 5)
                #expect(job.lastFailure?.retryBackOff == 0)
            }
        }
    }

    // MARK: Defaults through the client

    @Test func heritableDefaultsComeFromTheClientConfiguration() async throws {
        try await Self.withGateway([
            "CAMUNDA_WORKER_TIMEOUT": "45000", "CAMUNDA_WORKER_MAX_CONCURRENT_JOBS": "3",
            "CAMUNDA_WORKER_NAME": "from-config", "CAMUNDA_WORKER_REQUEST_TIMEOUT": "1500",
        ]) { gateway, client in
            let inherited = try client.createJobWorker(config: WorkerConfig(jobType: "inherit")) {
                (_: ConnectedJobContext) async throws in
            }
            #expect(inherited.config.jobTimeoutMilliseconds == 45_000)
            #expect(inherited.config.maxConcurrentJobs == 3)
            #expect(inherited.config.workerName == "from-config")
            #expect(inherited.config.requestTimeoutMilliseconds == 1500)
            let own = try client.createJobWorker(
                config: WorkerConfig(jobType: "own", jobTimeoutMilliseconds: 1000, maxConcurrentJobs: 9, workerName: "mine")
            ) { (_: ConnectedJobContext) async throws in }
            #expect(own.config.jobTimeoutMilliseconds == 1000)
            #expect(own.config.maxConcurrentJobs == 9)
            #expect(own.config.workerName == "mine")
            #expect(own.config.requestTimeoutMilliseconds == 1500)

            gateway.seedJobs(type: "inherit", count: 2)
            try await Self.run(client, gateway, type: "inherit") { $0.completed == 2 }
            let activation = try #require(
                gateway.requests().filter { $0.operationID == "activateJobs" }.map {
                    try CamundaJSON.decode(JobActivationRequest.self, from: $0.body)
                }.first { $0.type == "inherit" })
            #expect(activation.worker == "from-config")
            #expect(activation.timeout == 45_000)
            #expect(activation.requestTimeout == 1500)
            #expect(gateway.jobs(type: "inherit").allSatisfy { $0.worker == "from-config" })
        }
    }

    @Test func missingJobTimeoutFailsAtCreation() async throws {
        try await Self.withGateway { _, client in
            #expect(throws: JobWorkerConfigurationError.self) {
                try client.createJobWorker(config: WorkerConfig(jobType: "no-timeout")) { (_: ConnectedJobContext) async throws in }
            }
            #expect(client.jobWorkers.isEmpty)
        }
    }

    @Test func jobLoggerCarriesJobMetadata() async throws {
        let records = LogRecords()
        let gateway = try await EmbeddedGateway.start()
        let logger = Logger(label: "test", factory: { _ in RecordingLogHandler(records: records) })
        let client = try CamundaClient(
            configuration: ["CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString], environment: [:], logger: logger)
        let keys = gateway.seedJobs(type: "logged", count: 1)
        try client.createJobWorker(config: WorkerConfig(jobType: "logged", jobTimeoutMilliseconds: 60_000, workerName: "w1")) {
            (job: ConnectedJobContext) async throws in job.log.info("hello from the handler")
        }
        try await Self.run(client, gateway, type: "logged") { $0.completed == 1 }
        let record = try #require(records.all.first { $0.message == "hello from the handler" })
        #expect(record.metadata["camunda.job.type"] == "logged")
        #expect(record.metadata["camunda.worker.name"] == "w1")
        #expect(record.metadata["camunda.job.key"] == .string(keys[0].rawValue))
        try await client.shutdown()
        try await gateway.shutdown()
    }

    // MARK: The demo

    @Test func demoRunsToItsSummaryAndExitsZero() async throws {
        let demo = try #require(Self.demoExecutable(), "build the camunda-demo product first (swift build)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: demo)
        var environment = ProcessInfo.processInfo.environment
        environment["CAMUNDA_REST_ADDRESS"] = nil
        environment["ZEEBE_REST_ADDRESS"] = nil
        environment["DEMO_LOG_LEVEL"] = "error"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read and wait off Swift's cooperative pool: blocking here would starve other tests' tasks.
        let handle = output.fileHandleForReading
        let data = await withCheckedContinuation { (continuation: CheckedContinuation<Data, Never>) in
            DispatchQueue.global().async {
                let data = handle.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: data)
            }
        }
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(text.contains("47/47 jobs accounted for"))
        #expect(text.contains("user-task correction: assignee=corrected-user priority=80"))
        #expect(text.contains("process crash: state=incident"))
    }
}

/// Stops the worker as soon as an activation answers, so its jobs arrive while it stops.
final class StopAfterActivation: CamundaOperations {
    let client: CamundaClient
    let worker = Mutex<JobWorker?>(nil)
    init(client: CamundaClient) { self.client = client }
    func send(_ request: OperationRequest) async throws -> OperationResponse {
        let client = self.client
        let response = try await Task { try await client.send(request) }.value
        if request.operationID == "activateJobs" { worker.withLock { $0 }?.stop() }
        return response
    }
}

final class LogRecords: Sendable {
    struct Record: Sendable {
        var message: String
        var metadata: Logger.Metadata
    }
    private let records = Mutex<[Record]>([])
    func append(_ record: Record) { records.withLock { $0.append(record) } }
    var all: [Record] { records.withLock { $0 } }
}

struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        records.append(.init(message: event.message.description, metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }
}
