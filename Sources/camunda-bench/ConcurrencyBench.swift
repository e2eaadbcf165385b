import ArgumentParser
import CamundaOrchestration
import Foundation
import Synchronization

/// Counts handlers running at once and keeps the peak.
final class RunningCounter: Sendable {
    private let state = Mutex((running: 0, peak: 0))
    func start() { state.withLock { $0.running += 1; $0.peak = max($0.peak, $0.running) } }
    func end() { state.withLock { $0.running -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
}

/// `camunda-bench concurrency`: many long-running jobs at once (handlers that sleep).
struct ConcurrencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concurrency",
        abstract: "1 000 concurrently running jobs (handlers sleep 1 s): peak RSS and the most jobs in flight.")

    @Option(help: "Jobs to seed.") var jobs = 1000
    @Option(help: "maxConcurrentJobs of the worker.") var concurrency = 1000
    @Option(help: "How long each handler sleeps, in milliseconds.") var sleepMs = 1000
    @Option(help: "Execution strategy: async or thread.") var strategy: BenchStrategy = .async
    @Option(help: "The job type.") var jobType = "bench-sleep"

    func run() async throws {
        if ProcessInfo.processInfo.environment["CAMUNDA_SWIFT_SDK_WORKER_CHILD"] != nil {
            let client = try CamundaClient(logger: quietLogger())
            try BenchWorker.register(on: client, strategy: strategy, jobType: jobType, concurrency: concurrency, sleep: .milliseconds(sleepMs))
            try await client.runWorkers()
            return
        }
        let result = try await GatewayProcess.with { try await measure($0) }
        printResults(
            "concurrency: \(jobs) jobs, handlers sleep \(sleepMs) ms, maxConcurrentJobs \(concurrency); targets: peak RSS < 100 MB, in flight <= \(concurrency)",
            [result])
    }

    private func measure(_ gateway: GatewayProcess) async throws -> BenchResult {
        progress("concurrency: gateway at \(gateway.rootAddress); seeding \(jobs) jobs")
        try await gateway.seed(type: jobType, count: jobs, variablesJSON: benchVariablesJSON)
        setenv("CAMUNDA_REST_ADDRESS", gateway.restAddress, 1)
        let recorder = CompletionRecorder(target: jobs)
        BenchMetrics.record(into: recorder)
        defer { BenchMetrics.record(into: nil) }
        let client = try CamundaClient(
            configuration: ["CAMUNDA_REST_ADDRESS": gateway.restAddress], environment: [:], logger: quietLogger())
        let running = RunningCounter()
        let worker = try BenchWorker.register(
            on: client, strategy: strategy, jobType: jobType, concurrency: concurrency, sleep: .milliseconds(sleepMs),
            onStart: { running.start() }, onEnd: { running.end() })
        let rssBefore = currentRSSBytes()
        let measurement = RunMeasurement.start(jobs: jobs, gateway: gateway)
        let run = Task { try await client.runWorkers(shutdownGracePeriod: .seconds(10)) }
        let watchdog = watchGateway(gateway, type: jobType, jobs: jobs, recorder: recorder)
        await recorder.waitUntilFinished()
        let figures = measurement.finish(endNanos: recorder.finishedAtNanos)
        watchdog.cancel()
        run.cancel()
        _ = try? await run.value
        try? await client.shutdown()
        let counts = try await gateway.counts(type: jobType)

        var result = BenchResult(bench: "concurrency")
        result.add("strategy", "strategy", .string(strategy.rawValue))
        result.add("jobs", "jobs", jobs)
        result.add("concurrency", "maxConcurrentJobs", concurrency)
        result.add("sleep_ms", "handler sleep (ms)", sleepMs)
        result.add("seconds", "wall time (s)", figures.seconds, digits: 3)
        result.add("rss_before_mb", "RSS before the run (MB)", Double(rssBefore) / 1_048_576)
        result.add("peak_rss_mb", "peak RSS (MB, this process)", Double(figures.peakRSS) / 1_048_576)
        result.add("cpu_us_per_job", "CPU µs/job (this process)", Double(figures.cpuMicros) / Double(jobs))
        result.add("peak_running_handlers", "most handlers running at once", running.peak)
        result.add("peak_in_flight", "most jobs in flight (worker)", worker.peakJobsInFlight)
        result.add("gateway_peak_activated", "most jobs activated at once (gateway)", counts.peakActivated)
        let bounded = running.peak <= concurrency && worker.peakJobsInFlight <= concurrency && counts.peakActivated <= concurrency
        result.add("in_flight_bounded", "in flight never above maxConcurrentJobs", .bool(bounded))
        _ = result.addCheck(counts, jobs: jobs)
        result.addEnvironment()
        return result
    }
}
