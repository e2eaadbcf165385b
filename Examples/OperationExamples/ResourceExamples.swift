import CamundaOrchestration
import Foundation

// Hand-written examples of deployments and resources.

extension ResourceExamples {
    /// A one-task BPMN process: start → `payment` service task → end.
    public static let orderProcessBPMN = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                          xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
                          id="order-definitions" targetNamespace="http://camunda.org/examples">
          <bpmn:process id="order-process" name="Order process" isExecutable="true">
            <bpmn:startEvent id="order-received" />
            <bpmn:sequenceFlow id="to-payment" sourceRef="order-received" targetRef="charge-payment" />
            <bpmn:serviceTask id="charge-payment" name="Charge payment">
              <bpmn:extensionElements><zeebe:taskDefinition type="payment" retries="3" /></bpmn:extensionElements>
            </bpmn:serviceTask>
            <bpmn:sequenceFlow id="to-end" sourceRef="charge-payment" targetRef="order-done" />
            <bpmn:endEvent id="order-done" />
          </bpmn:process>
        </bpmn:definitions>
        """

    /// Deploys a BPMN process from a string (use `MultipartFile(path:)` for a file on disk).
    public static func createDeployment(_ client: CamundaClient) async throws {
        let file = MultipartFile(
            fileName: "order-process.bpmn", data: Data(orderProcessBPMN.utf8), contentType: "application/xml")
        let deployment = try await client.createDeployment(resources: [file])
        print("Deployment \(deployment.deploymentKey):")
        for process in deployment.deployments.compactMap(\.processDefinition) {
            print("- \(process.processDefinitionId) v\(process.processDefinitionVersion) → key \(process.processDefinitionKey)")
        }
    }

    /// Deletes a deployed resource (for a process: only when no instance runs).
    public static func deleteResource(_ client: CamundaClient) async throws {
        let resourceKey = ResourceKey("2251799813685249")
        do {
            _ = try await client.deleteResource(resourceKey: resourceKey)
            print("Deleted resource \(resourceKey)")
        } catch let error as CamundaError where error.status == 404 {
            print("Resource \(resourceKey) not found")
        }
    }
}
