import CamundaAPI
import CamundaTesting
import Foundation
import Testing

@Suite("Embedded gateway: validation, routing, messages, topology, recording")
struct ProtocolTests {
    @Test("A body that does not decode gets 400 with a problem detail", arguments: [
        (#"{"type": "x", "maxJobsToActivate": 1}"#, "timeout"),
        (#"{"type": 5, "timeout": 1, "maxJobsToActivate": 1}"#, "type"),
        (#"not json"#, "JSON"),
        (#"{"type": "", "timeout": 1, "maxJobsToActivate": 1}"#, "type"),
        (#"{"type": "x", "timeout": 1, "maxJobsToActivate": 0}"#, "maxJobsToActivate"),
    ])
    func invalidBody(body: String, mentioned: String) async throws {
        try await withGateway { gateway, client in
            let response = try await client.raw("POST", "/v2/jobs/activation", body: Data(body.utf8))
            #expect(response.status == 400)
            #expect(response.contentType == "application/problem+json")
            let problem = try CamundaJSON.decode(ProblemDetail.self, from: response.body)
            #expect(problem.title == "INVALID_ARGUMENT")
            #expect(problem.status == 400)
            #expect(problem.instance == "/v2/jobs/activation")
            #expect(problem.detail?.contains(mentioned) == true, "\(problem.detail ?? "")")
            #expect(gateway.requests().last?.status == 400)
        }
    }

    @Test("A missing body gets 400; an empty completion body is fine")
    func missingBody() async throws {
        try await withGateway { gateway, client in
            let response = try await client.raw("POST", "/v2/messages/publication")
            #expect(response.status == 400)
            let key = try #require(gateway.seedJobs(type: "t").first)
            let completion = try await client.raw("POST", "/v2/jobs/\(key)/completion")
            #expect(completion.status == 204)
        }
    }

    @Test("Unknown routes get 404 problem details", arguments: ["/v2/nothing", "/v3/jobs", "/", "/v2/jobs/1/completion/extra"])
    func unknownRoute(path: String) async throws {
        try await withGateway { _, client in
            let response = try await client.raw("GET", path)
            #expect(response.status == 404)
            let problem = try CamundaJSON.decode(ProblemDetail.self, from: response.body)
            #expect(problem.title == "NOT_FOUND")
        }
    }

    @Test("Control routes are off unless configured")
    func controlRoutesOff() async throws {
        try await withGateway { _, client in
            let response = try await client.raw("GET", "/_gateway/counts")
            #expect(response.status == 404)
        }
    }

    @Test("Topology and status")
    func topologyAndStatus() async throws {
        try await withGateway { gateway, client in
            let topology = try await client.getTopology()
            #expect(topology.brokers.first?.port == Int32(gateway.port))
            #expect(topology.partitionsCount == 1)
            try await client.getStatus()
        }
    }

    @Test("Message publications are recorded; correlations get 404")
    func messages() async throws {
        try await withGateway { gateway, client in
            let result = try await client.publishMessage(
                MessagePublicationRequest(name: "order-paid", correlationKey: "A-1", variables: ["ok": true]))
            #expect(result.tenantId == "<default>")
            #expect(gateway.messages().map(\.name) == ["order-paid"])
            #expect(gateway.messages().first?.variables == ["ok": true])
            let error = try await expectCamundaError {
                _ = try await client.correlateMessage(MessageCorrelationRequest(name: "x", correlationKey: "1"))
            }
            #expect(error.status == 404)
            #expect(gateway.correlations().count == 1)
        }
    }

    @Test("Requests are recorded with the Authorization value redacted and bodies capped")
    func recording() async throws {
        try await withGateway(.init(recordedBodyLimit: 8)) { gateway, client in
            _ = try await client.raw(
                "POST", "/v2/messages/publication", body: Data(#"{"name": "a-long-message-name"}"#.utf8),
                headers: ["Authorization": "Bearer secret-token-value"])
            let request = try #require(gateway.requests().last)
            #expect(request.method == "POST")
            #expect(request.path == "/v2/messages/publication")
            #expect(request.operationID == "publishMessage")
            #expect(request.status == 200)
            #expect(request.contentType == "application/json")
            #expect(request.body.count == 8)
            #expect(request.bodySize > 8)
            #expect(request.header("authorization") == "Bearer <redacted>")
            #expect(!request.headers.contains { $0.value.contains("secret-token-value") })
            gateway.clearRequests()
            #expect(gateway.requests().isEmpty)
        }
    }

    @Test("Keep-alive connections carry many requests")
    func keepAlive() async throws {
        try await withGateway { gateway, client in
            gateway.seedJobs(type: "k", count: 50)
            for _ in 0..<50 {
                let job = try #require(try await client.activateJobs(.make("k", max: 1)).jobs.first)
                try await client.completeJob(jobKey: job.jobKey)
            }
            #expect(gateway.counts(type: "k").completed == 50)
        }
    }
}
