@testable import CamundaOrchestration
import CamundaTesting
import Foundation
import Synchronization
import Testing

/// An in-memory `CamundaOperations`: records what the generated methods hand to `prepare` and
/// `send`, and answers each request with `reply(operationID)`.
private final class RecordingOperations: CamundaOperations {
    private let sent = Mutex<[OperationRequest]>([])
    private let preparedBodies = Mutex<[String]>([])
    /// Applied to every body in `prepare` (a custom conformer's own hook).
    private let stamp: String?

    init(stamp: String? = nil) { self.stamp = stamp }

    var requests: [OperationRequest] { sent.withLock { $0 } }
    /// `operationID: Body type` for every call of `prepare`, in order.
    var prepared: [String] { preparedBodies.withLock { $0 } }

    func prepare<Body: OperationBody>(_ request: inout OperationRequest, body: inout Body) {
        preparedBodies.withLock { $0.append("\(request.operationID): \(Body.self)") }
        if let stamp { body.applyDefaultTenant(stamp) }
    }

    func send(_ request: OperationRequest) async throws -> OperationResponse {
        sent.withLock { $0.append(request) }
        switch request.operationID {
        case "activateJobs": return OperationResponse(status: 200, body: Data(#"{"jobs":[]}"#.utf8))
        case "publishMessage": return OperationResponse(status: 200, body: Data(#"{"messageKey":"1","tenantId":"t"}"#.utf8))
        default: return OperationResponse(status: 204)
        }
    }
}

/// A blocking view of the recording operations.
private struct BlockingRecording: CamundaBlockingOperations {
    let asyncOperations: RecordingOperations
}

/// The JSON object a request sends (empty when it sends no body).
private func object(_ request: OperationRequest?) throws -> [String: JSONValue] {
    guard let data = try #require(request).bodyData else { return [:] }
    return try CamundaJSON.decode([String: JSONValue].self, from: data)
}

/// Runs blocking calls off Swift concurrency's thread pool.
private func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

@Suite("Typed request hooks (tenant, lease, long-poll hold)")
struct TypedRequestHookTests {
    // MARK: The hook

    @Test func generatedMethodsHandTheTypedBodyToPrepareBeforeEncoding() async throws {
        let operations = RecordingOperations(stamp: "from-hook")
        _ = try await operations.publishMessage(MessagePublicationRequest(name: "paid"))
        try await operations.completeJob(jobKey: "7")
        _ = try? await operations.createDeployment(resources: [MultipartFile(fileName: "p.bpmn", data: Data("<x/>".utf8))])
        _ = try? await operations.createProcessInstance(.byId(ProcessInstanceCreationInstructionById(processDefinitionId: "p")))
        #expect(
            operations.prepared == [
                "publishMessage: MessagePublicationRequest", "completeJob: Optional<JobCompletionRequest>",
                "createDeployment: FormTenant", "createProcessInstance: ProcessInstanceCreationInstruction",
            ])
        let requests = operations.requests
        // What the hook did to the typed value is what was encoded.
        #expect(try object(requests[0]) == ["name": "paid", "tenantId": "from-hook"])
        #expect(requests[1].bodyData == nil)  // no body, and a tenant does not create one
        let form = String(decoding: try #require(requests[2].bodyData), as: UTF8.self)
        #expect(form.contains("name=\"tenantId\"\r\n\r\nfrom-hook\r\n"))
        #expect(try object(requests[3])["tenantId"] == "from-hook")

        // The blocking variants call the same hook of their asynchronous operations.
        let blocking = BlockingRecording(asyncOperations: RecordingOperations(stamp: "blocking"))
        _ = try await offThePool { try blocking.publishMessage(MessagePublicationRequest(name: "paid")) }
        #expect(blocking.asyncOperations.prepared == ["publishMessage: MessagePublicationRequest"])
        #expect(try object(blocking.asyncOperations.requests.first)["tenantId"] == "blocking")
    }

    @Test func requestsRecordTheJobKeyAndTheLongPollHold() async throws {
        let operations = RecordingOperations()
        _ = try await operations.activateJobs(JobActivationRequest(type: "t", timeout: 1000, maxJobsToActivate: 1, requestTimeout: 1_500))
        _ = try await operations.activateJobs(JobActivationRequest(type: "t", timeout: 1000, maxJobsToActivate: 1))
        try await operations.completeJob(jobKey: "7", JobCompletionRequest(variables: ["a": 1]))
        try await operations.failJob(jobKey: "8")
        let requests = operations.requests
        #expect(requests.map(\.serverHoldMilliseconds) == [1_500, nil, nil, nil])
        #expect(requests.map(\.jobKey) == [nil, nil, "7", "8"])

        // The client-side bound comes from the recorded hold, not from the body.
        let http = try CamundaConfiguration(
            ["CAMUNDA_SDK_HTTP_LONG_POLL_MARGIN_MS": "2000", "CAMUNDA_SDK_HTTP_LONG_POLL_DEFAULT_MS": "20000"], environment: [:]
        ).http
        #expect(RequestBound.of(requests[0], http: http) == RequestBound(kind: .longPoll, duration: .milliseconds(3_500)))
        #expect(RequestBound.of(requests[1], http: http) == RequestBound(kind: .longPoll, duration: .seconds(22)))
        var handBuilt = requests[0]
        handBuilt.body = .json(Data(#"{"type":"t","requestTimeout":9000}"#.utf8))
        handBuilt.serverHoldMilliseconds = 100
        #expect(RequestBound.of(handBuilt, http: http).duration == .milliseconds(2_100))
        #expect(RequestBound.of(requests[2], http: http).kind == .acknowledgement)
    }

    // MARK: Lease tokens

    @Test func aJobsClientFencesOnlyItsOwnAcknowledgements() async throws {
        let recording = RecordingOperations()
        let client = JobClient(underlying: recording, jobKey: "7", leaseToken: "lease-7")
        try await client.completeJob(jobKey: "7")  // no body: one is created for the token
        #expect(client.hasAcknowledgedJob)
        try await client.failJob(jobKey: "7", JobFailRequest(retries: 1, errorMessage: "x"))
        try await client.throwJobError(jobKey: "8", JobErrorRequest(errorCode: "E"))  // another job
        try await client.completeUserTask(userTaskKey: "7")  // an acknowledgement, but not of a job
        try await client.updateJob(jobKey: "7", JobUpdateRequest(changeset: JobChangeset(retries: 2)))  // not an acknowledgement
        let requests = recording.requests
        #expect(try object(requests[0]) == ["jobLeaseToken": "lease-7"])
        #expect(try object(requests[1]) == ["retries": 1, "errorMessage": "x", "jobLeaseToken": "lease-7"])
        #expect(try object(requests[2]) == ["errorCode": "E"])
        #expect(requests[3].bodyData == nil)
        #expect(try object(requests[4])["jobLeaseToken"] == nil)

        // Acknowledging another job, or a user task, does not count as acknowledging this one.
        let other = JobClient(underlying: RecordingOperations(), jobKey: "7", leaseToken: "lease-7")
        try await other.throwJobError(jobKey: "8", JobErrorRequest(errorCode: "E"))
        try await other.completeUserTask(userTaskKey: "7")
        #expect(!other.hasAcknowledgedJob)

        // Without a lease, an acknowledgement without body stays without body.
        let plain = RecordingOperations()
        try await JobClient(underlying: plain, jobKey: "7").completeJob(jobKey: "7")
        #expect(plain.requests.first?.bodyData == nil)
    }

    @Test func theBlockingJobClientFencesAndMarksTheJobToo() async throws {
        let recording = RecordingOperations()
        let client = JobBlockingClient(JobClient(underlying: recording, jobKey: "7", leaseToken: "lease-7"))
        try await offThePool { try client.completeJob(jobKey: "7", JobCompletionRequest(variables: ["by": "thread"])) }
        #expect(client.asyncOperations.hasAcknowledgedJob)
        #expect(try object(recording.requests.first) == ["variables": ["by": "thread"], "jobLeaseToken": "lease-7"])
    }

    @Test func aJobsClientHandsTheBodyOnToTheWorkersClient() async throws {
        let transport = StubTransport { request, _ in
            request.operationID == "publishMessage" ? .json(200, #"{"messageKey":"1","tenantId":"tenant-a"}"#) : StubReply(status: 204)
        }
        let underlying = try CamundaClient.testing(["CAMUNDA_TENANT_ID": "tenant-a"], transport: transport)
        let client = JobClient(underlying: underlying, jobKey: "7", leaseToken: "lease-7")
        _ = try await client.publishMessage(MessagePublicationRequest(name: "paid"))
        try await client.completeJob(jobKey: "7")
        let sent = try transport.requests.map { try CamundaJSON.decode([String: JSONValue].self, from: $0.body ?? Data()) }
        #expect(sent == [["name": "paid", "tenantId": "tenant-a"], ["jobLeaseToken": "lease-7"]])
    }

    // MARK: Default tenant

    @Test func unionBodiesGetTheDefaultTenantInEveryBranch() async throws {
        let transport = StubTransport { _, _ in .problem(400, title: "INVALID_ARGUMENT") }
        let client = try CamundaClient.testing(["CAMUNDA_TENANT_ID": "tenant-a"], transport: transport)
        _ = try? await client.createProcessInstance(ProcessInstanceCreationInstructionById(processDefinitionId: "p"))
        _ = try? await client.createProcessInstance(ProcessInstanceCreationInstructionByKey(processDefinitionKey: "1", tenantId: "tenant-b"))
        _ = try? await client.createProcessInstance(.undocumented(["processDefinitionId": "q", "tenantId": .null]))
        _ = try? await client.createProcessInstance(.undocumented(["processDefinitionId": "q", "tenantId": "tenant-c"]))
        _ = try? await client.evaluateDecision(DecisionEvaluationById(decisionDefinitionId: "d"))
        let tenants = try transport.requests.map { try CamundaJSON.decode([String: JSONValue].self, from: $0.body ?? Data())["tenantId"] }
        #expect(tenants == ["tenant-a", "tenant-b", "tenant-a", "tenant-c", "tenant-a"])
    }

    @Test func handBuiltRequestsAreSentAsTheyAre() async throws {
        let transport = StubTransport { _, _ in .json(200, #"{"messageKey":"1","tenantId":"<default>"}"#) }
        let client = try CamundaClient.testing(["CAMUNDA_TENANT_ID": "tenant-a"], transport: transport)
        _ = try await client.send(
            OperationRequest(
                operationID: "publishMessage", method: "POST", path: "/messages/publication",
                body: .json(Data(#"{"name":"paid"}"#.utf8)), traits: [.defaultsTenant]))
        #expect(transport.requests.map(\.bodyText) == [#"{"name":"paid"}"#])

        // A job's client counts a hand-built acknowledgement of the job by its traits and job key.
        let recording = RecordingOperations()
        let jobClient = JobClient(underlying: recording, jobKey: "7", leaseToken: "lease-7")
        _ = try await jobClient.send(
            OperationRequest(operationID: "completeJob", method: "POST", path: "/jobs/7/completion", traits: [.acknowledgement]))
        #expect(!jobClient.hasAcknowledgedJob)  // no job key recorded: not recognised from the path
        _ = try await jobClient.send(
            OperationRequest(
                operationID: "completeJob", method: "POST", path: "/jobs/7/completion", traits: [.acknowledgement], jobKey: "7"))
        #expect(jobClient.hasAcknowledgedJob)
        #expect(recording.requests.allSatisfy { $0.bodyData == nil })  // the typed hook does not run for them
    }

    // MARK: Over the real transport

    /// A worker activating with a lease in a configured default tenant, against the embedded gateway:
    /// activations carry the tenant (so only that tenant's jobs arrive), handlers' own acknowledgements
    /// (made without a body, or with one) carry the job's lease token, and each job is acknowledged once.
    @Test func leaseTokensAndTheDefaultTenantReachTheGateway() async throws {
        let gateway = try await EmbeddedGateway.start()
        let client = try CamundaClient(
            configuration: ["CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString, "CAMUNDA_TENANT_ID": "tenant-a"],
            environment: [:], logger: quietLogger)
        do {
            gateway.seedJobs(type: "leased", count: 10, tenantId: "tenant-a")
            gateway.seedJobs(type: "leased", count: 5, tenantId: "tenant-b")
            gateway.seedJobs(type: "leased-thread", count: 10, tenantId: "tenant-a")
            try client.createJobWorker(config: WorkerConfig(jobType: "leased", jobTimeoutMilliseconds: 60_000, withLease: true)) {
                (job: ConnectedJobContext) async throws in
                try await job.client.completeJob(jobKey: job.jobKey)
            }
            try client.createJobWorker(config: WorkerConfig(jobType: "leased-thread", jobTimeoutMilliseconds: 60_000, withLease: true)) {
                (job: SyncJobContext) throws in
                try job.client.failJob(jobKey: job.jobKey, JobFailRequest(retries: 0, errorMessage: "by handler"))
            }
            try await WorkerGatewayTests.run(client, gateway, type: nil) { $0.completed == 10 && $0.incidents == 10 }

            let requests = gateway.requests()
            let activations = try requests.filter { $0.operationID == "activateJobs" }.map { try CamundaJSON.decode(JSONValue.self, from: $0.body) }
            #expect(!activations.isEmpty && activations.allSatisfy { $0["tenantIds"] == ["tenant-a"] && $0["withLease"] == true })
            let acknowledgements = requests.filter { ["completeJob", "failJob"].contains($0.operationID) }
            #expect(acknowledgements.count == 20 && acknowledgements.allSatisfy { $0.status == 204 })
            for request in acknowledgements {
                let body = try CamundaJSON.decode(JSONValue.self, from: request.body)
                let key = try #require(request.path.split(separator: "/").dropLast().last)
                #expect(body["jobLeaseToken"] == .string("lease-\(key)-1"))
            }
            #expect(gateway.jobs(type: "leased").filter { $0.tenantId == "tenant-b" }.allSatisfy { $0.completionCount == 0 })
            #expect(gateway.jobs(type: "leased").filter { $0.tenantId == "tenant-a" }.allSatisfy { $0.completionCount == 1 })
            #expect(gateway.jobs(type: "leased-thread").allSatisfy { $0.failureCount == 1 && $0.completionCount == 0 })
            #expect(gateway.counts().rejectedCommands == 0)
        } catch {
            try? await client.shutdown()
            try? await gateway.shutdown()
            throw error
        }
        try await client.shutdown()
        try await gateway.shutdown()
    }
}
