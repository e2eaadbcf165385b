@testable import CamundaOrchestration
import Foundation
import Testing

/// A request with no typed result, as generated operations build them.
func testRequest(
    _ operationID: String = "createProcessInstance", path: String = "/process-instances", traits: OperationTraits = []
) -> OperationRequest {
    OperationRequest(operationID: operationID, method: "POST", path: path, body: .json(Data(#"{"a":1}"#.utf8)), traits: traits)
}

@Suite("Retry backoff")
struct RetryBackoffTests {
    @Test(arguments: [
        (1, 100), (2, 200), (3, 400), (4, 800), (5, 1600), (6, 2000), (7, 2000), (64, 2000), (10_000, 2000),
    ])
    func ceilingTable(attempt: Int, milliseconds: Int) {
        let ceiling = RetryBackoff.ceiling(attempt: attempt, baseDelay: .milliseconds(100), maxDelay: .seconds(2))
        #expect(ceiling == .milliseconds(milliseconds))
    }

    @Test func fullJitterScalesTheCeiling() {
        let base = Duration.milliseconds(100)
        let cap = Duration.seconds(2)
        #expect(RetryBackoff.delay(attempt: 3, baseDelay: base, maxDelay: cap, jitter: 0) == .zero)
        #expect(RetryBackoff.delay(attempt: 3, baseDelay: base, maxDelay: cap, jitter: 0.5) == .milliseconds(200))
        #expect(RetryBackoff.delay(attempt: 3, baseDelay: base, maxDelay: cap, jitter: 1) == .milliseconds(400))
        #expect(RetryBackoff.delay(attempt: 9, baseDelay: base, maxDelay: cap, jitter: 7) == .seconds(2))  // clamped
        #expect(RetryBackoff.delay(attempt: 0, baseDelay: base, maxDelay: cap, jitter: 1) == .milliseconds(100))
    }

    @Test func retryAfterParsing() throws {
        let now = Date(timeIntervalSince1970: 1_445_412_475)  // Wed, 21 Oct 2015 07:27:55 GMT
        #expect(RetryBackoff.retryAfter("3", now: now) == .seconds(3))
        #expect(RetryBackoff.retryAfter(" 0 ", now: now) == .zero)
        #expect(RetryBackoff.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == .seconds(5))
        #expect(RetryBackoff.retryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == .zero)
        #expect(RetryBackoff.retryAfter("soon", now: now) == nil)
    }
}

@Suite("Retries")
struct RetryTests {
    @Test func transient503sAreRetriedUntilSuccess() async throws {
        let transport = StubTransport { _, index in index < 2 ? .problem(503, title: "Unavailable") : okJSON }
        let sleeps = SleepLog()
        let client = try CamundaClient.testing(transport: transport, sleeps: sleeps)
        let response = try await client.perform(testRequest(), success: [200])
        #expect(response.status == 200)
        #expect(transport.requests.count == 3)
        #expect(sleeps.sleeps == [.milliseconds(100), .milliseconds(200)])  // jitter 1 = the ceilings
        // Every attempt sent the same body.
        #expect(Set(transport.requests.map(\.bodyText)) == [#"{"a":1}"#])
    }

    @Test func thirtyPercent503sStillSucceed() async throws {
        // Deterministic 30 %: requests 0, 3, 6 of every 10 fail, so no call fails twice in a row.
        let transport = StubTransport { _, index in [0, 3, 6].contains(index % 10) ? StubReply(status: 503) : okJSON }
        let client = try CamundaClient.testing(transport: transport)
        for _ in 0..<100 {
            let response = try await client.perform(testRequest(), success: [200])
            #expect(response.status == 200)
        }
        let failed = transport.requests.count - 100
        #expect(Double(failed) / Double(transport.requests.count) >= 0.29)
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let transport = StubTransport { _, _ in .problem(503, title: "Unavailable") }
        let client = try CamundaClient.testing(["CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "4"], transport: transport)
        let error = try await #require(throws: CamundaError.self) {
            try await client.perform(testRequest(), success: [200])
        }
        #expect(error.status == 503)
        #expect(error.problem?.title == "Unavailable")
        #expect(transport.requests.count == 4)
    }

    @Test func retryAfterIsHonouredAndCapped() async throws {
        let transport = StubTransport { _, index in
            switch index {
            case 0: StubReply(status: 429, headers: ["Retry-After": "3"])
            case 1: StubReply(status: 503, headers: ["Retry-After": "120"])
            default: okJSON
            }
        }
        let sleeps = SleepLog()
        let client = try CamundaClient.testing(transport: transport, sleeps: sleeps)
        _ = try await client.perform(testRequest(), success: [200])
        #expect(sleeps.sleeps == [.seconds(3), .seconds(30)])
    }

    @Test(arguments: [400, 401, 403, 404, 409, 500, 502])
    func otherStatusesAreNotRetried(status: Int) async throws {
        let transport = StubTransport { _, _ in .problem(status, title: "Nope", detail: "status \(status)") }
        let client = try CamundaClient.testing(transport: transport)
        let error = try await #require(throws: CamundaError.self) {
            try await client.perform(testRequest(), success: [200])
        }
        #expect(error.status == status)
        #expect(error.kind == .http)
        #expect(error.problem?.detail == "status \(status)")  // the inspected body is passed on intact
        #expect(transport.requests.count == 1)
    }

    @Test func resourceExhausted500IsRetried() async throws {
        let transport = StubTransport { _, index in
            index == 0
                ? .problem(500, title: "RESOURCE_EXHAUSTED", detail: "Expected to handle request, but partition is full")
                : okJSON
        }
        let client = try CamundaClient.testing(transport: transport)
        _ = try await client.perform(testRequest(), success: [200])
        #expect(transport.requests.count == 2)
        #expect(client.backpressureState.totalSignals == 1)
    }

    struct ConnectionReset: Error {}

    @Test func connectionErrorsAreRetriedThenReportedAsTransport() async throws {
        let flaky = StubTransport { _, index in
            if index == 0 { throw ConnectionReset() }
            return okJSON
        }
        let client = try CamundaClient.testing(transport: flaky)
        _ = try await client.perform(testRequest(), success: [200])
        #expect(flaky.requests.count == 2)

        let broken = StubTransport { _, _ in throw ConnectionReset() }
        let failing = try CamundaClient.testing(transport: broken)
        let error = try await #require(throws: CamundaError.self) {
            try await failing.perform(testRequest(), success: [200])
        }
        #expect(error.kind == .transport)
        #expect(error.operationID == "createProcessInstance")
        #expect(error.cause is ConnectionReset)
        #expect(broken.requests.count == 3)
    }

    @Test func singleAttemptPolicyDisablesRetries() async throws {
        let transport = StubTransport { _, _ in StubReply(status: 503) }
        let client = try CamundaClient.testing(["CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "1"], transport: transport)
        _ = try? await client.perform(testRequest(), success: [200])
        #expect(transport.requests.count == 1)
    }
}
