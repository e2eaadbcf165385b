import ArgumentParser
import AsyncHTTPClient
import CamundaOrchestration
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// `camunda-bench raw`: the worker's flow with no SDK, over the same HTTP client and pool settings.
struct RawCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raw",
        abstract: "The tightest activation/completion loop over AsyncHTTPClient with hand-written JSON: the limit.")

    @Option(help: "Jobs to seed and complete.") var jobs = 50_000
    @Option(help: "Jobs held at once (as the worker's maxConcurrentJobs).") var concurrency = 32
    @Option(help: "The job type.") var jobType = "bench"
    @Option(
        help: """
            Variants of the loop: http (AsyncHTTPClient, hand-written JSON, only job keys parsed), \
            nio (the floor: the same flow hand-written on SwiftNIO, all of it on one event loop), \
            http+decode (also decodes each activation response into the generated JobActivationResult), \
            client (the same loop through CamundaClient.activateJobs/completeJob: the client without the worker engine), \
            client-el (client, its tasks preferring the client's event loop as their executor).
            """)
    var mode: RawMode = .http

    func run() async throws {
        let result = try await RawLoop.measure(
            jobs: jobs, concurrency: concurrency, jobType: jobType, mode: mode)
        printResults("raw (\(mode.rawValue)): activation/completion loop, concurrency \(concurrency)", [result])
    }
}

enum RawMode: String, ExpressibleByArgument, Sendable {
    case http
    case nio
    case httpDecode = "http+decode"
    case client
    /// `client` with the loop's tasks preferring the client's event loop as their executor.
    case clientOnEventLoop = "client-el"
}

/// Free job slots; the poller waits here when all are taken.
final class Slots: Sendable {
    private struct State {
        var free: Int
        var waiter: CheckedContinuation<Int, Never>?
    }
    private let state: Mutex<State>

    init(_ capacity: Int) { state = Mutex(State(free: capacity)) }

    /// Waits for at least one free slot; returns how many are free.
    func waitForFree() async -> Int {
        await withCheckedContinuation { continuation in
            let free = state.withLock { state -> Int in
                if state.free > 0 { return state.free }
                state.waiter = continuation
                return 0
            }
            if free > 0 { continuation.resume(returning: free) }
        }
    }

    func take(_ count: Int) { state.withLock { $0.free -= count } }

    func release() {
        let waiter = state.withLock { state -> (CheckedContinuation<Int, Never>, Int)? in
            state.free += 1
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, state.free)
        }
        if let (waiter, free) = waiter { waiter.resume(returning: free) }
    }
}

enum RawLoop {
    /// The `HTTPClient` configuration the SDK uses (`CamundaClient.makeHTTPClient`), without TLS.
    static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: nil),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64))
        configuration.httpVersion = .automatic
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    static func measure(
        jobs: Int, concurrency: Int, jobType: String, mode: RawMode = .http
    ) async throws -> BenchResult {
        if mode == .nio { return try await NIOFloor.measure(jobs: jobs, concurrency: concurrency, jobType: jobType) }
        return try await GatewayProcess.with { gateway in
            try await measure(gateway: gateway, jobs: jobs, concurrency: concurrency, jobType: jobType, mode: mode)
        }
    }

    private static func measure(
        gateway: GatewayProcess, jobs: Int, concurrency: Int, jobType: String, mode: RawMode
    ) async throws -> BenchResult {
        progress("raw: gateway \(gateway.executableDescription) at \(gateway.rootAddress); seeding \(jobs) jobs")
        try await gateway.seed(type: jobType, count: jobs, variablesJSON: benchVariablesJSON)
        let http = makeHTTPClient()
        let recorder = CompletionRecorder(target: jobs)
        let slots = Slots(concurrency)
        let base = gateway.restAddress
        let client: CamundaClient? =
            mode == .client || mode == .clientOnEventLoop
            ? try CamundaClient(configuration: ["CAMUNDA_REST_ADDRESS": base], environment: [:], logger: quietLogger())
            : nil

        let measurement = RunMeasurement.start(jobs: jobs, gateway: gateway)
        let preferred = mode == .clientOnEventLoop ? client?.transportTaskExecutor : nil
        let poller = Task(executorPreference: preferred) {
            await withDiscardingTaskGroup { group in
                while !Task.isCancelled {
                    let free = await slots.waitForFree()
                    var request = HTTPClientRequest(url: base + "/jobs/activation")
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.headers.add(name: "Accept", value: "application/json")
                    request.body = .bytes(
                        ByteBuffer(
                            string: #"{"type":"\#(jobType)","worker":"raw","timeout":300000,"maxJobsToActivate":\#(free),"requestTimeout":0}"#))
                    let keys: [Int64]
                    if let client {
                        do {
                            let result = try await client.activateJobs(
                                JobActivationRequest(
                                    type: jobType, worker: "raw", timeout: 300_000, maxJobsToActivate: Int32(free), requestTimeout: 0))
                            slots.take(result.jobs.count)
                            for job in result.jobs {
                                group.addTask {
                                    do {
                                        try await client.completeJob(
                                            jobKey: job.jobKey, JobCompletionRequest(variables: ["result": "processed"]))
                                        recorder.completed()
                                    } catch {
                                        progress("raw: completion failed: \(error)")
                                    }
                                    slots.release()
                                }
                            }
                        } catch {
                            if Task.isCancelled { return }
                            progress("raw: activation failed: \(error)")
                            try? await Task.sleep(for: .milliseconds(100))
                        }
                        continue
                    }
                    do {
                        let response = try await http.execute(request, timeout: .seconds(300))
                        let body = try await response.body.collect(upTo: 64 << 20)
                        guard response.status.code == 200 else { throw BenchError("activation: HTTP \(response.status.code)") }
                        keys = body.withUnsafeReadableBytes { scanJobKeys($0) }
                        if mode == .httpDecode {
                            let decoded = try CamundaJSON.decode(JobActivationResult.self, from: Data(buffer: body, byteTransferStrategy: .noCopy))
                            guard decoded.jobs.count == keys.count else { throw BenchError("decoded \(decoded.jobs.count) jobs, scanned \(keys.count)") }
                        }
                    } catch {
                        if Task.isCancelled { return }
                        progress("raw: activation failed: \(error)")
                        try? await Task.sleep(for: .milliseconds(100))
                        continue
                    }
                    slots.take(keys.count)
                    for key in keys {
                        group.addTask {
                            await complete(key, http: http, base: base, recorder: recorder)
                            slots.release()
                        }
                    }
                }
            }
        }
        let watchdog = watchGateway(gateway, type: jobType, jobs: jobs, recorder: recorder)
        await recorder.waitUntilFinished()
        let figures = measurement.finish(endNanos: recorder.finishedAtNanos)
        watchdog.cancel()
        poller.cancel()
        slots.release()  // wake a poller waiting for a slot so that it sees the cancellation
        await poller.value
        try? await http.shutdown()
        try? await client?.shutdown()

        let counts = try await gateway.counts(type: jobType)
        let latencies = try await gateway.latencies(type: jobType)
        var result = BenchResult(bench: "raw")
        result.add("strategy", "strategy", .string(mode == .http ? "raw" : "raw-\(mode.rawValue)"))
        result.add("jobs", "jobs", jobs)
        result.add("concurrency", "concurrency", concurrency)
        result.addRun(figures, jobs: jobs, latency: latencies)
        let ok = result.addCheck(counts, jobs: jobs)
        result.addEnvironment()
        if !ok { progress("raw: the gateway's counts do not show every job completed exactly once: \(counts)") }
        return result
    }

    /// Completes one job with one output variable; retries transport errors a few times.
    static func complete(_ key: Int64, http: HTTPClient, base: String, recorder: CompletionRecorder) async {
        for _ in 0..<5 {
            var request = HTTPClientRequest(url: "\(base)/jobs/\(key)/completion")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Accept", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"variables":{"result":"processed"}}"#))
            do {
                let response = try await http.execute(request, timeout: .seconds(60))
                let status = response.status.code
                if status == 204 {
                    recorder.completed()
                    _ = try? await response.body.collect(upTo: 1 << 20)
                    return
                }
                _ = try? await response.body.collect(upTo: 1 << 20)
                progress("raw: completion of \(key): HTTP \(status)")
                return
            } catch {
                if Task.isCancelled { return }
            }
        }
    }
}
