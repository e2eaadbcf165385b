@testable import CamundaOrchestration
import Foundation
import Testing

@Suite("Default tenant (CAMUNDA_TENANT_ID)")
struct DefaultTenantTests {
    private func client(tenant: String?, _ transport: StubTransport) throws -> CamundaClient {
        try CamundaClient.testing(tenant.map { ["CAMUNDA_TENANT_ID": $0] } ?? [:], transport: transport)
    }

    private func body(_ request: SeenRequest) throws -> [String: JSONValue] {
        try CamundaJSON.decode([String: JSONValue].self, from: request.body ?? Data())
    }

    @Test func fillsTenantIdWhereTheCallerLeftItOut() async throws {
        let transport = StubTransport { _, _ in .json(200, #"{"messageKey":"1","tenantId":"tenant-a"}"#) }
        let client = try client(tenant: "tenant-a", transport)
        _ = try await client.publishMessage(MessagePublicationRequest(name: "paid", correlationKey: "o-1"))
        _ = try await client.publishMessage(MessagePublicationRequest(name: "paid", correlationKey: "o-2", tenantId: "tenant-b"))
        let sent = try transport.requests(operation: "publishMessage").map(body)
        #expect(sent.map { $0["tenantId"] } == [.string("tenant-a"), .string("tenant-b")])
        #expect(sent[0]["name"] == .string("paid") && sent[0]["correlationKey"] == .string("o-1"))
    }

    @Test func fillsTenantIdsOfJobActivation() async throws {
        let transport = StubTransport { _, _ in .json(200, #"{"jobs":[]}"#) }
        let client = try client(tenant: "tenant-a", transport)
        _ = try await client.activateJobs(JobActivationRequest(type: "t", timeout: 1000, maxJobsToActivate: 1))
        _ = try await client.activateJobs(
            JobActivationRequest(type: "t", timeout: 1000, maxJobsToActivate: 1, tenantIds: ["tenant-b"]))
        let sent = try transport.requests(operation: "activateJobs").map(body)
        #expect(sent.map { $0["tenantIds"] } == [.array(["tenant-a"]), .array(["tenant-b"])])
    }

    @Test func addsATenantPartToDeployments() async throws {
        let transport = StubTransport { _, _ in
            .json(200, #"{"deploymentKey":"1","tenantId":"tenant-a","deployments":[]}"#)
        }
        let client = try client(tenant: "tenant-a", transport)
        _ = try? await client.createDeployment(resources: [MultipartFile(fileName: "p.bpmn", data: Data("<x/>".utf8))])
        let text = try #require(transport.requests(operation: "createDeployment").first).bodyText
        #expect(text.contains("name=\"tenantId\"\r\n\r\ntenant-a\r\n"))
    }

    @Test func leavesOtherOperationsAndUnconfiguredClientsAlone() async throws {
        let transport = StubTransport { _, _ in .json(200, #"{"messageKey":"1","tenantId":"<default>"}"#) }
        _ = try await client(tenant: "tenant-a", transport).send(
            OperationRequest(operationID: "updateJob", method: "PATCH", path: "/jobs/1", body: .json(Data(#"{"changeset":{}}"#.utf8))))
        _ = try await client(tenant: nil, transport).publishMessage(MessagePublicationRequest(name: "paid"))
        #expect(transport.requests.map(\.bodyText) == [#"{"changeset":{}}"#, #"{"name":"paid"}"#])
    }
}
