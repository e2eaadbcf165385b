import CamundaAPI
import CamundaTesting
import Foundation
import Testing

@Suite("Embedded gateway: faults")
struct FaultTests {
    @Test("A status fault answers with a problem detail and Retry-After")
    func statusFault() async throws {
        try await withGateway { gateway, client in
            gateway.seedJobs(type: "t")
            gateway.inject(Fault(.activateJobs, .status(503, retryAfter: "2"), limit: 1))
            let error = try await expectCamundaError { _ = try await client.activateJobs(.make("t")) }
            #expect(error.status == 503)
            #expect(error.retryAfter == "2")
            #expect(error.problem?.title == "RESOURCE_EXHAUSTED")
            // The limit is used up: the next request goes through.
            #expect(try await client.activateJobs(.make("t")).jobs.count == 1)
            #expect(gateway.faultHits() == [1])
            #expect(gateway.requests().map(\.status) == [503, 200])
        }
    }

    @Test("Faults match by operation, path prefix and method")
    func targets() async throws {
        try await withGateway { gateway, client in
            gateway.inject(Fault(.pathPrefix("/v2/messages", method: "POST"), .status(429)))
            gateway.inject(Fault(.completeJob, .status(500)))
            #expect(try await client.raw("GET", "/v2/topology").status == 200)
            let throttled = try await expectCamundaError {
                _ = try await client.publishMessage(MessagePublicationRequest(name: "m"))
            }
            #expect(throttled.status == 429)
            let internalError = try await expectCamundaError { try await client.completeJob(jobKey: "1") }
            #expect(internalError.status == 500)
            #expect(internalError.problem?.title == "INTERNAL")
            gateway.clearFaults()
            _ = try await client.publishMessage(MessagePublicationRequest(name: "m"))
        }
    }

    @Test("A fault rate hits a deterministic share of the requests")
    func rate() async throws {
        func run() async throws -> [Int] {
            try await withGateway { gateway, client in
                gateway.inject(Fault(.getTopology, .status(503), rate: 0.5, seed: 7))
                var statuses: [Int] = []
                for _ in 0..<40 { statuses.append(try await client.raw("GET", "/v2/topology").status) }
                #expect(gateway.faultHits() == [statuses.filter { $0 == 503 }.count])
                return statuses
            }
        }
        let first = try await run()
        let second = try await run()
        #expect(first == second)
        let failures = first.filter { $0 == 503 }.count
        #expect(failures > 5 && failures < 35)
    }

    @Test("A dropped connection is a transport error and the gateway keeps serving")
    func dropConnection() async throws {
        try await withGateway { gateway, client in
            gateway.inject(Fault(.getTopology, .dropConnection, limit: 1))
            await #expect(throws: (any Error).self) { _ = try await client.getTopology() }
            _ = try await client.getTopology()
            #expect(gateway.requests().first?.status == nil)
        }
    }

    @Test("A delay fault still answers normally")
    func delay() async throws {
        try await withGateway { gateway, client in
            gateway.seedJobs(type: "t")
            gateway.inject(Fault(.activateJobs, .delay(milliseconds: 50)))
            let result = try await client.activateJobs(.make("t"))
            #expect(result.jobs.count == 1)
            #expect(gateway.faultHits() == [1])
        }
    }
}

@Suite("Embedded gateway: authentication")
struct AuthenticationTests {
    static func tokenForm(id: String, secret: String) -> Data {
        Data("grant_type=client_credentials&client_id=\(id)&client_secret=\(secret)&audience=zeebe-api".utf8)
    }

    @Test("OAuth: tokens are issued for the right client and required by the API")
    func oauth() async throws {
        let configuration = EmbeddedGateway.Configuration(
            authentication: .oauth, oauth: .init(clientID: "me", clientSecret: "s3cret", expiresIn: .seconds(120)))
        try await withGateway(configuration) { gateway, client in
            let anonymous = try await client.raw("GET", "/v2/topology")
            #expect(anonymous.status == 401)
            #expect(anonymous.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            #expect(try CamundaJSON.decode(ProblemDetail.self, from: anonymous.body).title == "UNAUTHORIZED")

            let wrong = try await client.raw(
                "POST", "/oauth/token", body: Self.tokenForm(id: "me", secret: "nope"),
                contentType: "application/x-www-form-urlencoded")
            #expect(wrong.status == 401)

            let issued = try await client.raw(
                "POST", "/oauth/token", body: Self.tokenForm(id: "me", secret: "s3cret"),
                contentType: "application/x-www-form-urlencoded")
            #expect(issued.status == 200)
            let token = try CamundaJSON.decode([String: JSONValue].self, from: issued.body)
            #expect(token["token_type"] == "Bearer")
            #expect(token["expires_in"] == 120)
            let accessToken = try #require(token["access_token"]?.stringValue)
            #expect(gateway.tokenRequestCount == 2)

            let authorized = LoopbackClient(root: gateway.rootAddress, headers: ["Authorization": "Bearer \(accessToken)"])
            _ = try await authorized.getTopology()
            let bad = try await client.raw("GET", "/v2/topology", headers: ["Authorization": "Bearer forged"])
            #expect(bad.status == 401)
            #expect(bad.headers["www-authenticate"]?.contains("invalid_token") == true)

            gateway.revokeTokens()
            let revoked = try await expectCamundaError { _ = try await authorized.getTopology() }
            #expect(revoked.status == 401)
            #expect(gateway.oauthTokenURL.absoluteString.hasSuffix("/oauth/token"))
        }
    }

    @Test("The token endpoint can be told to fail")
    func tokenFailures() async throws {
        try await withGateway { gateway, client in
            gateway.failTokenRequests(status: 503, count: 2)
            let form = Self.tokenForm(id: "test-client", secret: "test-secret")
            let type = "application/x-www-form-urlencoded"
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await client.raw("POST", "/oauth/token", body: form, contentType: type).status) }
            #expect(statuses == [503, 503, 200])
            #expect(gateway.tokenRequestCount == 3)
        }
    }

    @Test("Basic authentication")
    func basic() async throws {
        try await withGateway(.init(authentication: .basic(username: "demo", password: "pw"))) { gateway, _ in
            // URLSession on Linux cannot hand back a 401 with a Basic challenge, so use a raw socket.
            let anonymous = try RawHTTP.send(port: gateway.port, "GET", "/v2/topology")
            #expect(anonymous.status == 401)
            #expect(anonymous.headers["www-authenticate"] == "Basic realm=\"camunda\"")
            #expect(anonymous.body.contains("UNAUTHORIZED"))
            let credentials = Data("demo:pw".utf8).base64EncodedString()
            let authorized = LoopbackClient(root: gateway.rootAddress, headers: ["Authorization": "Basic \(credentials)"])
            _ = try await authorized.getTopology()
            let wrong = Data("demo:nope".utf8).base64EncodedString()
            let rejected = try RawHTTP.send(port: gateway.port, "GET", "/v2/topology", headers: ["Authorization": "Basic \(wrong)"])
            #expect(rejected.status == 401)
            #expect(gateway.requests().last?.header("Authorization") == "Basic <redacted>")
        }
    }
}
