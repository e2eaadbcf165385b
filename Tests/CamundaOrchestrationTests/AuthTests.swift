@testable import CamundaOrchestration
import Foundation
import HTTPTypes
import Synchronization
import Testing

private let secret = "sup3r-s3cret-value"
private let password = "pa55w0rd-value"

private let oauthValues = [
    "CAMUNDA_REST_ADDRESS": "http://api.test:8080",
    "CAMUNDA_CLIENT_ID": "swift-client",
    "CAMUNDA_CLIENT_SECRET": secret,
    "CAMUNDA_OAUTH_URL": "http://auth.test:18080/auth/realms/camunda/protocol/openid-connect/token",
    "CAMUNDA_TOKEN_AUDIENCE": "orchestration-api",
    "CAMUNDA_OAUTH_SCOPE": "openid camunda",
]

/// A token endpoint plus API in one stub: tokens are `token-1`, `token-2`, ...; the API accepts the
/// tokens in `accepted` (all when nil).
private final class FakeIdentity: Sendable {
    private let status: Locked<Int>
    let transport: StubTransport

    init(expiresIn: Int = 300, tokenStatus: Int = 200, accepted: Set<String>? = nil, tokenGate: Gate? = nil) {
        let status = Locked(tokenStatus)
        let issued = Locked(0)
        self.status = status
        self.transport = StubTransport { request, _ in
            if request.operationID == "oauthToken" {
                if let tokenGate { await tokenGate.wait() }
                let code = status.withLock { $0 }
                guard code == 200 else {
                    return .json(
                        code, #"{"error":"temporarily_unavailable","error_description":"try later","echo":"\#(secret)"}"#)
                }
                let number = issued.withLock { count in
                    count += 1
                    return count
                }
                return .json(200, #"{"access_token":"token-\#(number)","expires_in":\#(expiresIn),"token_type":"Bearer"}"#)
            }
            let token = request.authorization?.replacingOccurrences(of: "Bearer ", with: "")
            if let token, accepted?.contains(token) ?? true { return okJSON }
            return .problem(401, title: "Unauthorized")
        }
    }

    func setTokenStatus(_ code: Int) { status.withLock { $0 = code } }
}

@Suite("Authentication")
struct AuthTests {
    @Test func fiftyConcurrentCallsFetchOneToken() async throws {
        let gate = Gate()
        let identity = FakeIdentity(tokenGate: gate)
        let transport = identity.transport
        let logs = LogCapture()
        let client = try CamundaClient.testing(oauthValues, transport: transport, logger: logs.logger())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask { _ = try await client.perform(testRequest(path: "/calls/\(index)"), success: [200]) }
            }
            // Let every call reach the token provider before the token endpoint answers.
            #expect(await eventually { transport.requests(operation: "oauthToken").count == 1 })
            for _ in 0..<1000 { await Task.yield() }
            gate.open()
            try await group.waitForAll()
        }
        #expect(transport.requests(operation: "oauthToken").count == 1)
        #expect(client.tokenProvider?.tokenRequestCount == 1)
        let apiCalls = transport.requests.filter { $0.operationID != "oauthToken" }
        #expect(apiCalls.count == 50)
        #expect(apiCalls.allSatisfy { $0.authorization == "Bearer token-1" })
        #expect(apiCalls.allSatisfy { $0.baseURL.absoluteString == "http://api.test:8080/v2" })
        #expect(!logs.lines.joined().contains(secret))
        #expect(!logs.lines.joined().contains("token-1"))
    }

    @Test func tokenRequestIsAFormPostWithTheCredentials() async throws {
        let identity = FakeIdentity()
        let client = try CamundaClient.testing(oauthValues, transport: identity.transport)
        _ = try await client.perform(testRequest(), success: [200])
        let tokenRequest = try #require(identity.transport.requests(operation: "oauthToken").first)
        #expect(tokenRequest.method == "POST")
        #expect(tokenRequest.baseURL.absoluteString == "http://auth.test:18080")
        #expect(tokenRequest.path == "/auth/realms/camunda/protocol/openid-connect/token")
        #expect(tokenRequest.headers[.contentType] == "application/x-www-form-urlencoded")
        #expect(tokenRequest.authorization == nil)
        let form = Dictionary(
            uniqueKeysWithValues: tokenRequest.bodyText.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding! }
                return (parts[0], parts[1])
            })
        #expect(
            form == [
                "grant_type": "client_credentials", "client_id": "swift-client", "client_secret": secret,
                "audience": "orchestration-api", "scope": "openid camunda",
            ])
    }

    @Test func tokenIsRefreshedBeforeExpiry() async throws {
        let time = ManualTime()
        let identity = FakeIdentity(expiresIn: 100)  // refresh margin: 25 s
        let client = try CamundaClient.testing(oauthValues, transport: identity.transport, time: time)
        _ = try await client.perform(testRequest(), success: [200])
        time.advance(by: .seconds(70))
        _ = try await client.perform(testRequest(), success: [200])
        #expect(identity.transport.requests(operation: "oauthToken").count == 1)
        time.advance(by: .seconds(6))  // 76 s: within the margin
        _ = try await client.perform(testRequest(), success: [200])
        #expect(identity.transport.requests(operation: "oauthToken").count == 2)
        #expect(identity.transport.requests.last?.authorization == "Bearer token-2")
    }

    @Test func a401DropsTheTokenAndRetriesOnce() async throws {
        let identity = FakeIdentity(accepted: ["token-2"])
        let client = try CamundaClient.testing(oauthValues, transport: identity.transport)
        let response = try await client.perform(testRequest(), success: [200])
        #expect(response.status == 200)
        #expect(identity.transport.requests(operation: "oauthToken").count == 2)
        let apiCalls = identity.transport.requests.filter { $0.operationID != "oauthToken" }
        #expect(apiCalls.map(\.authorization) == ["Bearer token-1", "Bearer token-2"])
        #expect(apiCalls.map(\.bodyText) == [#"{"a":1}"#, #"{"a":1}"#])
    }

    @Test func aSecond401IsReturnedNotLooped() async throws {
        let identity = FakeIdentity(accepted: [])
        let client = try CamundaClient.testing(oauthValues, transport: identity.transport)
        let error = try await #require(throws: CamundaError.self) {
            try await client.perform(testRequest(), success: [200])
        }
        #expect(error.status == 401)
        #expect(identity.transport.requests(operation: "oauthToken").count == 2)
        #expect(identity.transport.requests.filter { $0.operationID != "oauthToken" }.count == 2)
    }

    @Test func tokenEndpointFailuresBackOff() async throws {
        let time = ManualTime()
        let logs = LogCapture()
        let identity = FakeIdentity(tokenStatus: 503)
        let client = try CamundaClient.testing(oauthValues, transport: identity.transport, time: time, logger: logs.logger())
        let first = try await #require(throws: CamundaError.self) { try await client.perform(testRequest(), success: [200]) }
        #expect(first.status == 503)
        #expect(first.operationID == "createProcessInstance")
        #expect(first.description.contains("temporarily_unavailable"))
        // Within the backoff the endpoint is not asked again.
        let second = try await #require(throws: CamundaError.self) {
            try await client.perform(testRequest("publishMessage"), success: [200])
        }
        #expect(second.operationID == "publishMessage")
        #expect(identity.transport.requests(operation: "oauthToken").count == 1)
        time.advance(by: .milliseconds(600))
        _ = try? await client.perform(testRequest(), success: [200])
        #expect(identity.transport.requests(operation: "oauthToken").count == 2)
        // The backoff doubles: 1 s after the second failure.
        time.advance(by: .milliseconds(600))
        _ = try? await client.perform(testRequest(), success: [200])
        #expect(identity.transport.requests(operation: "oauthToken").count == 2)
        identity.setTokenStatus(200)
        time.advance(by: .milliseconds(500))
        _ = try await client.perform(testRequest(), success: [200])
        #expect(identity.transport.requests(operation: "oauthToken").count == 3)
        for text in [first.description, second.description, String(reflecting: first)] + logs.lines {
            #expect(!text.contains(secret), "secret leaked: \(text)")
        }
        #expect(identity.transport.requests.filter { $0.operationID != "oauthToken" }.count == 1)
    }

    @Test func basicAuthHeader() async throws {
        let transport = StubTransport { _, _ in okJSON }
        let logs = LogCapture()
        let client = try CamundaClient.testing(
            ["CAMUNDA_BASIC_AUTH_USERNAME": "demo", "CAMUNDA_BASIC_AUTH_PASSWORD": password], transport: transport,
            logger: logs.logger())
        _ = try await client.perform(testRequest(), success: [200])
        let expected = "Basic " + Data("demo:\(password)".utf8).base64EncodedString()
        #expect(transport.requests.first?.authorization == expected)
        #expect(!logs.lines.joined().contains(password))
        #expect(!client.configuration.description.contains(password))
    }

    @Test func staticBearerToken() async throws {
        let transport = StubTransport { _, _ in okJSON }
        var configuration = try CamundaConfiguration(environment: [:])
        configuration.authentication = .bearer(token: "static-token")
        let client = try CamundaClient(configuration, transport: transport)
        _ = try await client.perform(testRequest(), success: [200])
        #expect(transport.requests.first?.authorization == "Bearer static-token")
    }

    @Test func credentialsGoToTheConfiguredAddressOnly() async throws {
        // Both bases of the API (REST with /v2 and the root) are the configured origin; the OAuth token
        // request goes to the token URL without the API's Authorization header.
        let transport = StubTransport { request, _ in
            request.path.contains("token") ? .json(200, #"{"access_token":"tok-1","expires_in":300}"#) : okJSON
        }
        let client = try CamundaClient.testing(
            [
                "CAMUNDA_REST_ADDRESS": "https://cluster.example.com/v2", "CAMUNDA_AUTH_STRATEGY": "OAUTH",
                "CAMUNDA_CLIENT_ID": "id", "CAMUNDA_CLIENT_SECRET": "secret",
                "CAMUNDA_OAUTH_URL": "https://login.example.com/oauth/token",
            ], transport: transport)
        _ = try await client.perform(testRequest(), success: [200])
        _ = try await client.perform(
            OperationRequest(operationID: "getStatus", method: "GET", path: "/cluster/v2/status", server: .root), success: [200])
        let sent = transport.requests.map { "\($0.baseURL) \($0.path) \($0.authorization ?? "-")" }
        #expect(
            sent == [
                "https://login.example.com /oauth/token -",
                "https://cluster.example.com/v2 /process-instances Bearer tok-1",
                "https://cluster.example.com /cluster/v2/status Bearer tok-1",
            ])
    }

    @Test func secretsAreInNoLogLineOrErrorAcrossAFullRun() async throws {
        let logs = LogCapture()
        let identity = FakeIdentity(accepted: ["token-2"])
        let client = try CamundaClient.testing(oauthValues, transport: identity.transport, logger: logs.logger())
        _ = try await client.perform(testRequest(), success: [200])
        let transportFailure = try CamundaClient.testing(
            oauthValues, transport: StubTransport { _, _ in throw CancellationError() }, logger: logs.logger())
        let error = try await #require(throws: CamundaError.self) {
            try await transportFailure.perform(testRequest(), success: [200])
        }
        #expect(!logs.lines.isEmpty)
        for text in logs.lines + [error.description, client.configuration.description] {
            #expect(!text.contains(secret))
            #expect(!text.contains("token-1") && !text.contains("token-2"))
        }
    }
}
