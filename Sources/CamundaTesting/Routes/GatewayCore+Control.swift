import CamundaAPI
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// The JSON body of `POST /_gateway/seed`.
struct SeedRequest: Decodable {
    var type: String
    var count: Int?
    var variables: [String: JSONValue]?
    var customHeaders: [String: JSONValue]?
    var retries: Int32?
    var processDefinitionId: String?
}

/// The JSON body of `POST /_gateway/faults`.
struct FaultRequest: Decodable {
    /// `activateJobs`, `completeJob`, ... or absent for all requests.
    var operation: String?
    /// A path prefix such as `/v2/jobs` (instead of `operation`).
    var pathPrefix: String?
    var method: String?
    /// Answer with this status...
    var status: Int?
    var retryAfter: String?
    var title: String?
    var detail: String?
    /// ... or delay by this many milliseconds...
    var delayMs: Int?
    /// ... or drop the connection.
    var drop: Bool?
    var rate: Double?
    var limit: Int?
    var seed: UInt64?

    func fault() -> Fault? {
        let target: Fault.Target =
            if let operation { .operation(operation) } else if let pathPrefix { .pathPrefix(pathPrefix, method: method) } else { .all }
        let action: Fault.Action
        if let status {
            action = .status(status, retryAfter: retryAfter, title: title, detail: detail)
        } else if let delayMs {
            action = .delay(milliseconds: delayMs)
        } else if drop == true {
            action = .dropConnection
        } else {
            return nil
        }
        return Fault(target, action, rate: rate ?? 1, limit: limit, seed: seed ?? 0x5EED)
    }
}

extension GatewayCore {
    /// The control routes under `/_gateway/` (see the `camunda-test-gateway` executable).
    func control(_ segments: [Substring], _ request: GatewayRequest) -> GatewayResponse {
        let route = segments.map(String.init)
        switch (request.method, route) {
        case ("POST", ["seed"]):
            guard let body = try? CamundaJSON.decode(SeedRequest.self, from: request.bodyData) else {
                return Self.invalid("Expected {\"type\": String, \"count\": Int, \"variables\": {...}}", request)
            }
            let parameters = SeedParameters(
                type: body.type, count: body.count ?? 1, variables: body.variables ?? [:],
                customHeaders: body.customHeaders ?? [:], retries: body.retries ?? 3, kind: .bpmnElement,
                listenerEventType: .unspecified, userTask: nil,
                processDefinitionId: body.processDefinitionId ?? "embedded-process", tenantId: GatewayState.defaultTenant)
            let now = Self.nowMillis()
            let keys = mutate { $0.seed(parameters, now: now, effects: &$1) }
            struct Seeded: Encodable {
                var count: Int
                var jobKeys: [JobKey]
            }
            return .json(Seeded(count: keys.count, jobKeys: keys))
        case ("GET", ["counts"]):
            let type = request.queryValue("type")
            return .json(state.withLock { $0.counts(type: type) })
        case ("GET", ["latencies"]):
            // Activation-to-completion latency per job, in milliseconds, as the gateway saw it.
            let type = request.queryValue("type")
            let nanos = state.withLock { state in
                type.map { state.completionLatencies[$0] ?? [] } ?? state.completionLatencies.values.flatMap { $0 }
            }
            return .json(CompletionLatencies(nanos))
        case ("POST", ["counts", "reset-peak"]):
            let type = request.queryValue("type")
            state.withLock { $0.resetPeak(type: type) }
            return .noContent
        case ("GET", _) where route.count == 2 && route[0] == "jobs":
            guard let key = Int64(route[1]), let job = state.withLock({ $0.jobs[key]?.snapshot }) else {
                return notFound(request)
            }
            return .json(job)
        case ("POST", ["faults"]):
            guard let body = try? CamundaJSON.decode(FaultRequest.self, from: request.bodyData), let fault = body.fault() else {
                return Self.invalid(
                    "Expected {\"operation\"|\"pathPrefix\", \"status\"|\"delayMs\"|\"drop\", \"rate\", \"limit\", \"retryAfter\"}",
                    request)
            }
            state.withLock { $0.faults.append((fault, 0, SeededRandom(seed: fault.seed))) }
            return .noContent
        case ("DELETE", ["faults"]):
            state.withLock { $0.faults.removeAll() }
            return .noContent
        case ("GET", ["messages"]):
            return .json(state.withLock { $0.messages })
        case ("GET", ["requests"]):
            let limit = request.queryValue("limit").flatMap(Int.init) ?? 100
            return .json(state.withLock { Array($0.recorded.suffix(limit)) })
        case ("POST", ["job-types"]):
            guard let body = try? CamundaJSON.decode([String: String].self, from: request.bodyData),
                let processId = body["processId"], let type = body["type"]
            else {
                return Self.invalid("Expected {\"processId\": String, \"type\": String}", request)
            }
            state.withLock { $0.jobTypeOverrides[processId] = type }
            return .noContent
        case ("GET", ["tokens", "count"]):
            return .json(["tokenRequestCount": state.withLock { $0.tokenRequestCount }])
        default:
            return notFound(request)
        }
    }
}

/// Percentiles of activation-to-completion latency (milliseconds), as `GET /_gateway/latencies` reports them.
struct CompletionLatencies: Encodable {
    var count: Int
    var p50Ms: Double?
    var p99Ms: Double?
    var maxMs: Double?

    init(_ nanos: [UInt64]) {
        let sorted = nanos.sorted()
        count = sorted.count
        func percentile(_ fraction: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
            return Double(sorted[max(index, 0)]) / 1e6
        }
        p50Ms = percentile(0.5)
        p99Ms = percentile(0.99)
        maxMs = sorted.last.map { Double($0) / 1e6 }
    }
}
