import CamundaAPI
import Foundation
import FuzzSupport
import GeneratorCore
import Testing

/// `CamundaJSON.decode` builds the models of the worker's hot path straight from the node tree and
/// falls back to `Codable` for anything that path does not take. Where it takes a value, the value
/// must be the one `Codable` gives; where it declines, `Codable` decides (and produces the error).
/// Models off the hot path have no fast path (`FastPathScope`): `SpecExamples` round-trips every model.
@Suite struct DecodingFastPath {
    /// Decodes `data` both ways; returns whether the fast path took it.
    static func compare<T: Codable>(_ type: T.Type, _ data: Data, _ label: String) throws -> Bool {
        let codable = Result { try CamundaJSON.codableDecode(T.self, from: data) }
        guard let fast = try CamundaJSON.fastDecode(T.self, from: data) else { return false }
        switch codable {
        case .success(let value):
            #expect((fast as? AnyHashable) == (value as? AnyHashable), "\(label)")
            #expect(fast as? AnyHashable != nil)
        case .failure(let error):
            Issue.record("\(label): the fast path decoded what Codable rejects: \(error)")
        }
        return true
    }

    /// Every example in the spec with the generated type of its schema.
    static func specExamples() throws -> [(schema: String, type: any Codable.Type, json: String)] {
        let root = SpecLocator.projectRoot(from: #filePath)
        let spec = try SpecLocator.required(.current, projectRoot: root)
        let builder = ModelBuilder(loader: SpecLoader(reader: DiskFileReader(root: spec.folder)))
        _ = try builder.build(entry: spec.entry)
        return try builder.examples().map { schema, example in
            (schema, try #require(CamundaSpecCatalog.schemaType(named: schema)), example.jsonText)
        }
    }

    @Test func everySpecExampleDecodesAsCodableDoes() async throws {
        try await offCooperativePool {
            let examples = try Self.specExamples()
            var fast = 0
            for (schema, type, json) in examples where try Self.compare(type, Data(json.utf8), "\(schema): \(json)") { fast += 1 }
            // The spec has examples of the hot path's models (jobs, completions, failures), which the fast path takes.
            #expect(examples.count > 10 && fast > 0, "fast path took \(fast) of \(examples.count) examples")
        }
    }

    /// Encodes `value` both ways; returns whether the fast path took it.
    static func compareEncoding<T: Encodable>(_ value: T, _ label: String) throws -> Bool {
        let codable = try CamundaJSON.codableEncode(value)
        guard let fast = CamundaJSON.fastEncode(value) else { return false }
        #expect(fast == codable, "\(label): \(String(decoding: fast, as: UTF8.self)) vs \(String(decoding: codable, as: UTF8.self))")
        return true
    }

    static func decodeAndCompareEncoding<T: Codable>(_ type: T.Type, _ data: Data, _ label: String) throws -> Bool {
        try compareEncoding(try CamundaJSON.codableDecode(T.self, from: data), label)
    }

    @Test func everySpecExampleEncodesAsCodableDoes() async throws {
        try await offCooperativePool {
            let examples = try Self.specExamples()
            var fast = 0
            for (schema, type, json) in examples where try Self.decodeAndCompareEncoding(type, Data(json.utf8), schema) { fast += 1 }
            #expect(examples.count > 10 && fast > 0, "fast path took \(fast) of \(examples.count) examples")
        }
    }

    /// The fast paths are generated for the worker's hot path only: the bodies and responses of the
    /// operations with the `longPoll` or `acknowledgement` trait and what their members reach.
    @Test func onlyTheWorkersHotPathHasFastPaths() throws {
        let job = Data(activatedJobJSON.utf8)
        #expect(try CamundaJSON.fastDecode(ActivatedJobResult.self, from: job) != nil)
        #expect(CamundaJSON.fastEncode(JobActivationRequest(type: "t", worker: "w", timeout: 1, maxJobsToActivate: 1)) != nil)
        #expect(CamundaJSON.fastEncode(JobCompletionRequest(variables: ["a": 1])) != nil)
        #expect(CamundaJSON.fastEncode(JobFailRequest(retries: 1)) != nil)
        #expect(CamundaJSON.fastEncode(JobErrorRequest(errorCode: "E")) != nil)
        #expect(CamundaJSON.fastEncode(UserTaskCompletionRequest()) != nil)
        // Reached through a member of an activated job.
        #expect(CamundaJSON.fastEncode(JobKindEnum.bpmnElement) != nil)
        // Off the hot path: decoded and encoded through `Codable`, with the same results.
        let search = Data(#"{"items":[],"page":{"totalItems":0,"hasMoreTotalItems":false,"startCursor":null,"endCursor":null}}"#.utf8)
        #expect(try CamundaJSON.fastDecode(ProcessInstanceSearchQueryResult.self, from: search) == nil)
        #expect(try CamundaJSON.decode(ProcessInstanceSearchQueryResult.self, from: search).items.isEmpty)
        #expect(CamundaJSON.fastEncode(ProcessInstanceCreationInstructionById(processDefinitionId: ProcessDefinitionId("p"))) == nil)
    }

    @Test func requestsEncodeAsCodableDoes() throws {
        let variables: [String: JSONValue] = [
            "b": "x/y \"quoted\" \u{1}\n", "a": 1.5, "é": ["nested": [1, 2.25, nil, true]], "big": .int(.max), "neg": -0.0,
        ]
        #expect(try Self.compareEncoding(JobCompletionRequest(variables: variables), "completion"))
        #expect(try Self.compareEncoding(JobCompletionRequest(), "empty completion"))
        #expect(try Self.compareEncoding(
            JobFailRequest(retries: 2, errorMessage: "boom", retryBackOff: 1000, variables: variables, jobLeaseToken: "lease"), "failure"))
        #expect(try Self.compareEncoding(
            JobActivationRequest(type: "t", worker: "w", timeout: 1, maxJobsToActivate: 32, fetchVariable: ["a", "b"],
                requestTimeout: 0, tenantIds: ["<default>"], withLease: true), "activation"))
        #expect(try Self.compareEncoding([JobCompletionRequest(variables: variables)], "array"))
        #expect(try Self.compareEncoding(["k": JobCompletionRequest()], "dictionary"))
        // A non-finite number has no fast form: Codable throws the error with its path.
        let infinite = JobCompletionRequest(variables: ["x": .double(.infinity)])
        #expect(throws: EncodingError.self) { try CamundaJSON.encode(infinite) }
    }

    @Test func activatedJobsTakeTheFastPath() throws {
        let data = Data(activatedJobJSON.utf8)
        #expect(try Self.compare(ActivatedJobResult.self, data, "fixture"))
        let result = Data(#"{"jobs":[\#(activatedJobJSON),\#(activatedJobJSON)]}"#.utf8)
        #expect(try Self.compare(JobActivationResult.self, result, "two jobs"))
    }

    /// Every member of the fixture job removed, nulled, or given a value of another kind: either both
    /// paths agree or the fast path declines and `Codable` decides.
    @Test func alteredJobsDecodeAsCodableDoes() throws {
        let object = try #require(try CamundaJSON.decode(JSONValue.self, from: Data(activatedJobJSON.utf8)).objectValue)
        let replacements: [JSONValue?] = [nil, .null, .string("x"), .int(7), .double(7.5), .bool(true), .array([]), .object([:])]
        var declined = 0
        for name in object.keys.sorted() {
            for replacement in replacements {
                var altered = object
                altered[name] = replacement
                let data = try CamundaJSON.encode(JSONValue.object(altered))
                if try !Self.compare(ActivatedJobResult.self, data, "\(name) = \(String(describing: replacement))") {
                    declined += 1
                    // Declined: what CamundaJSON.decode returns is Codable's answer.
                    let decoded = Result { try CamundaJSON.decode(ActivatedJobResult.self, from: data) }
                    let codable = Result { try CamundaJSON.codableDecode(ActivatedJobResult.self, from: data) }
                    switch (decoded, codable) {
                    case (.success(let left), .success(let right)): #expect(left == right)
                    case (.failure(let left), .failure(let right)): #expect("\(left)" == "\(right)")
                    default: Issue.record("\(name): decode and Codable disagree")
                    }
                }
            }
        }
        #expect(declined > 0)
    }

    @Test func errorsKeepTheirCodingPath() throws {
        let json = activatedJobJSON.replacingOccurrences(of: #""retries":"#, with: #""retries":"three","ignored":"#)
        let data = Data(#"{"jobs":[\#(activatedJobJSON),\#(json)]}"#.utf8)
        #expect(try CamundaJSON.fastDecode(JobActivationResult.self, from: data) == nil)
        do {
            _ = try CamundaJSON.decode(JobActivationResult.self, from: data)
            Issue.record("decoded a job whose retries are a string")
        } catch let DecodingError.typeMismatch(_, context) {
            #expect(context.codingPath.map(\.stringValue) == ["jobs", "Index 1", "retries"])
        }
    }
}
