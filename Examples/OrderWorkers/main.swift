import CamundaOrchestration
import CamundaTesting
import ExampleSupport
import Foundation

// `swift run example-order-workers`: the order-processing worker set. Deploys an order-fulfilment
// process (validate → check amount → charge payment → notify customer), starts four orders and runs
// one worker per task: async handlers, a `.thread` handler with a typed result, a `JobFailure`, a
// `JobError` and a message published from a handler. Exits when every order reached an outcome.

ExampleEnvironment.bootstrapLogging()
let environment = try await ExampleEnvironment.start("example-order-workers")
let client = environment.client

let bpmn = """
    <?xml version="1.0" encoding="UTF-8"?>
    <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                      xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="fulfilment" targetNamespace="http://camunda.org/examples">
      <bpmn:process id="order-fulfilment" isExecutable="true">
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="validate" />
        <bpmn:serviceTask id="validate"><bpmn:extensionElements><zeebe:taskDefinition type="validate-order" /></bpmn:extensionElements></bpmn:serviceTask>
        <bpmn:sequenceFlow id="f2" sourceRef="validate" targetRef="check" />
        <bpmn:serviceTask id="check"><bpmn:extensionElements><zeebe:taskDefinition type="check-amount" /></bpmn:extensionElements></bpmn:serviceTask>
        <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="charge" />
        <bpmn:serviceTask id="charge"><bpmn:extensionElements><zeebe:taskDefinition type="charge-payment" /></bpmn:extensionElements></bpmn:serviceTask>
        <bpmn:sequenceFlow id="f4" sourceRef="charge" targetRef="notify" />
        <bpmn:serviceTask id="notify"><bpmn:extensionElements><zeebe:taskDefinition type="notify-customer" /></bpmn:extensionElements></bpmn:serviceTask>
        <bpmn:sequenceFlow id="f5" sourceRef="notify" targetRef="end" />
        <bpmn:endEvent id="end" />
      </bpmn:process>
    </bpmn:definitions>
    """
_ = try await client.createDeployment(
    resources: [MultipartFile(fileName: "order-fulfilment.bpmn", data: Data(bpmn.utf8), contentType: "application/xml")])
print("Deployed order-fulfilment")

let orders = [
    Order(orderId: "A-1", customerId: "C-7", amount: 49.9),
    Order(orderId: "A-2", customerId: "C-8", amount: 320),
    Order(orderId: "A-3", customerId: nil, amount: 12),  // fails validation: JobFailure, no retries
    Order(orderId: "A-4", customerId: "C-9", amount: 5_000),  // needs approval: JobError
]
for order in orders {
    let instance = try await client.createProcessInstance(
        ProcessInstanceCreationInstructionById(processDefinitionId: "order-fulfilment", variables: try order.variables))
    print("Started order \(order.orderId): instance \(instance.processInstanceKey)")
}

let handlers = OrderHandlers()
let timeout: Int64 = 30_000
try client.createJobWorker(config: WorkerConfig(jobType: "validate-order", jobTimeoutMilliseconds: timeout)) {
    (job: ConnectedJobContext) async throws in try handlers.validateOrder(job)
}
try client.createJobWorker(config: WorkerConfig(jobType: "check-amount", jobTimeoutMilliseconds: timeout)) {
    (job: ConnectedJobContext) async throws in try handlers.checkAmount(job)
}
try client.createJobWorker(
    config: WorkerConfig(jobType: "charge-payment", jobTimeoutMilliseconds: timeout, maxConcurrentJobs: 2),
    executionStrategy: .thread, callback: handlers.chargePayment)
try client.createJobWorker(
    config: WorkerConfig(jobType: "notify-customer", jobTimeoutMilliseconds: timeout), callback: handlers.notifyCustomer)
print("Running \(client.jobWorkers.count) workers")

try await environment.runWorkers(until: { await handlers.progress.waitFor(orders.count) })

if let gateway = environment.gateway {
    let counts = gateway.counts()
    print("Gateway saw: \(counts.completed) completed, \(counts.incidents) incident(s), \(counts.errorThrown) BPMN error(s); \(gateway.messages().count) message(s) published")
}
print("Done: \(handlers.progress.events.count) of \(orders.count) orders reached an outcome")
try await environment.shutdown()
