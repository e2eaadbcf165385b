import CamundaAPI
import CamundaTesting
import Foundation
import Testing

@Suite("Embedded gateway: control routes")
struct ControlRouteTests {
    @Test("Seed, counts, jobs, faults and requests over HTTP")
    func controlRoutes() async throws {
        try await withGateway(.init(controlRoutes: true)) { gateway, client in
            let seeded = try await client.raw(
                "POST", "/_gateway/seed", body: Data(#"{"type": "bench", "count": 3, "variables": {"n": 1}}"#.utf8))
            #expect(seeded.status == 200)
            let keys = try CamundaJSON.decode([String: JSONValue].self, from: seeded.body)["jobKeys"]?.arrayValue ?? []
            #expect(keys.count == 3)

            _ = try await client.activateJobs(.make("bench", max: 1))
            let counts = try await client.raw("GET", "/_gateway/counts?type=bench")
            let decoded = try CamundaJSON.decode(JobCounts.self, from: counts.body)
            #expect(decoded.seeded == 3)
            #expect(decoded.activated == 1)
            #expect(decoded == gateway.counts(type: "bench"))

            let key = try #require(keys.first?.stringValue)
            let job = try CamundaJSON.decode(JobSnapshot.self, from: try await client.raw("GET", "/_gateway/jobs/\(key)").body)
            #expect(job.state == .activated)

            let fault = try await client.raw(
                "POST", "/_gateway/faults", body: Data(#"{"operation": "getTopology", "status": 503, "retryAfter": "1", "limit": 1}"#.utf8))
            #expect(fault.status == 204)
            let hit = try await client.raw("GET", "/v2/topology")
            #expect(hit.status == 503)
            #expect(hit.headers["retry-after"] == "1")
            #expect(try await client.raw("DELETE", "/_gateway/faults").status == 204)
            #expect(gateway.faultHits().isEmpty)

            let requests = try await client.raw("GET", "/_gateway/requests?limit=2")
            #expect(try CamundaJSON.decode([RecordedRequest].self, from: requests.body).count == 2)

            #expect(try await client.raw("POST", "/_gateway/job-types", body: Data(#"{"processId": "p", "type": "t"}"#.utf8)).status == 204)
            _ = try await client.createProcessInstance(
                ProcessInstanceCreationInstructionById(processDefinitionId: "p"))
            #expect(gateway.counts(type: "t").seeded == 1)
        }
    }
}
