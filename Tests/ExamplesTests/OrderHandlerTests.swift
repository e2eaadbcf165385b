import CamundaOrchestration
import CamundaTesting
import ExampleSupport
import Foundation
import Testing

/// Unit tests of the example handlers: the way to test your own handlers.
@Suite struct OrderHandlerTests {
    /// A job as the worker would hand it to a handler, without a server.
    static func job(_ variables: [String: JSONValue], type: String = "validate-order") -> JobContext {
        JobContext(
            job: ActivatedJobResult(
                type: type, processDefinitionId: "order-fulfilment", processDefinitionVersion: 1, elementId: "validate",
                customHeaders: [:], worker: "test", retries: 3, deadline: 0, variables: variables, tenantId: "<default>",
                physicalTenantId: nil, jobKey: "2251799813685249", processInstanceKey: "2251799813685250",
                processDefinitionKey: "2251799813685251", elementInstanceKey: "2251799813685252", kind: .bpmnElement,
                listenerEventType: .unspecified, userTask: nil, tags: [], rootProcessInstanceKey: nil, businessId: nil,
                priority: nil, jobLeaseToken: nil))
    }

    @Test func validOrderPassesValidation() throws {
        let handlers = OrderHandlers()
        let variables = try handlers.validateOrder(Self.job(["orderId": "A-1", "customerId": "C-1", "amount": 10]))
        #expect(variables == ["validated": true])
    }

    @Test func orderWithoutCustomerFailsWithoutRetries() throws {
        let handlers = OrderHandlers()
        let failure = try #require(throws: JobFailure.self) {
            try handlers.validateOrder(Self.job(["orderId": "A-3", "amount": 10]))
        }
        #expect(failure.retries == 0)
        #expect(failure.message.contains("A-3"))
    }

    @Test(arguments: [(999.0, false), (1000.0, false), (1000.01, true), (5000.0, true)])
    func largeAmountsRaiseABPMNError(_ amount: Double, _ raises: Bool) throws {
        let handlers = OrderHandlers()
        let job = Self.job(["orderId": "A-4", "customerId": "C-9", "amount": .double(amount)], type: "check-amount")
        if raises {
            let error = try #require(throws: JobError.self) { try handlers.checkAmount(job) }
            #expect(error.errorCode == "AMOUNT_TOO_HIGH")
        } else {
            #expect(try handlers.checkAmount(job) == ["approved": true])
        }
    }

    /// The handler that calls the API, run by a real worker against the embedded gateway.
    @Test func notifyCustomerPublishesAMessageAndCompletes() async throws {
        let gateway = try await EmbeddedGateway.start()
        let client = try CamundaClient(configuration: ["CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString], environment: [:])
        let handlers = OrderHandlers()
        try client.createJobWorker(
            config: WorkerConfig(jobType: "notify-customer", jobTimeoutMilliseconds: 30_000), callback: handlers.notifyCustomer)
        let keys = gateway.seedJobs(
            type: "notify-customer", variables: ["orderId": "A-1", "customerId": "C-1", "amount": 10, "paymentId": "P-1"])

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.runWorkers() }
            try await gateway.waitUntil(type: "notify-customer") { $0.completed == 1 }
            group.cancelAll()
            try await group.waitForAll()
        }

        let job = try #require(gateway.job(keys[0]))
        #expect(job.lastCompletion?.variables == ["notified": true])
        let message = try #require(gateway.messages().first)
        #expect(message.name == "order-processed")
        #expect(message.correlationKey == "A-1")
        #expect(message.variables?["paymentId"] == "P-1")
        try await client.shutdown()
        try await gateway.shutdown()
    }

    @Test func listenerDeniesInternsAndCorrectsOthers() async throws {
        let gateway = try await EmbeddedGateway.start()
        let client = try CamundaClient(configuration: ["CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString], environment: [:])
        let review = AssignmentReview()
        try client.createJobWorker(
            config: WorkerConfig(jobType: "review-assignment", jobTimeoutMilliseconds: 30_000), callback: review.review)
        func seed(_ assignee: String) -> JobKey {
            let task = UserTaskProperties(
                action: "assign", assignee: assignee, candidateGroups: [], candidateUsers: [], changedAttributes: ["assignee"],
                dueDate: nil, followUpDate: nil, formKey: nil, priority: 50, userTaskKey: "4242")
            return gateway.seedJobs(type: "review-assignment", kind: .taskListener, listenerEventType: .assigning, userTask: task)[0]
        }
        let intern = seed("intern")
        let alice = seed("Alice")

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.runWorkers() }
            try await gateway.waitUntil(type: "review-assignment") { $0.completed == 2 }
            group.cancelAll()
            try await group.waitForAll()
        }

        guard case .userTask(let denied)? = gateway.job(intern)?.lastCompletion?.result,
            case .userTask(let corrected)? = gateway.job(alice)?.lastCompletion?.result
        else {
            Issue.record("listener results missing")
            return
        }
        #expect(denied.denied == true)
        #expect(corrected.corrections?.assignee == "alice")
        #expect(corrected.corrections?.priority == 80)
        try await client.shutdown()
        try await gateway.shutdown()
    }
}
