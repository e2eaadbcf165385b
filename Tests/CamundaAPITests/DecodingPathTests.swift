import CamundaAPI
import Foundation
import Testing

/// Decoding errors name the full coding path, as Foundation's `JSONDecoder` names it.
@Suite struct DecodingPaths {
    static func job(_ index: Int, _ replace: (String, String)? = nil) -> String {
        var json = activatedJobJSON.replacingOccurrences(of: "2251799813685249", with: String(2_251_799_813_685_249 + index))
        if let (old, new) = replace { json = json.replacingOccurrences(of: old, with: new) }
        return json
    }

    static func jobs(bad index: Int, _ replace: (String, String)) -> String {
        #"{"jobs":["# + (0..<5).map { job($0, $0 == index ? replace : nil) }.joined(separator: ",") + "]}"
    }

    static let search = #"{"items":[ITEM0,ITEM1],"page":{"totalItems":1,"hasMoreTotalItems":false,"startCursor":"a","endCursor":"b"}}"#
    static let item = #"{"processDefinitionId":"p","processDefinitionName":"P","processDefinitionVersion":1,"startDate":"2024-06-05T08:29:15.027Z","endDate":null,"state":"ACTIVE","hasIncident":false,"tenantId":"<default>","processInstanceKey":"1","processDefinitionKey":"2","tags":["a","b"],"businessId":null}"#

    static func searchJSON(_ replace: (String, String)?, inPage: Bool = false) -> String {
        var bad = item
        if let (old, new) = replace, !inPage { bad = bad.replacingOccurrences(of: old, with: new) }
        var json = search.replacingOccurrences(of: "ITEM0", with: item).replacingOccurrences(of: "ITEM1", with: bad)
        if let (old, new) = replace, inPage { json = json.replacingOccurrences(of: old, with: new) }
        return json
    }

    static func path<T: Decodable>(_ type: T.Type, _ json: String, foundation: Bool = false) -> String {
        do {
            if foundation {
                _ = try CamundaJSON.makeDecoder().decode(T.self, from: Data(json.utf8))
            } else {
                _ = try CamundaJSON.decode(T.self, from: Data(json.utf8))
            }
            return "ok"
        } catch {
            return CamundaError(operationID: "test", kind: .decoding, status: 200, cause: error).codingPath ?? "none"
        }
    }

    @Test func jobActivationPaths() {
        let cases: [(String, (String, String))] = [
            ("jobs[3].jobKey", (#""jobKey":"2251799813685252""#, #""jobKey":2251799813685252"#)),
            ("jobs[2].jobKey", (#""jobKey":"2251799813685251","#, "")),
            ("jobs[0].kind", (#""kind":"BPMN_ELEMENT""#, #""kind":7"#)),
            ("jobs[4].retries", (#""retries":3"#, #""retries":"3""#)),
            ("jobs[1].retries", (#""retries":3"#, #""retries":3.5"#)),
            ("jobs[1].deadline", (#""deadline":1717575555027"#, #""deadline":null"#)),
            ("jobs[2].tags[1]", (#""tags":["a","b"]"#, #""tags":["a",2]"#)),
            ("jobs[0].customHeaders", (#""customHeaders":{"region":"eu","limit":"100"}"#, #""customHeaders":[]"#)),
            ("jobs[3].variables", (#""variables":{"#, #""variables":"x","v":{"#)),
        ]
        for (expected, replace) in cases {
            let json = Self.jobs(bad: Int(expected.dropFirst(5).prefix(1))!, replace)
            #expect(Self.path(JobActivationResult.self, json) == expected)
            // Foundation's decoder names no path for a number that does not fit; the SDK's does.
            if !json.contains(#""retries":3.5"#) { #expect(Self.path(JobActivationResult.self, json, foundation: true) == expected) }
        }
        #expect(Self.path(JobActivationResult.self, #"{"jobs":{}}"#) == "jobs")
        #expect(Self.path(JobActivationResult.self, #"{}"#) == "jobs")
    }

    @Test func searchPaths() {
        let cases: [(String, (String, String), Bool)] = [
            ("items[1].startDate", (#""startDate":"2024-06-05T08:29:15.027Z""#, #""startDate":"yesterday""#), false),
            ("items[1].endDate", (#""endDate":null"#, #""endDate":5"#), false),
            ("items[1].state", (#""state":"ACTIVE""#, #""state":null"#), false),
            ("items[1].tags[0]", (#""tags":["a","b"]"#, #""tags":[true]"#), false),
            ("items[1].processDefinitionVersion", (#""processDefinitionVersion":1"#, #""processDefinitionVersion":4294967296"#), false),
            ("items[1].hasIncident", (#""hasIncident":false,"#, ""), false),
            ("page.totalItems", (#""totalItems":1"#, #""totalItems":"1""#), true),
            ("page.startCursor", (#""startCursor":"a""#, #""startCursor":{}"#), true),
        ]
        for (expected, replace, inPage) in cases {
            let json = Self.searchJSON(replace, inPage: inPage)
            #expect(Self.path(ProcessInstanceSearchQueryResult.self, json) == expected, "\(json)")
            if !json.contains("4294967296") {
                #expect(Self.path(ProcessInstanceSearchQueryResult.self, json, foundation: true) == expected, "\(json)")
            }
        }
        #expect(Self.path(ProcessInstanceSearchQueryResult.self, Self.searchJSON(nil)) == "ok")
    }
}

/// The parser's reuse of member names and its sized dictionaries keep JSON's object rules.
@Suite struct ParserObjects {
    @Test func repeatedNamesKeepTheFirstValue() throws {
        // "ab1cd" and "ax1cd" share the parser's name-cache slot (same length, first, middle and last byte).
        let json = #"[{"ab1cd":1,"ax1cd":2,"ab1cd":3},{"ax1cd":4,"ab1cd":5,"ax1cd":6},{"a":{"a":1,"a":2},"a":3}]"#
        let value = try CamundaJSON.decode(JSONValue.self, from: Data(json.utf8))
        #expect(value == [["ab1cd": 1, "ax1cd": 2], ["ax1cd": 4, "ab1cd": 5], ["a": ["a": 1]]])
        #expect(value == (try CamundaJSON.makeDecoder().decode(JSONValue.self, from: Data(json.utf8))))
    }

    @Test func longEscapedAndNonASCIINames() throws {
        let long = String(repeating: "n", count: 40)
        let json = #"{"\#(long)":1,"\#(long)x":2,"a\"b":3,"a\u0041":4,"é✓":5,"":6,"x":-123456789012345678,"y":1234567890123456789,"z":-0}"#
        let value = try CamundaJSON.decode([String: JSONValue].self, from: Data(json.utf8))
        #expect(value == (try CamundaJSON.makeDecoder().decode([String: JSONValue].self, from: Data(json.utf8))))
        #expect(value["aA"] == 4 && value["é✓"] == 5 && value[""] == 6 && value["a\"b"] == 3)
        #expect(value["x"] == .int(-123_456_789_012_345_678) && value["y"] == .int(1_234_567_890_123_456_789) && value["z"] == .int(0))
    }
}
