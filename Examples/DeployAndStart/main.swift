import CamundaOrchestration
import ExampleSupport
import Foundation

// `swift run example-deploy-and-start`: deploys order-process.bpmn (shipped as a resource of this
// target), starts three instances and runs workers for its two service tasks until every instance
// has shipped. Uses CAMUNDA_REST_ADDRESS when set, an embedded gateway otherwise.

ExampleEnvironment.bootstrapLogging()
let environment = try await ExampleEnvironment.start("example-deploy-and-start")
let client = environment.client

// 1. Deploy the BPMN file.
guard let bpmnURL = Bundle.module.url(forResource: "order-process", withExtension: "bpmn") else {
    fatalError("order-process.bpmn is missing from the bundle")
}
let deployment = try await client.createDeployment(
    resources: [try MultipartFile(contentsOf: bpmnURL, contentType: "application/xml")])
for process in deployment.deployments.compactMap(\.processDefinition) {
    print("Deployed \(process.processDefinitionId) version \(process.processDefinitionVersion) (key \(process.processDefinitionKey))")
}

// 2. Start three instances, by BPMN process id (the latest version).
let orders = ["A-1": 25.0, "A-2": 140.0, "A-3": 9.99]
for (orderId, total) in orders.sorted(by: { $0.key < $1.key }) {
    let instance = try await client.createProcessInstance(
        ProcessInstanceCreationInstructionById(
            processDefinitionId: "order-process", variables: ["orderId": .string(orderId), "total": .double(total)]))
    print("Started instance \(instance.processInstanceKey) for order \(orderId)")
}

// 3. Work the service tasks until every order has shipped.
let progress = ExampleProgress()
try client.createJobWorker(config: WorkerConfig(jobType: "payment", jobTimeoutMilliseconds: 30_000)) {
    (job: ConnectedJobContext) async throws -> [String: JSONValue] in
    let orderId = job.variables["orderId"]?.stringValue ?? "?"
    progress.record("charged order \(orderId)")
    return ["paymentId": .string("P-\(orderId)")]
}
try client.createJobWorker(config: WorkerConfig(jobType: "shipping", jobTimeoutMilliseconds: 30_000)) {
    (job: ConnectedJobContext) async throws -> [String: JSONValue] in
    let orderId = job.variables["orderId"]?.stringValue ?? "?"
    progress.record("shipped order \(orderId) (payment \(job.variables["paymentId"]?.stringValue ?? "?"))")
    return ["trackingNumber": .string("TRACK-\(orderId)")]
}
try await environment.runWorkers(until: { await progress.waitFor(orders.count * 2) })

// 4. What the engine says now (search is eventually consistent on a real cluster).
let completed = try await client.searchProcessInstances(
    ProcessInstanceSearchQuery(filter: ProcessInstanceFilter(processDefinitionId: "order-process", state: .exact(.completed))))
print("Done: \(progress.events.count) jobs handled; \(completed.items.count) completed order-process instance(s) visible")
try await environment.shutdown()
