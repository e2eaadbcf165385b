import ArgumentParser
import AsyncHTTPClient
import CamundaOrchestration
import Foundation
import Logging
import NIOCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

enum BenchStrategy: String, ExpressibleByArgument, CaseIterable, Sendable {
    case async, thread, process
    /// `.asyncOnEventLoop`: the async worker with its tasks on the client's event loop (opt-in).
    case asyncEventLoop = "async-el"
}

/// `camunda-bench worker`: one SDK job worker against `camunda-test-gateway` in its own process.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Jobs/s, CPU per job, peak RSS and latency of one SDK job worker against a gateway process.")

    @Option(help: "Jobs to seed and complete.") var jobs = 50_000
    @Option(help: "Execution strategy: async, async-el (.asyncOnEventLoop), thread or process.") var strategy: BenchStrategy = .async
    @Option(help: "maxConcurrentJobs of the worker.") var concurrency = 32
    @Option(help: "The job type.") var jobType = "bench"

    func run() async throws {
        if ProcessInfo.processInfo.environment["CAMUNDA_SWIFT_SDK_WORKER_CHILD"] != nil {
            // A `.process` child: register the same worker and serve jobs from the parent (never returns).
            let client = try CamundaClient(logger: quietLogger())
            try BenchWorker.register(on: client, strategy: strategy, jobType: jobType, concurrency: concurrency, sleep: nil)
            try await client.runWorkers()
            return
        }
        let result = try await BenchWorker.measure(
            jobs: jobs, strategy: strategy, concurrency: concurrency, jobType: jobType)
        printResults("worker: SDK job worker, strategy \(strategy.rawValue), concurrency \(concurrency)", [result])
    }
}

func quietLogger() -> Logger {
    var logger = Logger(label: "camunda-bench")
    logger.logLevel = .warning
    return logger
}

enum BenchWorker {
    /// Creates the benchmark's worker on `client`: a handler returning one output variable (after
    /// sleeping `sleep`, when given).
    @discardableResult
    static func register(
        on client: CamundaClient, strategy: BenchStrategy, jobType: String, concurrency: Int, sleep: Duration?,
        onStart: (@Sendable () -> Void)? = nil, onEnd: (@Sendable () -> Void)? = nil
    ) throws -> JobWorker {
        let config = WorkerConfig(jobType: jobType, jobTimeoutMilliseconds: 300_000, maxConcurrentJobs: concurrency)
        switch strategy {
        case .async, .asyncEventLoop:
            return try client.createJobWorker(config: config, executionStrategy: strategy == .async ? .async : .asyncOnEventLoop) {
                (_: ConnectedJobContext) async throws -> [String: JSONValue] in
                onStart?()
                if let sleep { try await Task.sleep(for: sleep) }
                onEnd?()
                return ["result": "processed"]
            }
        case .thread, .process:
            let kind: JobExecutionStrategy<JobContext> = strategy == .thread ? .thread : .process
            return try client.createJobWorker(config: config, executionStrategy: kind) {
                (_: JobContext) throws -> [String: JSONValue] in
                onStart?()
                if let sleep { Thread.sleep(forTimeInterval: Double(sleep.components.seconds) + Double(sleep.components.attoseconds) / 1e18) }
                onEnd?()
                return ["result": "processed"]
            }
        }
    }

    /// Starts a gateway, seeds `jobs`, runs one worker until every job is completed, and measures.
    ///
    /// - Parameter overAHC: Give the client an AsyncHTTPClient `ClientTransport` (configured as the raw
    ///   loop's) instead of letting it use its own transport: the SDK as it sent before its own transport.
    static func measure(
        jobs: Int, strategy: BenchStrategy, concurrency: Int, jobType: String, overAHC: Bool = false
    ) async throws -> BenchResult {
        try await GatewayProcess.with { gateway in
            try await measure(
                gateway: gateway, jobs: jobs, strategy: strategy, concurrency: concurrency, jobType: jobType, overAHC: overAHC)
        }
    }

    private static func measure(
        gateway: GatewayProcess, jobs: Int, strategy: BenchStrategy, concurrency: Int, jobType: String, overAHC: Bool
    ) async throws -> BenchResult {
        progress("worker (\(strategy.rawValue)): gateway \(gateway.executableDescription) at \(gateway.rootAddress); seeding \(jobs) jobs")
        try await gateway.seed(type: jobType, count: jobs, variablesJSON: benchVariablesJSON)
        // `.process` children re-enter main and read the address from the environment.
        setenv("CAMUNDA_REST_ADDRESS", gateway.restAddress, 1)
        let recorder = CompletionRecorder(target: jobs)
        BenchMetrics.record(into: recorder)
        defer { BenchMetrics.record(into: nil) }
        let ahc = overAHC ? RawLoop.makeHTTPClient() : nil
        let transport: (any ClientTransport)? = ahc.map {
            AsyncHTTPClientTransport(configuration: .init(client: $0, timeout: .seconds(300)))
        }
        let client = try CamundaClient(
            configuration: ["CAMUNDA_REST_ADDRESS": gateway.restAddress], environment: [:], transport: transport,
            logger: quietLogger())
        let worker = try register(on: client, strategy: strategy, jobType: jobType, concurrency: concurrency, sleep: nil)

        let measurement = RunMeasurement.start(jobs: jobs, gateway: gateway)
        let run = Task { try await client.runWorkers(shutdownGracePeriod: .seconds(10)) }
        let watchdog = watchGateway(gateway, type: jobType, jobs: jobs, recorder: recorder)
        await recorder.waitUntilFinished()
        let figures = measurement.finish(endNanos: recorder.finishedAtNanos)
        watchdog.cancel()
        let peakInFlight = worker.peakJobsInFlight
        run.cancel()
        _ = try? await run.value
        try? await client.shutdown()
        try? await ahc?.shutdown()

        let counts = try await gateway.counts(type: jobType)
        let latencies = try await gateway.latencies(type: jobType)
        var result = BenchResult(bench: "worker")
        result.add("strategy", "strategy", .string(strategy.rawValue + (overAHC ? "-ahc" : "")))
        result.add("jobs", "jobs", jobs)
        result.add("concurrency", "concurrency", concurrency)
        result.addRun(figures, jobs: jobs, latency: latencies)
        result.add("peak_in_flight", "peak jobs in flight (worker)", peakInFlight)
        let ok = result.addCheck(counts, jobs: jobs)
        result.addEnvironment()
        if !ok { progress("worker: the gateway's counts do not show every job completed exactly once: \(counts)") }
        return result
    }
}
