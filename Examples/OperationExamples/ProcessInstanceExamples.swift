import CamundaOrchestration
import Foundation

// Hand-written examples of the process instance operations.

extension ProcessInstanceExamples {
    /// Starts the latest version of `order-process` with variables.
    ///
    /// To start a specific deployed version, pass its key instead:
    /// `ProcessInstanceCreationInstructionByKey(processDefinitionKey: ProcessDefinitionKey("2251799813685249"))`.
    public static func createProcessInstance(_ client: CamundaClient) async throws {
        let instance = try await client.createProcessInstance(
            ProcessInstanceCreationInstructionById(
                processDefinitionId: "order-process",
                variables: ["orderId": "A-1", "total": 99.5, "items": ["book", "pen"]]))
        print("Started process instance \(instance.processInstanceKey) of \(instance.processDefinitionId) v\(instance.processDefinitionVersion)")
    }

    /// Reads one process instance; search results are eventually consistent, so a brand-new instance
    /// may answer 404 for a moment (see `client.waitUntil`).
    public static func getProcessInstance(_ client: CamundaClient) async throws {
        let processInstanceKey = ProcessInstanceKey("2251799813685249")
        do {
            let instance = try await client.getProcessInstance(processInstanceKey: processInstanceKey)
            print("Process instance \(instance.processInstanceKey) is \(instance.state), incident: \(instance.hasIncident)")
        } catch let error as CamundaError where error.status == 404 {
            print("Process instance \(processInstanceKey) not found (yet)")
        }
    }

    /// Pages through the active instances of `order-process`.
    public static func searchProcessInstances(_ client: CamundaClient) async throws {
        let query = ProcessInstanceSearchQuery(
            filter: ProcessInstanceFilter(processDefinitionId: "order-process", state: .exact(.active)))
        let active = try await client.paginate(query, pageSize: 100, { client, query in
            try await client.searchProcessInstances(query)
        }).collect()
        print("\(active.count) active order-process instances")
        for instance in active.prefix(5) {
            print("- \(instance.processInstanceKey) started \(instance.startDate)")
        }
    }

    /// Cancels a process instance; a 404 means it already ended.
    public static func cancelProcessInstance(_ client: CamundaClient) async throws {
        let processInstanceKey = ProcessInstanceKey("2251799813685249")
        do {
            try await client.cancelProcessInstance(processInstanceKey: processInstanceKey)
            print("Cancelled process instance \(processInstanceKey)")
        } catch let error as CamundaError where error.status == 404 {
            print("Process instance \(processInstanceKey) already ended: \(error.problem?.detail ?? "")")
        }
    }
}
