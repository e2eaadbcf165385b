@testable import CamundaOrchestration
import CamundaTesting
import Foundation
import Logging
import Testing

private let orderBPMN = """
    <?xml version="1.0" encoding="UTF-8"?>
    <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs">
      <bpmn:process id="client-order" name="Client order" isExecutable="true">
        <bpmn:startEvent id="start" />
        <bpmn:serviceTask id="charge">
          <bpmn:extensionElements>
            <zeebe:taskDefinition type="client-payment" retries="3" />
          </bpmn:extensionElements>
        </bpmn:serviceTask>
        <bpmn:endEvent id="end" />
      </bpmn:process>
    </bpmn:definitions>
    """

/// Runs `body` with a started gateway and a `CamundaClient` (default AsyncHTTPClient transport) pointed at it.
private func withGatewayClient(
    gateway configuration: EmbeddedGateway.Configuration = .init(),
    values: [String: String] = [:],
    time: ManualTime = ManualTime(),
    sleeps: SleepLog? = nil,
    logger: LogCapture? = nil,
    _ body: (EmbeddedGateway, CamundaClient) async throws -> Void
) async throws {
    let gateway = try await EmbeddedGateway.start(configuration)
    var all = values
    all["CAMUNDA_REST_ADDRESS"] = gateway.restAddress.absoluteString
    if all["CAMUNDA_CLIENT_ID"] != nil { all["CAMUNDA_OAUTH_URL"] = gateway.oauthTokenURL.absoluteString }
    let client: CamundaClient
    do {
        client = try CamundaClient.testing(
            all, transport: nil, time: time, sleeps: sleeps, logger: logger?.logger() ?? .init(label: "camunda-test"))
    } catch {
        try await gateway.shutdown()
        throw error
    }
    do {
        try await body(gateway, client)
    } catch {
        try? await client.shutdown()
        try? await gateway.shutdown()
        throw error
    }
    try await client.shutdown()
    try await gateway.shutdown()
}

private func activation(_ type: String, max: Int32 = 10) -> JobActivationRequest {
    JobActivationRequest(type: type, worker: "client-tests", timeout: 60_000, maxJobsToActivate: max, requestTimeout: 1_000)
}

@Suite("CamundaClient against the embedded gateway")
struct ClientGatewayTests {
    @Test func activateCompleteFailAndThrowError() async throws {
        try await withGatewayClient { gateway, client in
            let keys = gateway.seedJobs(type: "client-jobs", count: 3, variables: ["amount": 42])
            let jobs = try await client.activateJobs(activation("client-jobs")).jobs
            #expect(jobs.map(\.jobKey) == keys)
            #expect(jobs.first?.variables == ["amount": 42])

            try await client.completeJob(jobKey: jobs[0].jobKey, JobCompletionRequest(variables: ["paid": true]))
            try await client.failJob(jobKey: jobs[1].jobKey, JobFailRequest(retries: 0, errorMessage: "card declined"))
            try await client.throwJobError(jobKey: jobs[2].jobKey, JobErrorRequest(errorCode: "NO_FUNDS"))

            let counts = gateway.counts(type: "client-jobs")
            #expect(counts.completed == 1)
            #expect(counts.incidents == 1)
            #expect(counts.errorThrown == 1)
            #expect(counts.duplicateCompletions == 0)

            // Completing again is rejected with a typed problem detail.
            let again = try await #require(throws: CamundaError.self) { try await client.completeJob(jobKey: jobs[0].jobKey) }
            #expect(again.status == 404 || again.status == 409)
            #expect(again.problem?.detail?.contains(jobs[0].jobKey.rawValue) == true)
            #expect(again.operationID == "completeJob")
        }
    }

    @Test func publishMessage() async throws {
        try await withGatewayClient { gateway, client in
            _ = try await client.publishMessage(
                MessagePublicationRequest(name: "order-paid", correlationKey: "A-1", variables: ["ok": true]))
            #expect(gateway.messages().map(\.name) == ["order-paid"])
            #expect(gateway.messages().first?.correlationKey == "A-1")
        }
    }

    @Test func deployReadDefinitionCreateInstanceAndDownload() async throws {
        try await withGatewayClient { gateway, client in
            let deployment = try await client.createDeployment(
                resources: [
                    MultipartFile(fileName: "order.bpmn", data: Data(orderBPMN.utf8), contentType: "application/xml"),
                    MultipartFile(fileName: "blob.bin", data: Data([0, 1, 2, 254, 255])),
                ])
            let process = try #require(deployment.deployments.compactMap(\.processDefinition).first)
            #expect(process.processDefinitionId == "client-order")
            let multipart = try #require(gateway.requests().first { $0.operationID == "createDeployment" })
            #expect(multipart.contentType?.hasPrefix("multipart/form-data; boundary=") == true)

            let definition = try await client.getProcessDefinition(processDefinitionKey: process.processDefinitionKey)
            #expect(definition.processDefinitionId == "client-order")
            #expect(definition.processDefinitionKey == process.processDefinitionKey)
            #expect(try await client.getProcessDefinitionXML(processDefinitionKey: process.processDefinitionKey) == orderBPMN)

            let instance = try await client.createProcessInstance(
                ProcessInstanceCreationInstructionById(processDefinitionId: "client-order", variables: ["orderId": "A-1"]))
            #expect(instance.processDefinitionKey == process.processDefinitionKey)
            let job = try #require(try await client.activateJobs(activation("client-payment")).jobs.first)
            #expect(job.processInstanceKey == instance.processInstanceKey)

            let blob = try #require(deployment.deployments.compactMap(\.resource).first)
            #expect(try await client.getResourceContentBinary(resourceKey: blob.resourceKey) == Data([0, 1, 2, 254, 255]))
        }
    }

    @Test func paginatedSearchAcrossSeveralPages() async throws {
        try await withGatewayClient { gateway, client in
            let keys = gateway.seedJobs(type: "client-paged", count: 25)
            gateway.seedJobs(type: "client-other", count: 4)
            gateway.clearRequests()
            let found = try await client.paginate(JobSearchQuery(filter: JobFilter(type: "client-paged")), pageSize: 10) {
                client, query in try await client.searchJobs(query)
            }.collect()
            #expect(found.map(\.jobKey) == keys)
            #expect(gateway.requests().filter { $0.operationID == "searchJobs" }.count == 3)

            let waited = try await client.waitUntil(timeout: .seconds(5), pollInterval: .milliseconds(10)) {
                try await client.searchJobs(JobSearchQuery(filter: JobFilter(type: "client-other")))
            }
            #expect(waited.items.count == 4)
        }
    }

    @Test func notFoundIsATypedProblemDetail() async throws {
        try await withGatewayClient { gateway, client in
            let error = try await #require(throws: CamundaError.self) {
                try await client.getProcessInstance(processInstanceKey: "2251799813685999")
            }
            #expect(error.kind == .http)
            #expect(error.status == 404)
            #expect(error.operationID == "getProcessInstance")
            let problem = try #require(error.problem)
            #expect(problem.status == 404)
            #expect(problem.title != nil)
            #expect(gateway.requests().count == 1)  // not retried
        }
    }

    @Test func invalidBodyIsA400AndNotRetried() async throws {
        try await withGatewayClient { gateway, client in
            let request = OperationRequest(
                operationID: "publishMessage", method: "POST", path: "/messages/publication",
                body: .json(Data(#"{"name": 5, "timeToLive": "soon"}"#.utf8)))
            let error = try await #require(throws: CamundaError.self) {
                try await client.perform(request, success: [200])
            }
            #expect(error.status == 400)
            #expect(error.problem?.status == 400)
            #expect(gateway.requests().count == 1)
        }
    }

    @Test func oauthAgainstTheGatewayTokenEndpoint() async throws {
        let logs = LogCapture()
        let gatewayConfiguration = EmbeddedGateway.Configuration(
            authentication: .oauth, oauth: .init(clientID: "swift-sdk", clientSecret: "gateway-s3cret"))
        try await withGatewayClient(
            gateway: gatewayConfiguration,
            values: ["CAMUNDA_CLIENT_ID": "swift-sdk", "CAMUNDA_CLIENT_SECRET": "gateway-s3cret"], logger: logs
        ) { gateway, client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 { group.addTask { _ = try await client.getTopology() } }
                try await group.waitForAll()
            }
            #expect(gateway.tokenRequestCount == 1)

            gateway.revokeTokens()
            _ = try await client.getTopology()  // 401, new token, one retry
            #expect(gateway.tokenRequestCount == 2)
            let unauthorized = gateway.requests().filter { $0.status == 401 }
            #expect(unauthorized.count == 1)

            for line in logs.lines { #expect(!line.contains("gateway-s3cret")) }
        }
    }

    @Test func wrongOAuthSecretIsATypedErrorWithoutTheSecret() async throws {
        let gatewayConfiguration = EmbeddedGateway.Configuration(authentication: .oauth)
        try await withGatewayClient(
            gateway: gatewayConfiguration, values: ["CAMUNDA_CLIENT_ID": "test-client", "CAMUNDA_CLIENT_SECRET": "wr0ng-secret"]
        ) { _, client in
            let error = try await #require(throws: CamundaError.self) { try await client.getTopology() }
            #expect(error.operationID == "getTopology")
            #expect(error.status != nil)
            #expect(!error.description.contains("wr0ng-secret"))
        }
    }

    @Test func thirtyPercent503sStillSucceedWithinTheRetryBudget() async throws {
        try await withGatewayClient(values: ["CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "10"]) { gateway, client in
            gateway.inject(Fault(.publishMessage, .status(503), rate: 0.3, seed: 42))
            for index in 0..<60 {
                _ = try await client.publishMessage(MessagePublicationRequest(name: "m-\(index)"))
            }
            #expect(gateway.messages().count == 60)
            let hits = gateway.faultHits().first ?? 0
            #expect(hits > 5)
            #expect(client.backpressureState.totalSignals == hits)
        }
    }

    @Test func retryAfterFromTheGatewayIsHonoured() async throws {
        let sleeps = SleepLog()
        try await withGatewayClient(sleeps: sleeps) { gateway, client in
            gateway.inject(Fault(.getTopology, .status(429, retryAfter: "2"), limit: 1))
            _ = try await client.getTopology()
            #expect(sleeps.sleeps.contains(.seconds(2)))
            #expect(gateway.requests().filter { $0.operationID == "getTopology" }.count == 2)
        }
    }

    @Test func aResponseSlowerThanTheRequestTimeoutIsATimeoutAndRetried() async throws {
        let gateway = try await EmbeddedGateway.start()
        var configuration = try CamundaConfiguration(
            ["CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString], environment: [:])
        configuration.http.requestTimeout = .milliseconds(300)
        let client = try CamundaClient(configuration)
        gateway.inject(Fault(.getTopology, .delay(milliseconds: 1_500), limit: 1))
        let topology = try await client.getTopology()
        #expect(topology.clusterSize >= 1)
        // The first attempt was cut at its bound and retried: had the client waited for the delayed
        // response, it would have sent one request, not two. (Counted, not timed: a loaded machine
        // stretches wall time, not the number of attempts.)
        #expect(gateway.requests().filter { $0.operationID == "getTopology" }.count == 2)
        configuration.retry.maxAttempts = 1
        let single = try CamundaClient(configuration)
        gateway.inject(Fault(.getTopology, .delay(milliseconds: 1_500), limit: 1))
        let error = try await #require(throws: CamundaError.self) { try await single.getTopology() }
        #expect(error.kind == .timeout)
        try await single.shutdown()
        try await client.shutdown()
        try await gateway.shutdown()
    }

    @Test func droppedConnectionsAreRetried() async throws {
        try await withGatewayClient { gateway, client in
            gateway.inject(Fault(.getTopology, .dropConnection, limit: 1))
            let topology = try await client.getTopology()
            #expect(topology.clusterSize >= 1)
            #expect(gateway.faultHits() == [1])
        }
    }

    @Test func backpressurePermitsShrinkUnder429sAndRecover() async throws {
        let time = ManualTime()
        try await withGatewayClient(values: ["CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "1"], time: time) { gateway, client in
            gateway.setJobType("bp", forProcess: "bp-process")
            gateway.inject(Fault(.createProcessInstance, .status(429), limit: 6))
            let instruction = ProcessInstanceCreationInstructionById(processDefinitionId: "bp-process")
            for _ in 0..<6 { _ = try? await client.createProcessInstance(instruction) }
            #expect(client.backpressureState.permitLimit == 1)
            _ = try await client.createProcessInstance(instruction)
            time.advance(by: .seconds(5))
            #expect(client.backpressureState.permitLimit == 5)
            time.advance(by: .seconds(30))
            #expect(client.backpressureState.permitLimit == nil)
        }
    }
}
