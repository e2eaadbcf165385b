import CamundaTesting
import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import Synchronization
import Testing
@testable import CamundaOrchestration

#if canImport(Glibc)
import Glibc
#endif

/// The short chaos run (issue 6, point 2): workers of the three strategies against the embedded
/// gateway with OAuth on, while faults are injected one after the other — 503 and 429 bursts, 500
/// `RESOURCE_EXHAUSTED`, dropped connections, responses slower than the client's timeout, token
/// endpoint failures after a token revocation — and some jobs' locks expire while their handler runs.
///
/// Asserts: every job finishes (none lost), no job is completed twice and no activation is handled
/// twice, polling resumes within the back-off bound after each fault, nothing stays in flight, and
/// RSS does not grow without bound. The long soak is `swift run camunda-soak` (see SOAK.md).
@Suite("Chaos run against the embedded gateway", .serialized)
struct ChaosTests {
    /// The worker's activation back-off cap (30 s) + the client-side bound (3 s) + the long poll + the
    /// retry delay cap (2 s): the longest a worker may take to poll successfully after a fault ends.
    static let recoveryBound: Duration = .seconds(30 + 3 + 1 + 2)

    @Test func workersSurviveFaultsWithoutLosingOrDuplicatingJobs() async throws {
        let demo = try #require(WorkerGatewayTests.demoExecutable(), "build the camunda-demo product first (swift build)")
        let gateway = try await EmbeddedGateway.start(
            EmbeddedGateway.Configuration(defaultRequestTimeout: .seconds(1), authentication: .oauth))
        let handled = ChaosHandledActivations()
        var clients: [(CamundaClient, ChaosPollObserver)] = []
        func makeClient(_ name: String) throws -> CamundaClient {
            var configuration = try CamundaConfiguration(
                [
                    "CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString, "CAMUNDA_CLIENT_ID": "test-client",
                    "CAMUNDA_CLIENT_SECRET": "test-secret", "CAMUNDA_OAUTH_URL": gateway.oauthTokenURL.absoluteString,
                ], environment: [:])
            configuration.http.requestTimeout = .seconds(3)
            // Long polls (1 s) and acknowledgements bounded at 3 s too, so the 4 s delays exceed every bound.
            configuration.http.longPollMargin = .seconds(2)
            configuration.http.acknowledgementTimeout = .seconds(3)
            let observer = ChaosPollObserver(name: name)
            let client = try CamundaClient(configuration, middlewares: [observer], logger: quietLogger)
            clients.append((client, observer))
            return client
        }

        // Locks of 2 s; `slow` jobs sleep 3 s, so their lock expires while the handler runs.
        let asyncClient = try makeClient("async")
        let asyncWorker = try asyncClient.createJobWorker(
            config: WorkerConfig(
                jobType: "chaos-async", jobTimeoutMilliseconds: 2_000, requestTimeoutMilliseconds: 1_000,
                maxConcurrentJobs: 8)
        ) { (job: ConnectedJobContext) async throws -> [String: JSONValue] in
            handled.record(job.jobKey, deadline: job.deadline)
            if job.variables["slow"] == true { try await Task.sleep(for: .seconds(3)) }
            return ["by": "async"]
        }
        let threadClient = try makeClient("thread")
        let threadWorker = try threadClient.createJobWorker(
            config: WorkerConfig(
                jobType: "chaos-thread", jobTimeoutMilliseconds: 2_000, requestTimeoutMilliseconds: 1_000,
                maxConcurrentJobs: 4),
            executionStrategy: .thread
        ) { (job: SyncJobContext) throws -> [String: JSONValue] in
            handled.record(job.jobKey, deadline: job.deadline)
            if job.variables["slow"] == true { Thread.sleep(forTimeInterval: 3) }
            return ["by": "thread"]
        }
        // The `.process` children are camunda-demo processes (its first `.process` worker is count-primes).
        let processClient = try makeClient("process")
        let processWorker = try processClient.createJobWorker(
            config: WorkerConfig(
                jobType: "count-primes", jobTimeoutMilliseconds: 10_000, requestTimeoutMilliseconds: 1_000,
                maxConcurrentJobs: 2),
            executionStrategy: .process
        ) { (_: JobContext) throws -> [String: JSONValue] in
            Issue.record("the handler runs in the child, not here")
            return [:]
        }
        processWorker.useProcessChildren(executable: demo, ordinal: 0)
        let workers = [asyncWorker, threadWorker, processWorker]
        let types = ["chaos-async", "chaos-thread", "count-primes"]

        var seeded: [JobKey] = []
        func seed(_ count: Int) {
            seeded += gateway.seedJobs(type: "chaos-async", count: count)
            seeded += gateway.seedJobs(type: "chaos-thread", count: count)
            seeded += gateway.seedJobs(type: "count-primes", count: count, variables: ["limit": 100])
        }
        seed(20)
        let slow =
            gateway.seedJobs(type: "chaos-async", count: 2, variables: ["slow": true])
            + gateway.seedJobs(type: "chaos-thread", count: 2, variables: ["slow": true])
        seeded += slow
        let crashing = gateway.seedJobs(type: "count-primes", count: 1, variables: ["crash": true], retries: 2)

        let tasks = clients.map { entry in
            let client = entry.0
            return Task { try await client.runWorkers(shutdownGracePeriod: .seconds(10)) }
        }
        // Warm-up: every worker polls successfully once, then the baseline RSS is taken.
        for (_, observer) in clients {
            #expect(await observer.waitForSuccess(within: Self.recoveryBound), "\(observer.name) never polled")
        }
        let rssBefore = chaosResidentBytes()

        let faults: [(String, () -> Void)] = [
            ("503 burst", { gateway.inject(Fault(.pathPrefix("/v2/jobs"), .status(503, retryAfter: "1"), rate: 0.8, seed: 1)) }),
            ("429 burst", { gateway.inject(Fault(.pathPrefix("/v2"), .status(429), rate: 0.8, seed: 2)) }),
            (
                "500 RESOURCE_EXHAUSTED",
                { gateway.inject(Fault(.pathPrefix("/v2/jobs"), .status(500, title: "RESOURCE_EXHAUSTED"), rate: 0.7, seed: 3)) }
            ),
            ("dropped connections", { gateway.inject(Fault(.pathPrefix("/v2/jobs"), .dropConnection, rate: 0.4, seed: 4)) }),
            (
                "responses slower than the client timeout",
                { gateway.inject(Fault(.pathPrefix("/v2/jobs"), .delay(milliseconds: 4_000), rate: 0.3, seed: 5)) }
            ),
            (
                "token endpoint failures after revocation",
                {
                    gateway.failTokenRequests(status: 503)
                    gateway.revokeTokens()
                }
            ),
        ]
        for (name, inject) in faults {
            seed(5)
            inject()
            // The fault lasts until some requests have hit it and a few seconds have passed.
            try await Task.sleep(for: .seconds(4))
            gateway.clearFaults()
            gateway.clearTokenFailures()
            for (_, observer) in clients {
                let resumed = await observer.waitForSuccess(within: Self.recoveryBound)
                #expect(resumed, "\(observer.name) did not poll successfully within \(Self.recoveryBound) after: \(name)")
            }
        }

        // Drain: every job reaches an end (the crashing one an incident after its retries).
        try await gateway.waitUntil(timeout: .seconds(120)) { $0.open == 0 }
        for task in tasks { task.cancel() }
        for task in tasks { try await task.value }
        for (client, _) in clients { try await client.shutdown() }
        let rssAfter = chaosResidentBytes()

        // Zero lost: every seeded job completed exactly once at the engine.
        let snapshots = seeded.compactMap { gateway.job($0) }
        #expect(snapshots.count == seeded.count)
        let unfinished = snapshots.filter { $0.state != .completed }
        #expect(unfinished.isEmpty, "not completed: \(unfinished.map { "\($0.key) \($0.type) \($0.state)" })")
        #expect(snapshots.allSatisfy { $0.completionCount == 1 })
        let crashed = try #require(gateway.job(crashing[0]))
        #expect(crashed.state == .incident)
        #expect(crashed.lastFailure?.errorMessage?.contains("crashed while running the handler") == true)
        // The slow jobs' locks expired while their handlers ran (the engine re-activated them).
        #expect(slow.compactMap { gateway.job($0) }.allSatisfy { $0.timeoutCount >= 1 })
        // No activation was given to a handler twice (the SDK's own duplicates).
        #expect(handled.duplicates.isEmpty, "activations handled twice: \(handled.duplicates)")
        // Nothing held, nothing waiting.
        #expect(workers.allSatisfy { $0.jobsInFlight == 0 })
        for type in types { #expect(gateway.counts(type: type).activated == 0) }
        // Memory: a generous bound (the run handles a few hundred jobs; a leak per request would show).
        if let rssBefore, let rssAfter {
            #expect(rssAfter - rssBefore < 256 << 20, "RSS grew from \(rssBefore) to \(rssAfter) bytes")
        }
        let counts = gateway.counts()
        print(
            "chaos run: \(counts); second completion commands rejected: \(counts.duplicateCompletions); "
                + clients.map { "\($0.1.name): \($0.1.successes) successful polls" }.joined(separator: ", "))
        try await gateway.shutdown()
    }
}

/// Resident set size in bytes from `/proc/self/status` (`nil` off Linux).
func chaosResidentBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kilobytes = line.split(separator: " ").compactMap({ Int($0) }).first
    else { return nil }
    return kilobytes * 1024
}

/// The activations (job key and deadline) given to handlers, and those given twice.
final class ChaosHandledActivations: Sendable {
    private let seen = Mutex<(all: Set<String>, duplicates: [String])>(([], []))

    func record(_ key: JobKey, deadline: Int64) {
        let id = "\(key.rawValue)@\(deadline)"
        seen.withLock { state in
            if !state.all.insert(id).inserted { state.duplicates.append(id) }
        }
    }

    var duplicates: [String] { seen.withLock { $0.duplicates } }
}

/// A middleware that notes successful polls (`activateJobs` answered 200) and lets a test await the next one.
final class ChaosPollObserver: ClientMiddleware, Sendable {
    let name: String
    private let state = Mutex<(successes: Int, nextID: Int, waiters: [Int: CheckedContinuation<Bool, Never>])>((0, 0, [:]))

    init(name: String) { self.name = name }

    var successes: Int { state.withLock { $0.successes } }

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        if operationID == "activateJobs", response.status.code == 200 {
            let waiters = state.withLock { state in
                state.successes += 1
                defer { state.waiters = [:] }
                return state.waiters.values
            }
            for waiter in waiters { waiter.resume(returning: true) }
        }
        return (response, responseBody)
    }

    /// Waits for the next successful poll that starts after this call; `false` when `bound` passes first.
    func waitForSuccess(within bound: Duration) async -> Bool {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: bound)
            guard !Task.isCancelled else { return }
            self?.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: false)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            state.withLock { $0.waiters[id] = continuation }
        }
    }
}
