import CamundaOrchestration
import CamundaTesting
import Foundation
import Testing

/// The README's code, run for real against the embedded gateway over loopback, so its snippets
/// cannot rot. Keep the bodies of `quickStartWorker` and `typedCalls` identical to README.md.
@Suite struct ReadmeTests {
    func handleJob(_ job: ConnectedJobContext) async throws -> [String: JSONValue] {
        job.log.info("Processing job \(job.jobKey)")
        return ["result": "processed"]
    }

    @Test func quickStartWorker() async throws {
        let gateway = try await EmbeddedGateway.start()
        let keys = gateway.seedJobs(type: "my-service-task", count: 3)
        let client = try CamundaClient(configuration: ["CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString], environment: [:])

        // README: "Using it"
        try client.createJobWorker(
            config: WorkerConfig(jobType: "my-service-task", jobTimeoutMilliseconds: 30_000),
            callback: handleJob)
        let workers = Task { try await client.runWorkers() }

        try await gateway.waitUntil(type: "my-service-task", timeout: .seconds(30)) { $0.completed == 3 }
        workers.cancel()
        try await workers.value
        for key in keys {
            let snapshot = try #require(gateway.job(key))
            #expect(snapshot.completionCount == 1)
        }
        try await client.shutdown()
        try await gateway.shutdown()
    }

    @Test func typedCalls() async throws {
        let gateway = try await EmbeddedGateway.start()
        gateway.setJobType("payment", forProcess: "order-process")
        let client = try CamundaClient(configuration: ["CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString], environment: [:])

        // README: typed calls
        let instance = try await client.createProcessInstance(
            ProcessInstanceCreationInstructionById(processDefinitionId: "order-process", variables: ["orderId": "A-1"]))
        let jobs = try await client.searchJobs(JobSearchQuery(filter: JobFilter(state: .exact(.created), type: "payment")))

        #expect(jobs.items.contains { $0.processInstanceKey == instance.processInstanceKey })
        try await client.shutdown()
        try await gateway.shutdown()
    }
}
