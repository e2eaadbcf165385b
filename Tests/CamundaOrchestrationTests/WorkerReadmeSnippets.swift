// The code of the "Job workers" section of README.md, compiled by CI. Keep the two in step.
import CamundaOrchestration
import Foundation
import Logging

enum WorkerReadmeSnippets {
    // MARK: Quick start

    static func handleJob(_ job: ConnectedJobContext) async throws -> [String: JSONValue] {
        job.log.info("Processing job \(job.jobKey)")
        return ["result": "processed"]
    }

    static func quickStart() async throws {
        let client = try CamundaClient()
        try client.createJobWorker(
            config: WorkerConfig(jobType: "my-service-task", jobTimeoutMilliseconds: 30_000),
            callback: handleJob)
        try await client.runWorkers()
    }

    // MARK: Context types per strategy

    static func asyncHandler(_ job: ConnectedJobContext) async throws -> [String: JSONValue] {
        let orderId = job.variables["orderId"]?.stringValue ?? "unknown"
        _ = try await job.client.publishMessage(
            MessagePublicationRequest(name: "order-processed", correlationKey: orderId))
        return ["published": true]
    }

    static func threadHandler(_ job: SyncJobContext) throws -> [String: JSONValue] {
        let orderId = job.variables["orderId"]?.stringValue ?? "unknown"
        _ = try job.client.publishMessage(MessagePublicationRequest(name: "order-processed", correlationKey: orderId))
        return ["published": true]
    }

    static func processHandler(_ job: JobContext) throws -> [String: JSONValue] {
        let numbers = try job.variable("numbers", as: [Int].self) ?? []
        return ["sum": .int(Int64(numbers.reduce(0, +)))]
    }

    static func strategies(_ client: CamundaClient) throws {
        try client.createJobWorker(
            config: WorkerConfig(jobType: "publish-async", jobTimeoutMilliseconds: 30_000), callback: asyncHandler)
        try client.createJobWorker(
            config: WorkerConfig(jobType: "publish-blocking", jobTimeoutMilliseconds: 30_000),
            executionStrategy: .thread, callback: threadHandler)
        try client.createJobWorker(
            config: WorkerConfig(jobType: "sum", jobTimeoutMilliseconds: 30_000),
            executionStrategy: .process, callback: processHandler)
        // Does not compile: a handler that wants a client cannot run in another process.
        // try client.createJobWorker(config: ..., executionStrategy: .process, callback: asyncHandler)
    }

    // MARK: Typed variables

    struct Order: Codable, Sendable {
        var orderId: String
        var amount: Double
    }

    struct Receipt: Codable, Sendable {
        var orderId: String
        var charged: Double
    }

    static func charge(_ job: ConnectedJobContext) async throws -> Receipt {
        let order = try job.variables(as: Order.self)
        job.log.info("Charging \(order.amount) for \(order.orderId)")
        return Receipt(orderId: order.orderId, charged: order.amount)
    }

    // MARK: Configuration and heritable defaults

    static func configuration() throws {
        // CAMUNDA_WORKER_TIMEOUT=30000 CAMUNDA_WORKER_MAX_CONCURRENT_JOBS=32 in the environment, or:
        let client = try CamundaClient(configuration: [
            "CAMUNDA_WORKER_TIMEOUT": "30000",
            "CAMUNDA_WORKER_MAX_CONCURRENT_JOBS": "32",
            "CAMUNDA_WORKER_NAME": "billing",
        ])
        let worker = try client.createJobWorker(
            config: WorkerConfig(jobType: "charge", maxConcurrentJobs: 4, fetchVariables: ["orderId", "amount"]),
            startupJitterMaxSeconds: 2,
            callback: charge)
        assert(worker.config.jobTimeoutMilliseconds == 30_000)  // inherited
        assert(worker.config.maxConcurrentJobs == 4)  // the worker's own value wins
    }

    // MARK: Failing a job, BPMN errors

    static func validateOrder(_ job: ConnectedJobContext) async throws -> [String: JSONValue] {
        guard job.variables["customerId"] != nil else {
            throw JobFailure(message: "Missing required field", retries: 2, retryBackOff: 5000)
        }
        return ["valid": true]
    }

    static func checkAmount(_ job: ConnectedJobContext) async throws -> [String: JSONValue] {
        let amount = job.variables["amount"]?.doubleValue ?? 0
        if amount > 1000 {
            throw JobError(errorCode: "AMOUNT_TOO_HIGH", message: "Order amount exceeds the approval limit")
        }
        return ["approved": true]
    }

    // MARK: Job corrections (user-task listeners)

    static func correctTask(_ job: ConnectedJobContext) async throws -> JobCompletionRequest {
        JobCompletionRequest(
            result: .userTask(
                JobResultUserTask(corrections: JobResultCorrections(assignee: "corrected-user", priority: 80))))
    }

    static func denyTask(_ job: ConnectedJobContext) async throws -> JobCompletionRequest {
        JobCompletionRequest(result: .userTask(JobResultUserTask(denied: true, deniedReason: "Assignee is on leave")))
    }

    // MARK: Running workers in your own ServiceGroup

    static func serviceGroup(_ client: CamundaClient, logger: Logger) async throws {
        let worker = try client.createJobWorker(
            config: WorkerConfig(jobType: "my-service-task", jobTimeoutMilliseconds: 30_000), callback: handleJob)
        worker.shutdownGracePeriod = .seconds(10)
        // let group = ServiceGroup(services: [worker, httpServer], gracefulShutdownSignals: [.sigterm], logger: logger)
        // try await group.run()
        _ = worker
    }
}
