import ArgumentParser
import CamundaAPI
import Foundation

/// `camunda-bench decode`: decoding throughput of large responses with the generated models against
/// minimal synthesized-`Codable` structs of the same JSON.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decoding throughput (MB/s) of large responses: generated models vs synthesized-Codable baseline.")

    @Option(help: "Items per response.") var items = 1000
    @Option(help: "Measured rounds per case (the median round is reported).") var rounds = 7
    @Option(help: "Minimum seconds per round.") var roundSeconds = 0.3

    func run() throws {
        let searchJSON = try CamundaJSON.encode(DecodeFixtures.processInstanceSearch(count: items))
        let activationJSON = try CamundaJSON.encode(DecodeFixtures.jobActivation(count: items))
        progress(
            "decode: process-instance search \(searchJSON.count) bytes, job activation \(activationJSON.count) bytes, "
                + "\(rounds) rounds of >= \(roundSeconds) s")

        // Check that every decoder reads the whole of each fixture before timing anything.
        let generatedSearch = try CamundaJSON.decode(ProcessInstanceSearchQueryResult.self, from: searchJSON)
        let baselineSearch = try JSONDecoder().decode(BaselineProcessInstanceSearchResult.self, from: searchJSON)
        let datedSearch = try CamundaJSON.makeDecoder().decode(BaselineDatedProcessInstanceSearchResult.self, from: searchJSON)
        let generatedJobs = try CamundaJSON.decode(JobActivationResult.self, from: activationJSON)
        let baselineJobs = try JSONDecoder().decode(BaselineJobActivationResult.self, from: activationJSON)
        guard generatedSearch.items.count == items, baselineSearch.items.count == items, datedSearch.items.count == items,
            generatedJobs.jobs.count == items, baselineJobs.jobs.count == items,
            generatedSearch.items[7].startDate == datedSearch.items[7].startDate
        else { throw BenchError("the decoders disagree about the fixtures") }

        let plainDecoder = JSONDecoder()
        let datedDecoder = CamundaJSON.makeDecoder()
        let cases: [(name: String, response: String, data: Data, decode: (Data) throws -> Int)] = [
            ("generated", "processInstanceSearch", searchJSON, { try CamundaJSON.decode(ProcessInstanceSearchQueryResult.self, from: $0).items.count }),
            // `Codable` alone through the SDK's decoder: models without a generated fast path (issue 14).
            ("codable", "processInstanceSearch", searchJSON, { try CamundaJSON.codableDecode(ProcessInstanceSearchQueryResult.self, from: $0).items.count }),
            ("baseline", "processInstanceSearch", searchJSON, { try plainDecoder.decode(BaselineProcessInstanceSearchResult.self, from: $0).items.count }),
            ("baseline+dates", "processInstanceSearch", searchJSON, { try datedDecoder.decode(BaselineDatedProcessInstanceSearchResult.self, from: $0).items.count }),
            ("generated", "jobActivation", activationJSON, { try CamundaJSON.decode(JobActivationResult.self, from: $0).jobs.count }),
            ("codable", "jobActivation", activationJSON, { try CamundaJSON.codableDecode(JobActivationResult.self, from: $0).jobs.count }),
            ("baseline", "jobActivation", activationJSON, { try plainDecoder.decode(BaselineJobActivationResult.self, from: $0).jobs.count }),
            ("baseline+anyjson", "jobActivation", activationJSON, { try plainDecoder.decode(BaselineAnyJobActivationResult.self, from: $0).jobs.count }),
        ]

        // Rounds interleave the cases so that machine noise hits all of them alike.
        var throughput = [[Double]](repeating: [], count: cases.count)
        for (index, benchCase) in cases.enumerated() { for _ in 0..<3 { _ = try benchCase.decode(benchCase.data) } ; _ = index }
        for _ in 0..<rounds {
            for (index, benchCase) in cases.enumerated() {
                var iterations = 0
                let start = monotonicNanos()
                var elapsed: UInt64 = 0
                repeat {
                    _ = try benchCase.decode(benchCase.data)
                    iterations += 1
                    elapsed = monotonicNanos() - start
                } while Double(elapsed) < roundSeconds * 1e9
                throughput[index].append(Double(benchCase.data.count * iterations) / 1_048_576 / (Double(elapsed) / 1e9))
            }
        }

        var results: [BenchResult] = []
        for response in ["processInstanceSearch", "jobActivation"] {
            let baselineIndex = cases.firstIndex { $0.response == response && $0.name == "baseline" }!
            let baselineMBps = median(throughput[baselineIndex])
            for (index, benchCase) in cases.enumerated() where benchCase.response == response {
                let mbps = median(throughput[index])
                var result = BenchResult(bench: "decode")
                result.add("response", "response", .string(response))
                result.add("decoder", "decoder", .string(benchCase.name))
                result.add("items", "items", items)
                result.add("bytes", "JSON bytes", benchCase.data.count)
                result.add("mb_per_s", "MB/s (median round)", mbps)
                result.add("items_per_s", "items/s", mbps * 1_048_576 / Double(benchCase.data.count) * Double(items), digits: 0)
                result.add("ratio_to_baseline", "ratio to baseline", mbps / baselineMBps, digits: 2)
                result.addEnvironment()
                results.append(result)
            }
        }
        printResults("decode: MB/s of JSON decoded (1 MB = 2^20 bytes); target: generated >= 0.7 x baseline", results)
    }
}

/// Realistic large responses, built from the generated models and encoded by the SDK's encoder.
enum DecodeFixtures {
    static func processInstanceSearch(count: Int) -> ProcessInstanceSearchQueryResult {
        let start = Date(timeIntervalSince1970: 1_750_000_000.123)
        let states: [ProcessInstanceStateEnum] = [.active, .completed, .active, .terminated]
        let items = (0..<count).map { index -> ProcessInstanceResult in
            let state = states[index % states.count]
            let key = 2_251_799_813_685_249 + Int64(index) * 7
            return ProcessInstanceResult(
                processDefinitionId: ProcessDefinitionId("order-process-\(index % 5)"),
                processDefinitionName: "Order process \(index % 5)", processDefinitionVersion: Int32(index % 3 + 1),
                processDefinitionVersionTag: index % 2 == 0 ? "v1.\(index % 3)" : nil,
                startDate: start.addingTimeInterval(Double(index) * 1.5),
                endDate: state == .active ? nil : start.addingTimeInterval(Double(index) * 1.5 + 30.25),
                state: state, suspendedDate: nil, hasIncident: index % 17 == 0, tenantId: "<default>",
                processInstanceKey: ProcessInstanceKey(String(key)),
                processDefinitionKey: ProcessDefinitionKey(String(2_251_799_813_000_000 + Int64(index % 5))),
                parentProcessInstanceKey: index % 4 == 0 ? ProcessInstanceKey(String(key - 1)) : nil,
                parentElementInstanceKey: index % 4 == 0 ? ElementInstanceKey(String(key - 2)) : nil,
                rootProcessInstanceKey: ProcessInstanceKey(String(key)),
                tags: index % 3 == 0 ? ["priority:high", "region:eu"] : [],
                businessId: BusinessId("order-\(100_000 + index)"))
        }
        return ProcessInstanceSearchQueryResult(
            items: items,
            page: SearchQueryPageResponse(
                totalItems: Int64(count * 10), hasMoreTotalItems: false, startCursor: StartCursor("WzIyNTE3OTk4MTM2ODUyNDld"),
                endCursor: EndCursor("WzIyNTE3OTk4MTM2OTI0OTJd")))
    }

    /// The variables of one job: a few scalars, a nested object and an array of objects (about 400 bytes).
    static func variables(_ index: Int) -> [String: JSONValue] {
        [
            "orderId": .string("order-\(100_000 + index)"),
            "amount": .double(Double(index % 1000) + 0.99),
            "quantity": .int(Int64(index % 12 + 1)),
            "express": .bool(index % 2 == 0),
            "customer": .object([
                "id": .string("customer-\(index % 300)"), "name": .string("Ada Lovelace"),
                "email": .string("ada\(index % 300)@example.com"),
                "address": .object(["street": .string("1 Analytical Way"), "city": .string("London"), "zip": .string("N1 9GU")]),
            ]),
            "items": .array(
                (0..<3).map { item in
                    .object(["sku": .string("SKU-\(index % 50)-\(item)"), "count": .int(Int64(item + 1)), "price": .double(9.95 + Double(item))])
                }),
            "note": .null,
        ]
    }

    static func jobActivation(count: Int) -> JobActivationResult {
        let jobs = (0..<count).map { index -> ActivatedJobResult in
            let key = 2_251_799_813_685_249 + Int64(index) * 3
            return ActivatedJobResult(
                type: "payment", processDefinitionId: "order-process", processDefinitionVersion: 3, elementId: "charge-card",
                customHeaders: ["retryPolicy": "fast", "channel": "web"], worker: "camunda-swift-sdk-worker", retries: 3,
                deadline: 1_750_000_300_000 + Int64(index), variables: variables(index), tenantId: "<default>",
                physicalTenantId: nil, jobKey: JobKey(String(key)), processInstanceKey: ProcessInstanceKey(String(key - 1)),
                processDefinitionKey: ProcessDefinitionKey("2251799813000003"), elementInstanceKey: ElementInstanceKey(String(key - 2)),
                kind: .bpmnElement, listenerEventType: .unspecified, userTask: nil, tags: [],
                rootProcessInstanceKey: ProcessInstanceKey(String(key - 1)), businessId: nil, priority: nil, jobLeaseToken: nil)
        }
        return JobActivationResult(jobs: jobs)
    }
}

// MARK: Baseline: minimal synthesized-Codable structs (strings for keys, enums and dates)

struct BaselineProcessInstanceSearchResult: Decodable {
    var page: BaselinePage
    var items: [BaselineProcessInstance]
}

struct BaselinePage: Decodable {
    var totalItems: Int64
    var hasMoreTotalItems: Bool
    var startCursor: String?
    var endCursor: String?
}

struct BaselineProcessInstance: Decodable {
    var processDefinitionId: String
    var processDefinitionName: String?
    var processDefinitionVersion: Int32
    var processDefinitionVersionTag: String?
    var startDate: String
    var endDate: String?
    var state: String
    var suspendedDate: String?
    var hasIncident: Bool
    var tenantId: String
    var processInstanceKey: String
    var processDefinitionKey: String
    var parentProcessInstanceKey: String?
    var parentElementInstanceKey: String?
    var rootProcessInstanceKey: String?
    var tags: [String]
    var businessId: String?
}

/// The baseline with `Date` fields, decoded with the SDK's date strategy: isolates the cost of dates.
struct BaselineDatedProcessInstanceSearchResult: Decodable {
    var page: BaselinePage
    var items: [BaselineDatedProcessInstance]
}

struct BaselineDatedProcessInstance: Decodable {
    var processDefinitionId: String
    var processDefinitionName: String?
    var processDefinitionVersion: Int32
    var processDefinitionVersionTag: String?
    var startDate: Date
    var endDate: Date?
    var state: String
    var suspendedDate: Date?
    var hasIncident: Bool
    var tenantId: String
    var processInstanceKey: String
    var processDefinitionKey: String
    var parentProcessInstanceKey: String?
    var parentElementInstanceKey: String?
    var rootProcessInstanceKey: String?
    var tags: [String]
    var businessId: String?
}

struct BaselineJobActivationResult: Decodable {
    var jobs: [BaselineJob<BaselineOrderVariables>]
}

/// A job with its variables as a user would declare them (synthesized `Codable` all the way down).
struct BaselineJob<Variables: Decodable>: Decodable {
    var type: String
    var processDefinitionId: String
    var processDefinitionVersion: Int32
    var elementId: String
    var customHeaders: [String: String]
    var worker: String
    var retries: Int32
    var deadline: Int64
    var variables: Variables
    var tenantId: String
    var physicalTenantId: String?
    var jobKey: String
    var processInstanceKey: String
    var processDefinitionKey: String
    var elementInstanceKey: String
    var kind: String
    var listenerEventType: String
    var tags: [String]
    var rootProcessInstanceKey: String?
    var businessId: String?
    var priority: Int32?
    var jobLeaseToken: String?
}

struct BaselineOrderVariables: Decodable {
    struct Customer: Decodable {
        struct Address: Decodable {
            var street: String
            var city: String
            var zip: String
        }
        var id: String
        var name: String
        var email: String
        var address: Address
    }
    struct Item: Decodable {
        var sku: String
        var count: Int
        var price: Double
    }
    var orderId: String
    var amount: Double
    var quantity: Int
    var express: Bool
    var customer: Customer
    var items: [Item]
    var note: String?
}

/// The baseline with free-form variables: a minimal hand-written any-JSON enum tried in the usual order.
struct BaselineAnyJobActivationResult: Decodable {
    var jobs: [BaselineJob<[String: BaselineAnyJSON]>]
}

enum BaselineAnyJSON: Decodable {
    case null, bool(Bool), number(Double), string(String), array([BaselineAnyJSON]), object([String: BaselineAnyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode([String: BaselineAnyJSON].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([BaselineAnyJSON].self))
        }
    }
}
