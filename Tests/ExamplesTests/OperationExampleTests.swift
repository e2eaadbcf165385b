import CamundaAPI
import CamundaOrchestration
import Foundation
import HTTPTypes
import OpenAPIRuntime
import OperationExamples
import Synchronization
import Testing

/// Every operation of the spec has a compiled example, and each example really sends its operation.
@Suite struct OperationExampleTests {
    @Test func everyOperationOfTheSpecHasAnExample() {
        let operationIDs = Set(CamundaSpecCatalog.operations.map(\.id))
        let exampleIDs = Set(OperationExampleRegistry.examples.keys)
        let missing = operationIDs.subtracting(exampleIDs).sorted()
        let stale = exampleIDs.subtracting(operationIDs).sorted()
        #expect(missing.isEmpty, "operations without an example: \(missing); run scripts/examples/generate-operation-examples.py")
        #expect(stale.isEmpty, "examples of operations the spec no longer has: \(stale)")
        #expect(exampleIDs.count == operationIDs.count)
    }

    @Test(arguments: CamundaSpecCatalog.operations.map(\.id))
    func exampleSendsItsOperation(_ operationID: String) async throws {
        let example = try #require(OperationExampleRegistry.examples[operationID])
        let transport = RecordingTransport()
        let client = try CamundaClient(
            configuration: ["CAMUNDA_REST_ADDRESS": "http://127.0.0.1:1/v2", "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "1"],
            environment: [:], transport: transport)
        do {
            try await example(client)
        } catch let error as CamundaError {
            // The transport answers 404 to everything: examples that do not handle it rethrow it.
            #expect(error.status == 404, "\(operationID): \(error)")
        }
        #expect(transport.operationIDs.contains(operationID), "sent \(transport.operationIDs)")
    }
}

/// Answers every request with a 404 problem and records the operation ids it saw.
final class RecordingTransport: ClientTransport, Sendable {
    private let recorded = Mutex<[String]>([])

    var operationIDs: [String] { recorded.withLock { $0 } }

    func send(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String
    ) async throws -> (HTTPResponse, HTTPBody?) {
        recorded.withLock { $0.append(operationID) }
        if let body { _ = try await Data(collecting: body, upTo: 10_000_000) }
        var response = HTTPResponse(status: .notFound)
        response.headerFields[.contentType] = "application/problem+json"
        let problem = #"{"type":"about:blank","title":"NOT_FOUND","status":404,"detail":"Example resource not found"}"#
        return (response, HTTPBody(problem))
    }
}
