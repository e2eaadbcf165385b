import CamundaAPI
import Foundation
import FuzzSupport
import GeneratorCore
import Testing

/// `CamundaJSON.encode` (the SDK's encoder) against the Foundation `JSONEncoder` of
/// `CamundaJSON.makeEncoder()`, which it replaced: byte-identical output.
@Suite struct EncoderDifferential {
    static func oracle<T: Encodable>(_ value: T) throws -> Data { try CamundaJSON.makeEncoder().encode(value) }

    static func expectSame<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = try CamundaJSON.encode(value)
        let theirs = try oracle(value)
        #expect(
            String(decoding: ours, as: UTF8.self) == String(decoding: theirs, as: UTF8.self), "\(T.self)",
            sourceLocation: sourceLocation)
        // Both decoders read it back to the same value.
        let oursBack = try CamundaJSON.decode(JSONValue.self, from: ours)
        let foundationBack = try CamundaJSON.makeDecoder().decode(JSONValue.self, from: ours)
        #expect(oursBack == foundationBack, sourceLocation: sourceLocation)
    }

    @Test func requestAndResponseModels() throws {
        try Self.expectSame(JobCompletionRequest(variables: ["result": "processed"]))
        try Self.expectSame(JobCompletionRequest(result: .userTask(JobResultUserTask(denied: true, deniedReason: "not allowed"))))
        try Self.expectSame(JobResultCorrections(dueDate: .clear, followUpDate: .set(Date(timeIntervalSince1970: 1.5))))
        try Self.expectSame(JobSearchQuery(filter: JobFilter(state: .exact(.failed), type: "payment"), page: .limit(10)))
        let models: [(any Codable.Type, String)] = [
            (JobActivationResult.self, #"{"jobs":[\#(activatedJobJSON)]}"#),
            (ActivatedJobResult.self, activatedJobJSON),
            (
                JobCompletionRequest.self,
                #"{"variables":{"approved":true},"result":{"type":"userTask","denied":false,"corrections":{"assignee":"corrected-user","priority":80,"candidateGroups":["g"],"dueDate":"2024-06-05T08:29:15.027Z"}}}"#
            ),
            (JobFailRequest.self, #"{"retries":2,"errorMessage":"Missing required field","retryBackOff":5000,"variables":{"a":1}}"#),
            (JobErrorRequest.self, #"{"errorCode":"AMOUNT_TOO_HIGH","errorMessage":"too much","variables":{"limit":100}}"#),
            (
                MessagePublicationRequest.self,
                #"{"name":"order-processed","correlationKey":"A-1","timeToLive":60000,"messageId":"m1","variables":{"ok":true},"tenantId":"<default>"}"#
            ),
            (ProblemDetail.self, #"{"type":"about:blank","title":"NOT_FOUND","status":404,"detail":"Job not found","instance":"/v2/jobs/1"}"#),
            (
                JobSearchQuery.self,
                #"{"filter":{"type":"payment","state":{"$in":["FAILED","ERROR_THROWN"]},"retries":{"$gte":1,"$lt":3},"processInstanceKey":"2251799813685251"},"sort":[{"field":"deadline","order":"DESC"}],"page":{"limit":50,"after":"WzEwXQ=="}}"#
            ),
            (WaitStateDetails.self, #"{"waitStateType":"QUANTUM","elementId":"x","something":[1,2]}"#),
        ]
        for (type, json) in models {
            let value = try CamundaJSON.decode(type, from: Data(json.utf8))
            try Self.expectSame(value)
        }
        for seed in DecoderFuzz.seeds {
            let value = try CamundaJSON.decode(seed.type, from: Data(seed.json.utf8))
            guard let encodable = value as? any Encodable else {
                Issue.record("\(seed.name) is not Encodable")
                continue
            }
            try Self.expectSame(encodable)
        }
    }

    /// Every component-level `example` of the spec, decoded as its generated type.
    @Test func specExamples() async throws {
        try await offCooperativePool {
            let root = SpecLocator.projectRoot(from: #filePath)
            let spec = try SpecLocator.required(.current, projectRoot: root)
            let builder = ModelBuilder(loader: SpecLoader(reader: DiskFileReader(root: spec.folder)))
            _ = try builder.build(entry: spec.entry)
            var compared = 0
            for (schema, example) in builder.examples() {
                let type = try #require(CamundaSpecCatalog.schemaType(named: schema))
                guard let value = try? CamundaJSON.decode(type, from: Data(example.jsonText.utf8)) else { continue }
                try Self.expectSame(value)
                compared += 1
            }
            #expect(compared > 10)
        }
    }

    @Test func largeResponses() throws {
        let start = Date(timeIntervalSince1970: 1_750_000_000.123)
        var items: [ProcessInstanceResult] = []
        for index in 0..<50 {
            let offset = Double(index) * 1.5
            let tags: TagSet = index % 3 == 0 ? ["priority:high", "region:eu"] : []
            let endDate: Date? = index % 3 == 0 ? nil : start.addingTimeInterval(offset)
            let key = ProcessInstanceKey(String(2_251_799_813_685_249 + index))
            let item = ProcessInstanceResult(
                processDefinitionId: ProcessDefinitionId("order-process-\(index % 5)"), processDefinitionName: "Order \(index)",
                processDefinitionVersion: Int32(index % 3 + 1), processDefinitionVersionTag: index % 2 == 0 ? "v1" : nil,
                startDate: start.addingTimeInterval(offset), endDate: endDate, state: .active, suspendedDate: nil,
                hasIncident: index % 7 == 0, tenantId: "<default>", processInstanceKey: key,
                processDefinitionKey: ProcessDefinitionKey("2251799813000000"), parentProcessInstanceKey: nil, parentElementInstanceKey: nil,
                rootProcessInstanceKey: nil, tags: tags, businessId: nil)
            items.append(item)
        }
        try Self.expectSame(
            ProcessInstanceSearchQueryResult(
                items: items, page: SearchQueryPageResponse(totalItems: 500, hasMoreTotalItems: true, startCursor: "a", endCursor: "b/c")))
    }

    static func randomString(_ rng: inout SplitMix64) -> String {
        let pieces = [
            "a", "Z", "key", "/", "\\", "\"", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", " ", "é", "ß", "✓",
            "日本", "🚀", "\u{301}", "\u{2028}", "<", ">", "&", "'", "0", "10", "2", "A", "_", "-", "~", "$",
        ]
        let count = Int(rng.next() % 6)
        return (0..<count).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }

    static func randomDouble(_ rng: inout SplitMix64) -> Double {
        let fixed: [Double] = [
            0, -0.0, 1, -1, 0.1, 0.5, 1.5, 12.5, 100, 1e15, 1e16, 1e17, 1e21, 1e22, 1e300, -1e300, .leastNonzeroMagnitude, 2.2250738585072014e-308, 1e-5, 1e-7,
            123_456.789, 9_007_199_254_740_992, 1.7976931348623157e308, 0.30000000000000004, 3.14159, -2.5e-3,
        ]
        switch rng.next() % 4 {
        case 0: return fixed[Int(rng.next() % UInt64(fixed.count))]
        case 1: return Double(Int64(bitPattern: rng.next()) % 1_000_000) / 100
        case 2:
            let bits = Double(bitPattern: rng.next())
            return bits.isFinite ? bits : 1
        default: return Double(rng.next() % 1000) * pow(10, Double(Int(rng.next() % 40) - 20))
        }
    }

    static func randomJSON(_ rng: inout SplitMix64, depth: Int = 0) -> JSONValue {
        switch rng.next() % (depth > 4 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2:
            let special: [Int64] = [0, 1, -1, .max, .min, 9_007_199_254_740_993, 2_251_799_813_685_249]
            return .int(rng.next() % 3 == 0 ? special[Int(rng.next() % UInt64(special.count))] : Int64(bitPattern: rng.next()) >> (rng.next() % 64))
        case 3: return .double(randomDouble(&rng))
        case 4: return .string(randomString(&rng))
        case 5: return .array((0..<Int(rng.next() % 5)).map { _ in randomJSON(&rng, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int(rng.next() % 6) { members[randomString(&rng)] = randomJSON(&rng, depth: depth + 1) }
            return .object(members)
        }
    }

    @Test func randomJSONValues() async throws {
        try await offCooperativePool {
            var rng = SplitMix64(seed: 0xE4C0DE)
            for _ in 0..<fuzzIterations(default: 3000) {
                let value = Self.randomJSON(&rng)
                try Self.expectSame(value)
                if case .object(let members) = value { try Self.expectSame(JobCompletionRequest(variables: members)) }
            }
        }
    }

    struct Dated: Codable {
        var when: Date
        var maybe: Date?
        var list: [Date]
    }

    @Test func dates() throws {
        var rng = SplitMix64(seed: 0xDA7E)
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005), Date(timeIntervalSince1970: 1_717_576_155.027)]
        for _ in 0..<2000 {
            dates.append(Date(timeIntervalSince1970: Double(Int64(bitPattern: rng.next()) % 4_000_000_000_000) / 1000 + Double(rng.next() % 1000) / 1e6))
        }
        for date in dates {
            try Self.expectSame(Dated(when: date, maybe: nil, list: [date, date.addingTimeInterval(0.0004)]))
            try Self.expectSame(date)
        }
    }

    /// Values that use the less common parts of the `Encoder` API.
    struct Unusual: Encodable {
        enum Keys: String, CodingKey { case a, b, nested, list, zed = "Zed", number = "10", slash = "x/y", dup, empty }
        enum Inner: String, CodingKey { case x, y }

        struct EncodesNothing: Encodable {
            func encode(to encoder: any Encoder) throws {}
        }

        struct Base: Encodable {
            var tag = "base"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(Int8(-8), forKey: .a)
            try container.encode(UInt64.max, forKey: .b)
            var nested = container.nestedContainer(keyedBy: Inner.self, forKey: .nested)
            try nested.encode(Float(0.1), forKey: .x)
            var list = nested.nestedUnkeyedContainer(forKey: .y)
            try list.encode(true)
            try list.encodeNil()
            try list.encode(UInt8(7))
            try list.encode(Float(2))
            var deeper = list.nestedContainer(keyedBy: Inner.self)
            try deeper.encode("deep", forKey: .x)
            var deepList = list.nestedUnkeyedContainer()
            try deepList.encode(Int64.min)
            try Base().encode(to: list.superEncoder())
            // The same nested container asked for again adds to it.
            var again = container.nestedContainer(keyedBy: Inner.self, forKey: .nested)
            try again.encode(Decimal(string: "12.50")!, forKey: .x)
            try container.encode([3, 1, 2], forKey: .list)
            try container.encode("zed", forKey: .zed)
            try container.encode(Double(10), forKey: .number)
            try container.encode(URL(string: "https://example.com/a?b=c")!, forKey: .slash)
            try container.encode(1, forKey: .dup)
            try container.encode("second", forKey: .dup)
            try container.encode(EncodesNothing(), forKey: .empty)
            try Base().encode(to: container.superEncoder())
            try Base().encode(to: container.superEncoder(forKey: .zed))
            // A second keyed container on the same encoder adds to the same object.
            var second = encoder.container(keyedBy: AnyCodingKey.self)
            try second.encode(Data([0, 1, 2, 250]), forKey: AnyCodingKey("data"))
            try second.encode([1: "one", 10: "ten", 2: "two"], forKey: AnyCodingKey("intKeys"))
            try second.encode(["b": 1.0, "a": -0.0, "B": 1e-7] as [String: Double], forKey: AnyCodingKey("doubles"))
            try second.encode([String: JSONValue](), forKey: AnyCodingKey("emptyObject"))
            try second.encode([JSONValue](), forKey: AnyCodingKey("emptyArray"))
            try second.encodeIfPresent(String?.none, forKey: AnyCodingKey("absent"))
            try second.encode(String?.none, forKey: AnyCodingKey("null"))
        }
    }

    @Test func unusualContainersAndTypes() throws {
        try Self.expectSame(Unusual())
        try Self.expectSame([Unusual(), Unusual()])
        try Self.expectSame(["k": Unusual()])
    }

    @Test func topLevelFragments() throws {
        try Self.expectSame("text with \"quotes\" / slash \u{1} é")
        try Self.expectSame(42)
        try Self.expectSame(-0.0)
        try Self.expectSame(1.0)
        try Self.expectSame(Float(1.5))
        try Self.expectSame(true)
        try Self.expectSame(String?.none)
        try Self.expectSame([1, 2, 3])
        try Self.expectSame(JSONValue.null)
        try Self.expectSame(Data("hello".utf8))
        try Self.expectSame(URL(string: "http://a/b")!)
        try Self.expectSame(Decimal(string: "3.14")!)
        try Self.expectSame(ProcessInstanceKey("2251799813685249"))
        try Self.expectSame(JobKindEnum.bpmnElement)
    }

    static func renderedError(_ body: () throws -> Data) -> String {
        do {
            _ = try body()
            return "no error"
        } catch EncodingError.invalidValue(_, let context) {
            let path = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return "invalidValue at \(path): \(context.debugDescription)"
        } catch {
            return "other \(error)"
        }
    }

    struct Numbers: Encodable {
        var value: Double
        var float: Float = 1
        var list: [Double] = []
        var variables: [String: JSONValue] = [:]
    }

    @Test func errorsMatch() {
        let cases: [any Encodable] = [
            Numbers(value: .nan), Numbers(value: .infinity), Numbers(value: 1, float: -.infinity), Numbers(value: 1, list: [1, .nan]),
            Numbers(value: 1, variables: ["a": ["b": [1, .double(.infinity)]]]), [Numbers(value: 1, variables: ["x": .double(-.infinity)])],
            Double.nan, JSONValue.double(.nan), Unusual.EncodesNothing(), JobCompletionRequest(variables: ["n": .double(.nan)]),
        ]
        for value in cases {
            let ours = Self.renderedError { try CamundaJSON.encode(value) }
            let theirs = Self.renderedError { try Self.oracle(value) }
            #expect(ours == theirs)
            #expect(ours.hasPrefix("invalidValue"))
        }
    }

    @Test func nestingLimit() {
        var deep = JSONValue.int(1)
        for _ in 0..<511 { deep = .array([deep]) }
        #expect(Self.renderedError { try CamundaJSON.encode(deep) } == Self.renderedError { try Self.oracle(deep) })
        #expect(Self.renderedError { try CamundaJSON.encode(deep) } == "no error")
        deep = .array([deep])
        #expect(Self.renderedError { try CamundaJSON.encode(deep) } == Self.renderedError { try Self.oracle(deep) })
        #expect(Self.renderedError { try CamundaJSON.encode(deep) }.hasPrefix("invalidValue"))
    }
}
