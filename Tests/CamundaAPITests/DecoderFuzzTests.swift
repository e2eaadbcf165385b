import CamundaAPI
import Foundation
import FuzzSupport
import Testing

/// Fuzzing of the generated decoders: mutated JSON of the main response types either decodes or
/// fails with a `DecodingError` that `CamundaError` turns into a coding path. Never a crash.
///
/// `CAMUNDA_FUZZ_ITERATIONS=200000 swift test --filter DecoderFuzz` runs a long campaign; inputs that
/// exercised a new outcome are kept in `Fixtures/decoder-corpus/` (set `CAMUNDA_FUZZ_SAVE=1`) and
/// replayed by `replayCorpus`.
@Suite struct DecoderFuzz {
    static var seeds: [(name: String, type: any Decodable.Type, json: String)] {
        [
        ("activation", JobActivationResult.self, #"{"jobs":[\#(activatedJobJSON)]}"#),
        ("job", ActivatedJobResult.self, activatedJobJSON),
        ("problem", ProblemDetail.self, #"{"type":"about:blank","title":"NOT_FOUND","status":404,"detail":"Job not found","instance":"/v2/jobs/1"}"#),
        (
            "search", ProcessInstanceSearchQueryResult.self,
            #"{"items":[{"processDefinitionId":"p","processDefinitionName":"P","processDefinitionVersion":1,"processDefinitionVersionTag":null,"startDate":"2024-06-05T08:29:15.027Z","endDate":null,"state":"ACTIVE","hasIncident":false,"tenantId":"<default>","processInstanceKey":"1","processDefinitionKey":"2","parentProcessInstanceKey":null,"parentElementInstanceKey":null,"rootProcessInstanceKey":null,"tags":[],"businessId":null}],"page":{"totalItems":1,"hasMoreTotalItems":false,"startCursor":"a","endCursor":"b"}}"#
        ),
        (
            "deployment", DeploymentResult.self,
            #"{"deploymentKey":"1","tenantId":"<default>","deployments":[{"processDefinition":{"processDefinitionId":"p","processDefinitionVersion":1,"resourceName":"p.bpmn","tenantId":"<default>","processDefinitionKey":"2"}}]}"#
        ),
        ("completion", JobCompletionRequest.self, #"{"variables":{"a":1},"result":{"type":"userTask","denied":true,"corrections":{"assignee":"u","dueDate":""}}}"#),
        ]
    }

    static func decodeOutcome(_ decodable: any Decodable.Type, _ bytes: [UInt8]) -> String {
        do {
            _ = try CamundaJSON.decode(decodable, from: Data(bytes))
            return "ok"
        } catch let error as DecodingError {
            let wrapped = CamundaError(operationID: "fuzz", kind: .decoding, status: 200, cause: error)
            _ = wrapped.description
            switch error {
            case .dataCorrupted(let c) where c.codingPath.isEmpty: return "syntax"
            default: return "path:" + (wrapped.codingPath ?? "?")
            }
        } catch {
            return "other:\(type(of: error))"
        }
    }

    @Test(arguments: 0..<6)
    func mutatedResponsesNeverCrash(index: Int) throws {
        let seed = Self.seeds[index]
        var rng = SplitMix64(seed: 0xC0FFEE &+ UInt64(index))
        let original = Array(seed.json.utf8)
        #expect(Self.decodeOutcome(seed.type, original) == "ok", "the seed itself must decode")
        var outcomes: [String: [UInt8]] = [:]
        for _ in 0..<fuzzIterations(default: 1500) {
            let input = Mutator.mutate(original, using: &rng)
            let outcome = Self.decodeOutcome(seed.type, input)
            #expect(!outcome.hasPrefix("other:"), "unexpected error kind for \(String(decoding: input, as: UTF8.self))")
            if outcomes[outcome] == nil { outcomes[outcome] = input }
        }
        if ProcessInfo.processInfo.environment["CAMUNDA_FUZZ_SAVE"] == "1" {
            let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/decoder-corpus")
            for (number, (_, input)) in outcomes.sorted(by: { $0.key < $1.key }).prefix(40).enumerated() {
                try Data(input).write(to: folder.appendingPathComponent("\(seed.name)-\(number).json"))
            }
        }
    }

    /// Every committed corpus input is replayed against the type its file name names.
    @Test func replayCorpus() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/decoder-corpus")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 20, "the corpus is committed")
        for file in files {
            let name = String(file.split(separator: "-").first ?? "")
            let seed = try #require(Self.seeds.first { $0.name == name }, "\(file)")
            let outcome = Self.decodeOutcome(seed.type, Array(try Data(contentsOf: folder.appendingPathComponent(file))))
            #expect(!outcome.hasPrefix("other:"), "\(file): \(outcome)")
        }
    }
}

/// The SDK's own JSON parser against Foundation's: on mutated inputs both accept the same texts and
/// agree on the value (Foundation's `JSONDecoder` into `JSONValue` is the reference).
@Suite struct ParserDifferential {
    @Test(arguments: 0..<6)
    func agreesWithFoundation(index: Int) async {
        await offCooperativePool {
            let seed = DecoderFuzz.seeds[index]
            var rng = SplitMix64(seed: 0xD1FF &+ UInt64(index))
            let reference = CamundaJSON.makeDecoder()
            var compared = 0
            for _ in 0..<fuzzIterations(default: 1500) {
                let input = Data(Mutator.mutate(Array(seed.json.utf8), using: &rng))
                let ours = try? CamundaJSON.decode(JSONValue.self, from: input)
                let theirs = try? reference.decode(JSONValue.self, from: input)
                if let ours, let theirs {
                    compared += 1
                    #expect(ours == theirs, "\(String(decoding: input, as: UTF8.self))")
                } else if (ours == nil) != (theirs == nil) {
                    // Foundation is laxer in a few places (it accepts non-finite or over-long numbers as
                    // Double); the SDK never accepts what Foundation rejects.
                    #expect(ours == nil, "accepted what Foundation rejects: \(String(decoding: input, as: UTF8.self))")
                }
            }
            #expect(compared > 100)
        }
    }
}
