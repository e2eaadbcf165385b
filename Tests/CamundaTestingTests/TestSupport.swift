import CamundaAPI
import CamundaTesting
import Foundation
import Testing

/// Runs `body` against a fresh gateway and a loopback client, then shuts the gateway down.
@discardableResult
func withGateway<T>(
    _ configuration: EmbeddedGateway.Configuration = .init(),
    _ body: (EmbeddedGateway, LoopbackClient) async throws -> T
) async throws -> T {
    let gateway = try await EmbeddedGateway.start(configuration)
    let client = LoopbackClient(root: gateway.rootAddress)
    do {
        let result = try await body(gateway, client)
        try await gateway.shutdown()
        return result
    } catch {
        try? await gateway.shutdown()
        throw error
    }
}

/// Awaits a CamundaError from `body` and returns it.
func expectCamundaError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async throws -> CamundaError {
    do {
        try await body()
    } catch let error as CamundaError {
        return error
    }
    Issue.record("Expected a CamundaError", sourceLocation: sourceLocation)
    throw CancellationError()
}

extension JobActivationRequest {
    static func make(
        _ type: String, max: Int32 = 10, timeout: Int64 = 60_000, requestTimeout: Int64? = -1,
        worker: String = "test-worker", fetch: [String]? = nil
    ) -> JobActivationRequest {
        JobActivationRequest(
            type: type, worker: worker, timeout: timeout, maxJobsToActivate: max, fetchVariable: fetch,
            requestTimeout: requestTimeout)
    }
}

let sampleBPMN = """
    <?xml version="1.0" encoding="UTF-8"?>
    <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs">
      <!-- <bpmn:process id="commented-out"> -->
      <bpmn:process id="order-process" name="Order process" isExecutable="true">
        <bpmn:startEvent id="start" />
        <bpmn:serviceTask id="charge" name="Charge">
          <bpmn:extensionElements>
            <zeebe:taskDefinition type="payment" retries="3" />
            <zeebe:taskHeaders>
              <zeebe:header key="currency" value="EUR" />
            </zeebe:taskHeaders>
          </bpmn:extensionElements>
        </bpmn:serviceTask>
        <bpmn:serviceTask id="ship">
          <bpmn:extensionElements>
            <zeebe:taskDefinition type='shipping' />
          </bpmn:extensionElements>
        </bpmn:serviceTask>
        <bpmn:endEvent id="end" />
      </bpmn:process>
    </bpmn:definitions>
    """
