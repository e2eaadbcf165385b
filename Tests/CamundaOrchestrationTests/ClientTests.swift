@testable import CamundaOrchestration
import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import Testing

/// A user middleware that tags requests and records what it saw.
private struct TaggingMiddleware: ClientMiddleware {
    let seen = Locked<[String]>([])

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        seen.withLock { $0.append("\(operationID) auth=\(request.headerFields[.authorization] ?? "-")") }
        var request = request
        request.headerFields[HTTPField.Name("X-Tag")!] = "tagged"
        return try await next(request, body, baseURL)
    }
}

@Suite("CamundaClient")
struct ClientTests {
    @Test func buildsRequestsForTheApiAndTheRoot() async throws {
        let transport = StubTransport { _, _ in
            StubReply(status: 200, headers: ["Content-Type": "application/json", "X-Multi": "a"], body: Data("{}".utf8))
        }
        let client = try CamundaClient(
            configuration: ["CAMUNDA_REST_ADDRESS": "https://cluster.example.com/abc"], environment: [:],
            transport: transport)
        var request = OperationRequest(
            operationID: "searchThings", method: "post", path: "/things/search",
            query: [URLQueryItem(name: "q", value: "a b+c&d"), URLQueryItem(name: "n", value: "1")],
            headers: ["X-Custom": "yes"], body: .json(Data(#"{"x":1}"#.utf8)))
        let response = try await client.send(request)
        #expect(response.status == 200)
        #expect(response.headers["x-multi"] == "a")
        request.server = .root
        request.body = nil
        _ = try await client.send(request)

        let seen = transport.requests
        #expect(seen[0].method == "POST")
        #expect(seen[0].baseURL.absoluteString == "https://cluster.example.com/abc/v2")
        #expect(seen[0].path == "/things/search?q=a%20b%2Bc%26d&n=1")
        #expect(seen[0].headers[.contentType] == "application/json")
        #expect(seen[0].headers[.accept] == "application/json")
        #expect(seen[0].headers[HTTPField.Name("X-Custom")!] == "yes")
        #expect(seen[0].headers[.userAgent]?.hasPrefix("camunda-swift-sdk") == true)
        #expect(seen[0].bodyText == #"{"x":1}"#)
        #expect(seen[1].baseURL.absoluteString == "https://cluster.example.com/abc")
        #expect(seen[1].body == nil)
    }

    @Test func generatedOperationsDecodeThroughTheClient() async throws {
        let topology = #"{"brokers":[],"clusterId":null,"clusterSize":1,"partitionsCount":1,"replicationFactor":1,"gatewayVersion":"8.8.0","lastCompletedChangeId":"-1"}"#
        let transport = StubTransport { request, _ in
            request.path == "/topology" ? .json(200, topology) : .problem(404, title: "NOT_FOUND", detail: "nothing here")
        }
        let client = try CamundaClient(environment: [:], transport: transport)
        let result = try await client.getTopology()
        #expect(result.clusterSize == 1)
        let error = try await #require(throws: CamundaError.self) {
            try await client.getProcessInstance(processInstanceKey: "2251799813685249")
        }
        #expect(error.status == 404)
        #expect(error.kind == .http)
        #expect(error.operationID == "getProcessInstance")
        #expect(error.problem?.detail == "nothing here")
        #expect(transport.requests.last?.path == "/process-instances/2251799813685249")
    }

    @Test func userMiddlewaresRunAfterAuthentication() async throws {
        let transport = StubTransport { _, _ in okJSON }
        let tagging = TaggingMiddleware()
        let client = try CamundaClient(
            configuration: ["CAMUNDA_BASIC_AUTH_USERNAME": "u", "CAMUNDA_BASIC_AUTH_PASSWORD": "p"], environment: [:],
            transport: transport, middlewares: [tagging])
        _ = try await client.send(testRequest())
        #expect(tagging.seen.value == ["createProcessInstance auth=Basic dTpw"])
        #expect(transport.requests.first?.headers[HTTPField.Name("X-Tag")!] == "tagged")
    }

    struct Refused: Error {}

    @Test func errorsAreWrappedOnce() async throws {
        let refusing = try CamundaClient.testing(
            ["CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "1"], transport: StubTransport { _, _ in throw Refused() })
        let transportError = try await #require(throws: CamundaError.self) { try await refusing.send(testRequest()) }
        #expect(transportError.kind == .transport)
        #expect(transportError.cause is Refused)

        let original = CamundaError(operationID: "inner", kind: .configuration, message: "from a middleware")
        let throwing = try CamundaClient.testing(transport: StubTransport { _, _ in throw original })
        let passed = try await #require(throws: CamundaError.self) { try await throwing.perform(testRequest(), success: [200]) }
        #expect(passed.operationID == "inner")
        #expect(passed.kind == .configuration)
        #expect(passed.cause == nil)
    }

    @Test func cancellationIsReportedAsCancelled() async throws {
        let gate = Gate()
        let client = try CamundaClient.testing(transport: StubTransport { _, _ in
            await gate.wait()
            try Task.checkCancellation()
            return okJSON
        })
        let task = Task { try await client.perform(testRequest(), success: [200]) }
        task.cancel()
        gate.open()
        let error = await #expect(throws: CamundaError.self) { try await task.value }
        #expect(error?.kind == .cancelled)
    }

    @Test func oversizedResponsesFailClearly() async throws {
        var configuration = try CamundaConfiguration(environment: [:])
        configuration.http.maxResponseBodyBytes = 10
        let client = try CamundaClient(
            configuration, transport: StubTransport { _, _ in .json(200, String(repeating: "x", count: 100)) })
        let error = try await #require(throws: CamundaError.self) { try await client.send(testRequest()) }
        #expect(error.kind == .transport)
        #expect(error.status == 200)
        #expect(error.description.contains("limit 10 bytes"))
    }

    @Test func logLevelComesFromTheConfiguration() throws {
        let client = try CamundaClient(
            configuration: ["CAMUNDA_SDK_LOG_LEVEL": "error"], environment: [:],
            transport: StubTransport { _, _ in okJSON })
        #expect(client.logger.logLevel == .error)
        var custom = Logger(label: "mine")
        custom.logLevel = .debug
        let untouched = try CamundaClient(environment: [:], transport: StubTransport { _, _ in okJSON }, logger: custom)
        #expect(untouched.logger.logLevel == .debug)
    }

    @Test func defaultTransportShutsDownIdempotently() async throws {
        let client = try CamundaClient(environment: [:])
        try await client.shutdown()
        try await client.shutdown()
        // A client dropped without shutdown closes its HTTP client in the background instead of trapping.
        _ = try CamundaClient(environment: [:])
    }

    @Test func blockingViewForwardsToTheClient() async throws {
        let client = try CamundaClient(environment: [:], transport: StubTransport { _, _ in okJSON })
        let blocking = client.blocking
        #expect(blocking.asyncOperations === client)
    }

    @Test func asyncClientAlias() throws {
        let client: CamundaAsyncClient = try CamundaClient(environment: [:], transport: StubTransport { _, _ in okJSON })
        #expect(client.configuration.restAddress.absoluteString == "http://localhost:8080/v2")
    }
}
