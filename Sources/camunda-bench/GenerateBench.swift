import ArgumentParser
import Foundation
import GeneratorCore

/// `camunda-bench generate`: wall time of generating the whole current spec in-process.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Wall time of generating the full current spec with GeneratorCore (median of several runs).")

    @Option(help: "The entry file of the spec (run openapi/fetch-spec.sh first).") var spec = "openapi/spec/rest-api.bundle.yaml"
    @Option(help: "Measured runs (after one warm-up run).") var runs = 7

    func run() throws {
        let specURL = URL(fileURLWithPath: spec).standardizedFileURL
        guard FileManager.default.fileExists(atPath: specURL.path) else {
            throw BenchError("no spec at \(specURL.path): run openapi/fetch-spec.sh first, or pass --spec")
        }
        let reader = DiskFileReader(root: specURL.deletingLastPathComponent())
        let entry = specURL.lastPathComponent

        var times: [Double] = []
        var output: GeneratorOutput?
        var firstMillis = 0.0
        let cpuStart = processCPUMicros()
        for run in 0...runs {
            let start = monotonicNanos()
            let generated: GeneratorOutput
            do {
                generated = try GeneratorPipeline.run(reader: reader, entry: entry)
            } catch {
                throw BenchError("generation failed: \(error)")
            }
            let millis = Double(monotonicNanos() - start) / 1e6
            if run == 0 { firstMillis = millis } else { times.append(millis) }
            output = generated
            progress("generate: run \(run)\(run == 0 ? " (warm-up)" : ""): \(String(format: "%.1f", millis)) ms")
        }
        let cpuMillis = Double(processCPUMicros() - cpuStart) / 1000 / Double(runs + 1)
        guard let output else { return }
        let bytes = output.files.values.reduce(0) { $0 + $1.utf8.count }
        var result = BenchResult(bench: "generate")
        result.add("spec_files", "spec files read", output.specFiles)
        result.add("schemas", "schemas", output.schemaCount)
        result.add("operations", "operations", output.operationCount)
        result.add("output_files", "files generated", output.files.count)
        result.add("output_bytes", "bytes generated", bytes)
        result.add("runs", "measured runs", runs)
        result.add("first_ms", "first run (ms)", firstMillis)
        result.add("median_ms", "median wall time (ms)", median(times))
        result.add("min_ms", "fastest (ms)", times.min() ?? 0)
        result.add("cpu_ms_per_run", "CPU per run (ms)", cpuMillis)
        result.add("peak_rss_mb", "peak RSS (MB)", Double(peakRSSBytes()) / 1_048_576)
        result.addEnvironment()
        printResults("generate: full spec, in-process (no file writes); target: < 1000 ms", [result])
    }
}
