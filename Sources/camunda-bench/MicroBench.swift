import ArgumentParser
import CamundaAPI
import Foundation

/// `camunda-bench micro`: per-call costs of the pieces the worker profile points at, to size the
/// proposed changes (see BENCHMARKS.md).
struct MicroCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "micro", abstract: "Per-call costs (ns) of the worker's hot pieces: decoding, encoding, URLs, tasks.")

    @Option(help: "Seconds per case.") var seconds = 0.5

    func run() async throws {
        let variables = try CamundaJSON.decode([String: JSONValue].self, from: Data(benchVariablesJSON.utf8))
        let jobs = DecodeFixtures.jobActivation(count: 32).jobs.map { job -> ActivatedJobResult in
            var job = job
            job.variables = variables
            return job
        }
        let activation = try CamundaJSON.encode(JobActivationResult(jobs: jobs))
        let empty = try CamundaJSON.encode(JobActivationResult(jobs: jobs.map { job in var job = job; job.variables = [:]; return job }))
        let variablesData = Data(benchVariablesJSON.utf8)
        let plain = JSONDecoder()
        let completion = JobCompletionRequest(variables: ["result": "processed"])

        var results: [BenchResult] = []
        func measure(_ name: String, per: Int = 1, _ body: () throws -> Void) rethrows {
            for _ in 0..<50 { try body() }
            var iterations = 0
            let start = monotonicNanos()
            var elapsed: UInt64 = 0
            repeat {
                try body()
                iterations += 1
                elapsed = monotonicNanos() - start
            } while Double(elapsed) < seconds * 1e9
            var result = BenchResult(bench: "micro")
            result.add("case", "case", .string(name))
            result.add("ns_per_item", "ns per job/call", Double(elapsed) / Double(iterations * per), digits: 0)
            results.append(result)
        }
        func measureAsync(_ name: String, _ body: () async throws -> Void) async rethrows {
            for _ in 0..<50 { try await body() }
            var iterations = 0
            let start = monotonicNanos()
            var elapsed: UInt64 = 0
            repeat {
                try await body()
                iterations += 1
                elapsed = monotonicNanos() - start
            } while Double(elapsed) < seconds * 1e9
            var result = BenchResult(bench: "micro")
            result.add("case", "case", .string(name))
            result.add("ns_per_item", "ns per job/call", Double(elapsed) / Double(iterations), digits: 0)
            results.append(result)
        }

        try measure("decode activation of 32 jobs, per job (JobActivationResult)", per: 32) {
            _ = try CamundaJSON.decode(JobActivationResult.self, from: activation)
        }
        try measure("  same jobs without variables, per job", per: 32) {
            _ = try CamundaJSON.decode(JobActivationResult.self, from: empty)
        }
        // The same through `Codable` alone (the SDK's decoder and encoder, no generated fast path):
        // what every model off the worker's hot path takes (BENCHMARKS.md, issue 14).
        try measure("  same activation through Codable only, per job", per: 32) {
            _ = try CamundaJSON.codableDecode(JobActivationResult.self, from: activation)
        }
        try measure("  variables alone as [String: JSONValue] (current order)") {
            _ = try plain.decode([String: JSONValue].self, from: variablesData)
        }
        try measure("  variables alone as [String: ReorderedJSON] (string first)") {
            _ = try plain.decode([String: ReorderedJSON].self, from: variablesData)
        }
        try measure("  variables alone via JSONSerialization") {
            _ = try JSONSerialization.jsonObject(with: variablesData)
        }
        try measure("  same 32 jobs as BaselineJob<[String: JSONValue]>, per job", per: 32) {
            _ = try plain.decode(BaselineJobs<[String: JSONValue]>.self, from: activation)
        }
        try measure("  same 32 jobs as BaselineJob<[String: ReorderedJSON]>, per job", per: 32) {
            _ = try plain.decode(BaselineJobs<[String: ReorderedJSON]>.self, from: activation)
        }
        try measure("encode JobCompletionRequest (CamundaJSON, sortedKeys)") {
            _ = try CamundaJSON.encode(completion)
        }
        try measure("  same through Codable only") {
            _ = try CamundaJSON.codableEncode(completion)
        }
        let unsorted = JSONEncoder()
        try measure("encode JobCompletionRequest (plain JSONEncoder)") {
            _ = try unsorted.encode(completion)
        }
        measure("URL(string:) of a completion URL") {
            _ = URL(string: "http://127.0.0.1:8080/v2/jobs/2251799813685249/completion")
        }
        measure("URLComponents(string:) + .url") {
            _ = URLComponents(string: "http://127.0.0.1:8080/v2/jobs/2251799813685249/completion")?.url
        }
        await measureAsync("await Task { }.value (unstructured task round trip)") {
            await Task {}.value
        }
        await measureAsync("withDiscardingTaskGroup { addTask {} }") {
            await withDiscardingTaskGroup { group in group.addTask {} }
        }
        printResults("micro: ns per job or call (single thread, machine shared)", results)
    }
}

struct BaselineJobs<Variables: Decodable>: Decodable {
    var jobs: [BaselineJob<Variables>]
}

/// `JSONValue`'s decoding with the attempts reordered so the common cases fail least: strings and
/// integers first, then doubles, booleans, objects, arrays. Same results with `JSONDecoder`, which does
/// not coerce between strings, numbers and booleans.
enum ReorderedJSON: Decodable {
    case null, bool(Bool), int(Int64), double(Double), string(String), array([ReorderedJSON]), object([String: ReorderedJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode([String: ReorderedJSON].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([ReorderedJSON].self))
        }
    }
}
