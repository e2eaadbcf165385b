import ArgumentParser
import Foundation

/// `camunda-bench compare`: raw and the SDK worker strategies in one invocation, interleaved over
/// several rounds, with the ratios the targets are stated in.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "raw vs SDK worker (async, thread[, process]) in one run, interleaved; prints the target ratios.")

    @Option(help: "Jobs per measurement.") var jobs = 50_000
    @Option(help: "Concurrency (maxConcurrentJobs).") var concurrency = 32
    @Option(help: "Rounds; each round runs every variant once, the median round per variant is used.") var rounds = 3
    @Option(parsing: .upToNextOption, help: "Worker strategies to compare with raw.") var strategies: [BenchStrategy] = [.async, .thread]
    @Option(
        parsing: .upToNextOption,
        help: """
            Diagnostic raw variants to run in the same rounds (http+decode, client): the raw loop plus the \
            decoding of every activation, and the raw loop through CamundaClient — the floor under the worker.
            """)
    var rawModes: [RawMode] = []

    func run() async throws {
        // `.process` children find their worker by creation order, which repeated runs in one process break.
        guard !strategies.contains(.process) else { throw ValidationError("compare runs async and thread; run `worker --strategy process` alone") }
        let extraRaw = rawModes.filter { $0 != .http }
        let variants = ["raw"] + extraRaw.map { "raw-\($0.rawValue)" } + strategies.map(\.rawValue)
        var results: [String: [BenchResult]] = [:]
        for round in 1...rounds {
            for variant in variants {
                progress("compare: round \(round)/\(rounds), \(variant)")
                let result: BenchResult
                if let strategy = BenchStrategy(rawValue: variant) {
                    result = try await BenchWorker.measure(
                        jobs: jobs, strategy: strategy, concurrency: concurrency, jobType: "bench")
                } else if let mode = RawMode(rawValue: String(variant.dropFirst("raw-".count))), variant.hasPrefix("raw-") {
                    result = try await RawLoop.measure(jobs: jobs, concurrency: concurrency, jobType: "bench", mode: mode)
                } else {
                    result = try await RawLoop.measure(jobs: jobs, concurrency: concurrency, jobType: "bench")
                }
                results[variant, default: []].append(result)
            }
        }

        func number(_ result: BenchResult, _ key: String) -> Double {
            guard let field = result.fields.first(where: { $0.key == key }) else { return .nan }
            switch field.value {
            case .double(let value, _): return value
            case .int(let value): return Double(value)
            default: return .nan
            }
        }
        // The median round by CPU per job stands for each variant.
        var chosen: [String: BenchResult] = [:]
        for (variant, list) in results {
            let sorted = list.sorted { number($0, "cpu_us_per_job") < number($1, "cpu_us_per_job") }
            chosen[variant] = sorted[sorted.count / 2]
        }
        printResults(
            "compare: median round of \(rounds) per variant, \(jobs) jobs, concurrency \(concurrency)",
            variants.compactMap { chosen[$0] })

        guard let raw = chosen["raw"] else { return }
        var ratios: [BenchResult] = []
        /// The ratios of `result` to the raw loop's, labelled `name`.
        func ratiosToRaw(of result: BenchResult, named name: String) -> BenchResult {
            var ratio = BenchResult(bench: "ratio")
            ratio.add("strategy", "strategy", .string(name))
            ratio.add("cpu_per_job_vs_raw", "CPU/job vs raw", number(result, "cpu_us_per_job") / number(raw, "cpu_us_per_job"), digits: 2)
            ratio.add("throughput_vs_raw", "jobs/s vs raw", number(result, "jobs_per_s") / number(raw, "jobs_per_s"), digits: 2)
            ratio.add("p50_vs_raw", "p50 latency vs raw", number(result, "p50_ms") / number(raw, "p50_ms"), digits: 2)
            return ratio
        }
        for mode in extraRaw {
            guard let floor = chosen["raw-\(mode.rawValue)"] else { continue }
            var ratio = ratiosToRaw(of: floor, named: "raw-\(mode.rawValue)")
            ratio.addEnvironment()
            ratios.append(ratio)
        }
        for strategy in strategies {
            guard let sdk = chosen[strategy.rawValue] else { continue }
            var ratio = ratiosToRaw(of: sdk, named: strategy.rawValue)
            let cpuRatio = number(sdk, "cpu_us_per_job") / number(raw, "cpu_us_per_job")
            let throughputRatio = number(sdk, "jobs_per_s") / number(raw, "jobs_per_s")
            let cpuTarget = strategy == .thread ? 1.5 : 1.3
            if strategy != .process {
                ratio.add("cpu_target", "CPU/job target", cpuTarget, digits: 1)
                ratio.add("cpu_target_met", "CPU/job target met", .bool(cpuRatio <= cpuTarget))
            }
            if strategy == .async {
                ratio.add("throughput_target_met", "jobs/s target (>= 0.8) met", .bool(throughputRatio >= 0.8))
            }
            ratio.addEnvironment()
            ratios.append(ratio)
        }
        printResults("compare: ratios to raw (targets: async CPU/job <= 1.3x and jobs/s >= 0.8x; thread CPU/job <= 1.5x)", ratios)
    }
}
