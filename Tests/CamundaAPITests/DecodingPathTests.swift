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
