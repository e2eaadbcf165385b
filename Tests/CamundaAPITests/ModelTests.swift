import CamundaAPI
import Foundation
import FuzzSupport
import GeneratorCore
import Testing

/// Decodes `json` as `T`, re-encodes it, and checks the JSON is unchanged (compared as values).
@discardableResult
func roundTrip<T: Codable>(_ type: T.Type, _ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    let value = try CamundaJSON.decode(T.self, from: Data(json.utf8))
    let encoded = try CamundaJSON.encode(value)
    // Encoding omits nil properties, so a `null` member and an absent one are the same.
    let before = withoutNullMembers(try CamundaJSON.decode(JSONValue.self, from: Data(json.utf8)))
    let after = withoutNullMembers(try CamundaJSON.decode(JSONValue.self, from: encoded))
    #expect(before == after, "round trip changed \(T.self):\n\(before)\n\(after)", sourceLocation: sourceLocation)
    return value
}

func withoutNullMembers(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let members): .object(members.filter { $0.value != .null }.mapValues(withoutNullMembers))
    case .array(let elements): .array(elements.map(withoutNullMembers))
    default: value
    }
}

let activatedJobJSON = """
    {"type":"payment","processDefinitionId":"order-process","processDefinitionVersion":3,"elementId":"charge",
     "customHeaders":{"region":"eu","limit":"100"},"worker":"w1","retries":3,"deadline":1717575555027,
     "variables":{"orderId":"A-1","amount":12.5,"count":7,"big":9007199254740993,"items":[{"sku":"x"}],"flag":true,"none":null},
     "tenantId":"<default>","jobKey":"2251799813685249","processInstanceKey":"2251799813685251",
     "processDefinitionKey":"2251799813685247","elementInstanceKey":"2251799813685255","kind":"BPMN_ELEMENT",
     "listenerEventType":"UNSPECIFIED","userTask":null,"tags":["a","b"],"rootProcessInstanceKey":null}
    """

@Suite struct RoundTrips {
    @Test func jobActivationResult() throws {
        let result = try roundTrip(JobActivationResult.self, #"{"jobs":[\#(activatedJobJSON)]}"#)
        let job = try #require(result.jobs.first)
        #expect(job.jobKey == JobKey("2251799813685249"))
        #expect(job.kind == .bpmnElement)
        #expect(job.variables["big"] == .int(9_007_199_254_740_993))
        #expect(job.variables["amount"] == .double(12.5))
        #expect(job.userTask == nil)
    }

    @Test func unknownEnumValueDoesNotFailActivation() throws {
        let json = activatedJobJSON.replacingOccurrences(of: "BPMN_ELEMENT", with: "SOME_FUTURE_KIND")
        let result = try roundTrip(JobActivationResult.self, #"{"jobs":[\#(json)]}"#)
        #expect(result.jobs[0].kind == .undocumented("SOME_FUTURE_KIND"))
        #expect(result.jobs[0].kind.rawValue == "SOME_FUTURE_KIND")
    }

    @Test func jobCompletionWithCorrections() throws {
        let json = """
            {"variables":{"approved":true},"result":{"type":"userTask","denied":false,
             "corrections":{"assignee":"corrected-user","priority":80,"candidateGroups":["g"],"dueDate":"2024-06-05T08:29:15.027Z"}}}
            """
        let request = try roundTrip(JobCompletionRequest.self, json)
        guard case .userTask(let result)? = request.result else {
            Issue.record("expected a userTask result")
            return
        }
        #expect(result.corrections?.assignee == "corrected-user")
        #expect(result.corrections?.priority == 80)
    }

    @Test func jobCompletionDeniedInjectsDiscriminator() throws {
        let request = JobCompletionRequest(
            result: .userTask(JobResultUserTask(denied: true, deniedReason: "not allowed")))
        let json = try CamundaJSON.decode(JSONValue.self, from: CamundaJSON.encode(request))
        #expect(json["result"]?["type"] == "userTask")
        #expect(json["result"]?["denied"] == true)
        #expect(json["variables"] == nil, "nil properties are omitted")
    }

    @Test func correctionsClearDueDate() throws {
        let corrections = JobResultCorrections(dueDate: .clear, followUpDate: .set(Date(timeIntervalSince1970: 1.5)))
        let json = try CamundaJSON.decode(JSONValue.self, from: CamundaJSON.encode(corrections))
        #expect(json["dueDate"] == "")
        #expect(json["followUpDate"] == "1970-01-01T00:00:01.500Z")
    }

    @Test func failErrorAndMessage() throws {
        try roundTrip(JobFailRequest.self, #"{"retries":2,"errorMessage":"Missing required field","retryBackOff":5000,"variables":{"a":1}}"#)
        try roundTrip(JobErrorRequest.self, #"{"errorCode":"AMOUNT_TOO_HIGH","errorMessage":"too much","variables":{"limit":100}}"#)
        try roundTrip(
            MessagePublicationRequest.self,
            #"{"name":"order-processed","correlationKey":"A-1","timeToLive":60000,"messageId":"m1","variables":{"ok":true},"tenantId":"<default>"}"#)
    }

    @Test func problemDetailIsTolerant() throws {
        try roundTrip(
            ProblemDetail.self,
            #"{"type":"about:blank","title":"NOT_FOUND","status":404,"detail":"Job not found","instance":"/v2/jobs/1"}"#)
        let partial = try roundTrip(ProblemDetail.self, #"{"title":"INVALID_ARGUMENT","status":400}"#)
        #expect(partial.instance == nil)
    }

    @Test func searchWithAdvancedFilter() throws {
        let json = """
            {"filter":{"type":"payment","state":{"$in":["FAILED","ERROR_THROWN"]},"retries":{"$gte":1,"$lt":3},
             "processInstanceKey":"2251799813685251"},"sort":[{"field":"deadline","order":"DESC"}],"page":{"limit":50,"after":"WzEwXQ=="}}
            """
        let query = try roundTrip(JobSearchQuery.self, json)
        #expect(query.filter?.type == .exact("payment"))
        #expect(query.filter?.state == .advanced(AdvancedJobStateFilter(in: [.failed, .errorThrown])))
        #expect(query.page == .cursorForwardPagination(CursorForwardPagination(after: "WzEwXQ==", limit: 50)))
        // Built in code, with literals:
        let built = JobSearchQuery(filter: JobFilter(state: .exact(.failed), type: "payment"), page: .limit(10))
        let encoded = try CamundaJSON.decode(JSONValue.self, from: CamundaJSON.encode(built))
        #expect(encoded == ["filter": ["type": "payment", "state": "FAILED"], "page": ["limit": 10]])
    }

    @Test func deploymentResponse() throws {
        let json = """
            {"deploymentKey":"2251799813685250","tenantId":"<default>","deployments":[{"processDefinition":
             {"processDefinitionId":"order-process","processDefinitionVersion":1,"resourceName":"order.bpmn",
              "tenantId":"<default>","processDefinitionKey":"2251799813685247"}}]}
            """
        let result = try roundTrip(DeploymentResult.self, json)
        #expect(result.deployments.first?.processDefinition?.processDefinitionId == "order-process")
    }

    @Test func unknownUnionPayloadIsKept() throws {
        let json = #"{"waitStateType":"QUANTUM","elementId":"x","something":[1,2]}"#
        let value = try roundTrip(WaitStateDetails.self, json)
        guard case .undocumented = value else {
            Issue.record("expected .undocumented, got \(value)")
            return
        }
    }

    @Test(arguments: [
        "2024-06-05T08:29:15.027Z", "2024-06-05T08:29:15Z", "2024-06-05T08:29:15.027+00:00", "2024-06-05T08:29:15.027+0000",
        "2024-06-05T10:29:15.027+02:00",
    ])
    func lenientDates(text: String) throws {
        let date = try #require(CamundaJSON.parseDate(text))
        let seconds = text.contains(".027") ? 1_717_576_155.027 : 1_717_576_155
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.0005)
        #expect(CamundaJSON.formatDate(Date(timeIntervalSince1970: 1_717_576_155.027)) == "2024-06-05T08:29:15.027Z")
    }
}

@Suite struct JSONValueTests {
    struct Order: Codable, Equatable {
        var orderId: String
        var amount: Double
    }

    @Test func literalsAndTypedHelpers() throws {
        let variables: [String: JSONValue] = ["result": "processed", "n": 1, "ok": true, "list": [1, "a"], "nested": ["x": nil]]
        #expect(variables["n"] == .int(1))
        let order = try (["orderId": "A-1", "amount": 12.5] as [String: JSONValue]).decode(as: Order.self)
        #expect(order == Order(orderId: "A-1", amount: 12.5))
        let back = try [String: JSONValue](encoding: order)
        #expect(back["orderId"] == "A-1")
        #expect(try JSONValue(encoding: order).decode(as: Order.self) == order)
    }

    @Test func integersStayExact() throws {
        let value = try CamundaJSON.decode(JSONValue.self, from: Data("[9223372036854775807,-9223372036854775808,1.5,1e3]".utf8))
        #expect(value == [.int(.max), .int(.min), .double(1.5), .int(1000)])
    }
}

@Suite struct TypeSafety {
    /// A `ProcessInstanceKey` is not accepted where a `JobKey` is expected: the line
    /// `let _: JobKey = ProcessInstanceKey("1")` does not compile ("cannot convert value of type
    /// 'ProcessInstanceKey' to specified type 'JobKey'"). This test checks the types are distinct.
    @Test func keysAreDistinctTypes() {
        #expect(JobKey.self != ProcessInstanceKey.self)
        #expect(!(ProcessInstanceKey("1") as Any is JobKey))
        let scope = ScopeKey(ProcessInstanceKey("5"))
        #expect(scope.rawValue == "5")
    }
}

@Suite struct SpecExamples {
    /// Every component-level `example` of the spec decodes as its generated type and re-encodes unchanged.
    @Test func componentExamplesRoundTrip() async throws {
        try await offCooperativePool {
            let root = SpecLocator.projectRoot(from: #filePath)
            let spec = try SpecLocator.required(.current, projectRoot: root)
            let builder = ModelBuilder(loader: SpecLoader(reader: DiskFileReader(root: spec.folder)))
            _ = try builder.build(entry: spec.entry)
            let examples = builder.examples()
            #expect(examples.count > 10)
            for (schema, example) in examples {
                let type = try #require(CamundaSpecCatalog.schemaType(named: schema))
                let json = example.jsonText
                do {
                    let value = try CamundaJSON.decode(type, from: Data(json.utf8))
                    let encoded = withoutNullMembers(try CamundaJSON.decode(JSONValue.self, from: CamundaJSON.encode(value)))
                    let original = withoutNullMembers(try CamundaJSON.decode(JSONValue.self, from: Data(json.utf8)))
                    #expect(encoded == original, "\(schema): \(json)")
                } catch {
                    Issue.record("example of \(schema) does not decode: \(error)\n\(json)")
                }
            }
        }
    }

    @Test func catalogIsComplete() {
        #expect(CamundaSpecCatalog.operations.count == 244)
        #expect(Set(CamundaSpecCatalog.operations.map(\.id)).count == 244)
        #expect(CamundaSpecCatalog.componentSchemas.count == 864)
        for name in CamundaSpecCatalog.componentSchemas {
            #expect(CamundaSpecCatalog.schemaType(named: name) != nil, "\(name)")
        }
    }
}
