import CamundaAPI
import Foundation
import Testing

/// Typed models are decoded from ordered member lists (see `JSONNode`): members are found wherever
/// they are in the object, a repeated name keeps its first value, and free-form members convert exactly.
@Suite struct MemberLookup {
    static let foundation = CamundaJSON.makeDecoder()

    /// The members of the fixture job, in the order of the fixture.
    static func jobMembers() throws -> [(String, String)] {
        // Each member's name and JSON text, read back from the fixture in its order.
        let object = try #require(try CamundaJSON.decode(JSONValue.self, from: Data(activatedJobJSON.utf8)).objectValue)
        let order = ["type", "processDefinitionId", "processDefinitionVersion", "elementId", "customHeaders", "worker", "retries",
            "deadline", "variables", "tenantId", "jobKey", "processInstanceKey", "processDefinitionKey", "elementInstanceKey",
            "kind", "listenerEventType", "userTask", "tags", "rootProcessInstanceKey"]
        #expect(Set(order) == Set(object.keys))
        return try order.map { name in
            (name, String(decoding: try CamundaJSON.encode(try #require(object[name])), as: UTF8.self))
        }
    }

    static func json(_ members: [(String, String)]) -> String {
        "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    static func decodeBoth<T: Decodable & Equatable>(_ type: T.Type, _ json: String) throws -> T {
        let ours = try CamundaJSON.decode(T.self, from: Data(json.utf8))
        let theirs = try foundation.decode(T.self, from: Data(json.utf8))
        #expect(ours == theirs)
        return ours
    }

    @Test func membersInAnyOrder() throws {
        let members = try Self.jobMembers()
        let expected = try Self.decodeBoth(ActivatedJobResult.self, activatedJobJSON)
        #expect(try Self.decodeBoth(ActivatedJobResult.self, Self.json(members.reversed())) == expected)
        #expect(try Self.decodeBoth(ActivatedJobResult.self, Self.json(members.sorted { $0.0 < $1.0 })) == expected)
        // Every rotation, and with members the model does not know in between.
        for shift in 1..<members.count {
            let rotated = Array(members[shift...] + members[..<shift])
            #expect(try Self.decodeBoth(ActivatedJobResult.self, Self.json(rotated)) == expected)
            var padded: [(String, String)] = []
            for (index, member) in rotated.enumerated() { padded += [("extra\(index)", #"{"worker":"no"}"#), member] }
            #expect(try Self.decodeBoth(ActivatedJobResult.self, Self.json(padded)) == expected)
        }
    }

    @Test func repeatedTypedMembersKeepTheFirstValue() throws {
        let members = try Self.jobMembers()
        let expected = try Self.decodeBoth(ActivatedJobResult.self, activatedJobJSON)
        // A repeat after the first, also one whose value has the wrong type or is null.
        let repeats = [("worker", #""w2""#), ("retries", #""three""#), ("jobKey", "null"), ("kind", #""EXECUTION_LISTENER""#),
            ("tags", "[]"), ("userTask", #"{"x":1}"#), ("physicalTenantId", #""second""#)]
        var json = Self.json(members + repeats)
        var job = try Self.decodeBoth(ActivatedJobResult.self, json)
        #expect(job.physicalTenantId == "second")
        job.physicalTenantId = nil
        #expect(job == expected)
        #expect(job.worker == "w1" && job.retries == 3 && job.jobKey == JobKey("2251799813685249") && job.kind == .bpmnElement)
        // Repeats right after the first and before it is asked for.
        json = Self.json(members.flatMap { [$0, ($0.0, #""repeat""#)] })
        #expect(try Self.decodeBoth(ActivatedJobResult.self, json) == expected)
        // A null first value wins over a later one.
        json = Self.json([("physicalTenantId", "null")] + members + [("physicalTenantId", #""late""#)])
        #expect(try Self.decodeBoth(ActivatedJobResult.self, json).physicalTenantId == nil)
        // In arrays of models and in dictionaries of typed values.
        let activation = try Self.decodeBoth(
            JobActivationResult.self, #"{"jobs":[\#(activatedJobJSON)],"jobs":[]}"#)
        #expect(activation.jobs == [expected])
        let counts = try Self.decodeBoth([String: Int].self, #"{"a":1,"b":2,"a":3,"b":"x","c":3}"#)
        #expect(counts == ["a": 1, "b": 2, "c": 3])
    }

    @Test func repeatedFreeFormMembersKeepTheFirstValue() throws {
        let variables = #"{"a":1,"b":{"c":2,"c":3,"d":[{"e":4,"e":5}]},"a":6,"b":7}"#
        var members = try Self.jobMembers()
        members = members.map { $0.0 == "variables" ? ($0.0, variables) : $0 } + [("variables", "{}"), ("customHeaders", "{}")]
        let job = try Self.decodeBoth(ActivatedJobResult.self, Self.json(members))
        #expect(job.variables == ["a": 1, "b": ["c": 2, "d": [["e": 4]]]])
        #expect(job.customHeaders == ["region": "eu", "limit": "100"])
        #expect(try CamundaJSON.decode([String: JSONValue].self, from: Data(variables.utf8)) == job.variables)
        #expect(try CamundaJSON.decode(JSONValue.self, from: Data(variables.utf8)) == .object(job.variables))
    }

    @Test func missingMembers() throws {
        let members = try Self.jobMembers()
        // Optional members may be absent; the same job without them decodes the same.
        let optional: Set = ["userTask", "rootProcessInstanceKey"]
        let fewer = try Self.decodeBoth(ActivatedJobResult.self, Self.json(members.filter { !optional.contains($0.0) }))
        let all = try Self.decodeBoth(ActivatedJobResult.self, activatedJobJSON)
        #expect(fewer.jobKey == all.jobKey && fewer.userTask == nil && fewer.rootProcessInstanceKey == nil)
        // A missing required member fails as Foundation's decoder fails, naming the member and the path.
        for (name, _) in members where !optional.contains(name) {
            let json = #"{"jobs":[\#(activatedJobJSON),\#(Self.json(members.filter { $0.0 != name }))]}"#
            #expect(DecodingPaths.path(JobActivationResult.self, json) == DecodingPaths.path(JobActivationResult.self, json, foundation: true))
            do {
                _ = try CamundaJSON.decode(JobActivationResult.self, from: Data(json.utf8))
                Issue.record("decoded without \(name)")
            } catch DecodingError.keyNotFound(let key, let context) {
                #expect(key.stringValue == name)
                #expect(context.codingPath.map(\.stringValue) == ["jobs", "Index 1"])
            }
        }
    }

    @Test func freeFormValuesConvertExactly() throws {
        let variables = #"""
            {"s":"a\"b\u00e9\ud83d\ude00","n":null,"t":true,"f":false,"i":-9223372036854775808,"j":9223372036854775807,
             "k":9223372036854775808,"d":1.5e300,"e":1.0,"g":-0.0,"h":12e-1,"a":[[],{},[{}],[1,"2",null]],
             "o":{"":{"x":{"y":[0.1,{"z":"w"}]}}},"long name that is longer than thirty-two bytes":1,"ä":"ö"}
            """#
        var members = try Self.jobMembers()
        members = members.map { $0.0 == "variables" ? ($0.0, variables) : $0 }
        let job = try Self.decodeBoth(ActivatedJobResult.self, Self.json(members))
        let direct = try CamundaJSON.decode([String: JSONValue].self, from: Data(variables.utf8))
        #expect(job.variables == direct)
        #expect(direct == (try Self.foundation.decode([String: JSONValue].self, from: Data(variables.utf8))))
        #expect(direct["i"] == .int(.min) && direct["j"] == .int(.max) && direct["k"] == .double(9_223_372_036_854_775_808))
        #expect(direct["e"] == .int(1) && direct["s"] == .string("a\"bé😀"))
        #expect(direct["o"]?[""]?["x"]?["y"] == [0.1, ["z": "w"]])
        let array = try CamundaJSON.decode([JSONValue].self, from: Data("[\(variables),1]".utf8))
        #expect(array == [.object(direct), 1])
    }
}
