import ArgumentParser
import Foundation

/// `camunda-bench compare`: the NIO floor, the AsyncHTTPClient floor and the SDK worker strategies in
/// one invocation, interleaved over several rounds, with the ratios the targets are stated in.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: """
            NIO floor vs AHC floor vs SDK worker (async, thread, process) in one run, interleaved; prints the \
            ratios to the NIO floor.
            """)

    @Option(help: "Jobs per measurement.") var jobs = 50_000
    @Option(help: "Concurrency (maxConcurrentJobs).") var concurrency = 32
    @Option(help: "Rounds; each round runs every variant once, the median round per variant is used.") var rounds = 3
    @Option(parsing: .upToNextOption, help: "Worker strategies to compare with the floors.")
    var strategies: [BenchStrategy] = [.async, .asyncEventLoop, .thread, .process]
    @Option(
        parsing: .upToNextOption,
        help: """
            Diagnostic raw variants to run in the same rounds besides nio and http (http+decode, client): the \
            AHC loop plus the decoding of every activation, and the loop through CamundaClient.
            """)
    var rawModes: [RawMode] = []
    @Flag(
        help: """
            Also run the async worker with an AsyncHTTPClient ClientTransport passed in (async-ahc): the SDK over \
            the transport it used before its own.
            """)
    var asyncOverAHC = false

    func run() async throws {
        let extraRaw = rawModes.filter { $0 != .http && $0 != .nio }
        let variants =
            ["nio", "raw"] + extraRaw.map { "raw-\($0.rawValue)" } + strategies.map(\.rawValue) + (asyncOverAHC ? ["async-ahc"] : [])
        var results: [String: [BenchResult]] = [:]
        for round in 1...rounds {
            for variant in variants {
                progress("compare: round \(round)/\(rounds), \(variant)")
                let result: BenchResult
                if variant == "async-ahc" {
                    result = try await BenchWorker.measure(
                        jobs: jobs, strategy: .async, concurrency: concurrency, jobType: "bench", overAHC: true)
                } else if variant == "nio" {
                    result = try await NIOFloor.measure(jobs: jobs, concurrency: concurrency, jobType: "bench")
                } else if variant == BenchStrategy.process.rawValue {
                    // `.process` children find their worker by creation order, which repeated runs in one
                    // process break: each process measurement runs in a fresh `camunda-bench worker`.
                    result = try await ChildWorkerRun.measure(jobs: jobs, strategy: .process, concurrency: concurrency)
                } else if let strategy = BenchStrategy(rawValue: variant) {
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

        // The median round by CPU per job stands for each variant.
        var chosen: [String: BenchResult] = [:]
        for (variant, list) in results {
            let sorted = list.sorted { $0.number("cpu_total_us_per_job") < $1.number("cpu_total_us_per_job") }
            chosen[variant] = sorted[sorted.count / 2]
        }
        printResults(
            "compare: median round of \(rounds) per variant, \(jobs) jobs, concurrency \(concurrency)",
            variants.compactMap { chosen[$0] })

        guard let nio = chosen["nio"] else { return }
        let ahc = chosen["raw"]
        /// The ratios of `result` to the NIO floor's (and to the AHC floor's), labelled `name`.
        func ratios(of result: BenchResult, named name: String) -> BenchResult {
            var ratio = BenchResult(bench: "ratio")
            ratio.add("strategy", "strategy", .string(name))
            ratio.add(
                "cpu_per_job_vs_nio", "CPU/job vs NIO floor",
                result.number("cpu_total_us_per_job") / nio.number("cpu_total_us_per_job"), digits: 2)
            ratio.add("throughput_vs_nio", "jobs/s vs NIO floor", result.number("jobs_per_s") / nio.number("jobs_per_s"), digits: 2)
            ratio.add("p50_vs_nio", "p50 latency vs NIO floor", result.number("p50_ms") / nio.number("p50_ms"), digits: 2)
            if let ahc {
                ratio.add(
                    "cpu_per_job_vs_ahc", "CPU/job vs AHC floor",
                    result.number("cpu_total_us_per_job") / ahc.number("cpu_total_us_per_job"), digits: 2)
            }
            return ratio
        }
        var table: [BenchResult] = []
        for variant in variants where variant != "nio" {
            guard let result = chosen[variant] else { continue }
            var ratio = ratios(of: result, named: variant == "raw" ? "raw (AHC)" : variant)
            let cpuRatio = result.number("cpu_total_us_per_job") / nio.number("cpu_total_us_per_job")
            let throughputRatio = result.number("jobs_per_s") / nio.number("jobs_per_s")
            if variant == BenchStrategy.async.rawValue || variant == BenchStrategy.asyncEventLoop.rawValue {
                ratio.add("cpu_target", "CPU/job target", 1.5, digits: 1)
                ratio.add("cpu_target_met", "CPU/job target met", .bool(cpuRatio <= 1.5))
                ratio.add("throughput_target_met", "jobs/s target (>= 0.8) met", .bool(throughputRatio >= 0.8))
            } else if variant == BenchStrategy.thread.rawValue {
                ratio.add("cpu_target", "CPU/job target", 2.0, digits: 1)
                ratio.add("cpu_target_met", "CPU/job target met", .bool(cpuRatio <= 2.0))
            }
            ratio.addEnvironment()
            table.append(ratio)
        }
        printResults(
            "compare: ratios to the NIO floor (targets: async CPU/job <= 1.5x and jobs/s >= 0.8x; thread CPU/job <= 2x)",
            table)
    }
}

extension BenchResult {
    /// A numeric field, or NaN.
    func number(_ key: String) -> Double {
        guard let field = fields.first(where: { $0.key == key }) else { return .nan }
        switch field.value {
        case .double(let value, _): return value
        case .int(let value): return Double(value)
        default: return .nan
        }
    }
}

/// A worker measurement run in a child `camunda-bench worker` (its result read from its JSON line).
enum ChildWorkerRun {
    static func measure(jobs: Int, strategy: BenchStrategy, concurrency: Int) async throws -> BenchResult {
        let own = Bundle.main.executableURL ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let process = Process()
        process.executableURL = own
        process.arguments = [
            "worker", "--jobs", String(jobs), "--strategy", strategy.rawValue, "--concurrency", String(concurrency),
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["CAMUNDA_SWIFT_SDK_WORKER_CHILD"] = nil
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = await Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("camunda-bench worker --strategy \(strategy.rawValue) exited with \(process.terminationStatus)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard let line = lines.last(where: { $0.hasPrefix("{\"bench\":\"worker\"") }),
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else { throw BenchError("no result line from camunda-bench worker --strategy \(strategy.rawValue)") }
        var result = BenchResult(bench: "worker")
        result.add("strategy", "strategy", .string(strategy.rawValue))
        let keys: [(String, String)] = [
            ("jobs", "jobs"), ("concurrency", "concurrency"), ("jobs_per_s", "jobs/s"), ("seconds", "wall time (s)"),
            ("cpu_us_per_job", "CPU µs/job (this process, user+sys)"),
            ("children", "worker child processes"), ("child_cpu_us_per_job", "CPU µs/job (worker children)"),
            ("cpu_total_us_per_job", "CPU µs/job (this process and worker children)"),
            ("gateway_cpu_us_per_job", "CPU µs/job (gateway process)"), ("cpu_utilisation", "CPU cores busy (this process)"),
            ("peak_rss_mb", "peak RSS (MB, this process)"), ("latency_samples", "latency samples (gateway)"),
            ("p50_ms", "p50 activation→ack (ms, gateway)"), ("p99_ms", "p99 activation→ack (ms, gateway)"),
            ("max_ms", "max activation→ack (ms, gateway)"), ("gateway_completed", "gateway: completed"),
            ("gateway_activations", "gateway: activations"), ("jobs_per_batch", "gateway: mean jobs per activation response"),
            ("gateway_duplicates", "gateway: duplicate completions"), ("gateway_rejected", "gateway: rejected commands"),
            ("gateway_timed_out", "gateway: timed-out locks"), ("exactly_once", "every job completed exactly once"),
        ]
        let integerKeys: Set = [
            "jobs", "concurrency", "children", "latency_samples", "gateway_completed", "gateway_activations",
            "gateway_duplicates", "gateway_rejected", "gateway_timed_out",
        ]
        for (key, label) in keys {
            switch object[key] {
            case let value as Bool where key == "exactly_once": result.add(key, label, .bool(value))
            case let value as NSNumber:
                if key == "exactly_once" {
                    result.add(key, label, .bool(value.boolValue))
                } else if integerKeys.contains(key) {
                    result.add(key, label, .int(value.int64Value))
                } else {
                    result.add(key, label, value.doubleValue, digits: key.hasSuffix("_ms") ? 3 : 1)
                }
            default: continue
            }
        }
        result.addEnvironment()
        return result
    }
}
