@testable import CamundaOrchestration
import Foundation
import Testing

@Suite("Backpressure state machine")
struct BackpressureStateMachineTests {
    typealias Machine = BackpressureStateMachine<Int>

    @Test func signalsShrinkThePermitsToTheFloor() {
        var machine = Machine(profile: .balanced)
        let t0 = ContinuousClock.now
        #expect(machine.limit == nil)
        var limits: [Int?] = []
        var delays: [Duration] = []
        for _ in 0..<8 {
            _ = machine.record(signal: true, now: t0)
            limits.append(machine.limit)
            delays.append(machine.floorDelay)
        }
        // 16, ×0.7 = 11, then ×0.5 from the third signal in a row: 5, 2, 1, 1, 1, 1.
        #expect(limits == [16, 11, 5, 2, 1, 1, 1, 1])
        #expect(delays.suffix(4) == [.milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(200)])
        #expect(machine.consecutiveSignals == 8)
        #expect(machine.totalSignals == 8)
    }

    @Test func aSuccessResetsTheStreak() {
        var machine = Machine(profile: .balanced)
        let t0 = ContinuousClock.now
        _ = machine.record(signal: true, now: t0)  // 16
        _ = machine.record(signal: true, now: t0)  // 11
        _ = machine.record(signal: false, now: t0)
        _ = machine.record(signal: true, now: t0)  // ×0.7 again: 7
        #expect(machine.limit == 7)
        #expect(machine.consecutiveSignals == 1)
    }

    @Test func floorDelayIsCappedAtTwoSeconds() {
        var machine = Machine(profile: .balanced)
        let t0 = ContinuousClock.now
        for _ in 0..<20 { _ = machine.record(signal: true, now: t0) }
        #expect(machine.limit == 1)
        #expect(machine.floorDelay == .seconds(2))
        let (action, _) = machine.acquire(id: 1, waiter: 1, now: t0)
        guard case .proceed(let delay) = action else {
            Issue.record("expected a permit")
            return
        }
        #expect(delay == .seconds(2))
    }

    @Test func recoveryAddsOneThenMultipliesThenLiftsTheLimit() {
        var machine = Machine(profile: .balanced)
        let t0 = ContinuousClock.now
        for _ in 0..<5 { _ = machine.record(signal: true, now: t0) }
        #expect(machine.limit == 1)
        machine.recover(now: t0 + .milliseconds(1999))
        #expect(machine.limit == 1)  // not quiet long enough
        machine.recover(now: t0 + .seconds(2))
        #expect(machine.limit == 2)
        #expect(machine.floorDelay == .zero)
        machine.recover(now: t0 + .seconds(5))
        #expect(machine.limit == 5)  // +1 per second
        machine.recover(now: t0 + .seconds(9))
        #expect(machine.limit == 9)
        machine.recover(now: t0 + .seconds(10))
        #expect(machine.limit == 14)  // healthy: ×1.5, rounded up
        machine.recover(now: t0 + .seconds(11))
        #expect(machine.limit == 21)
        machine.recover(now: t0 + .seconds(30))
        #expect(machine.limit == nil)  // unlimited again
        #expect(machine.consecutiveSignals == 0)
    }

    @Test func waitersGetPermitsInOrder() {
        var machine = Machine(profile: .balanced)
        let t0 = ContinuousClock.now
        for _ in 0..<5 { _ = machine.record(signal: true, now: t0) }  // limit 1
        guard case (.proceed, _) = machine.acquire(id: 1, waiter: 1, now: t0) else {
            Issue.record("first call should get the permit")
            return
        }
        guard case (.queued, _) = machine.acquire(id: 2, waiter: 2, now: t0),
            case (.queued, _) = machine.acquire(id: 3, waiter: 3, now: t0)
        else {
            Issue.record("later calls should wait")
            return
        }
        #expect(machine.state.waiting == 2)
        #expect(machine.cancel(id: 3) == 3)
        let granted = machine.release(now: t0)
        #expect(granted.map(\.0) == [2])
        #expect(machine.inFlight == 1)
        #expect(machine.state.waiting == 0)
    }

    @Test func legacyObservesButNeverQueues() {
        var machine = Machine(profile: .legacy)
        let t0 = ContinuousClock.now
        for _ in 0..<10 { _ = machine.record(signal: true, now: t0) }
        #expect(machine.limit == 1)
        for id in 0..<5 {
            guard case (.proceed(let delay), _) = machine.acquire(id: id, waiter: id, now: t0) else {
                Issue.record("LEGACY must not queue")
                return
            }
            #expect(delay == .zero)
        }
        #expect(machine.inFlight == 5)
    }
}

@Suite("Backpressure in the client")
struct BackpressureClientTests {
    @Test func permitsShrinkUnder429sAndRecover() async throws {
        let time = ManualTime()
        let transport = StubTransport { request, _ in
            request.path.hasPrefix("/busy") ? StubReply(status: 429) : okJSON
        }
        let client = try CamundaClient.testing(transport: transport, time: time)
        #expect(client.backpressureState.permitLimit == nil)

        _ = try? await client.perform(testRequest(path: "/busy"), success: [200])  // 3 attempts, 3 signals
        #expect(client.backpressureState.permitLimit == 5)
        #expect(client.backpressureState.consecutiveSignals == 3)
        _ = try? await client.perform(testRequest(path: "/busy"), success: [200])
        #expect(client.backpressureState.permitLimit == 1)
        #expect(client.backpressureState.floorDelay > .zero)

        _ = try await client.perform(testRequest(path: "/fine"), success: [200])
        #expect(client.backpressureState.consecutiveSignals == 0)
        time.advance(by: .seconds(4))
        #expect(client.backpressureState.permitLimit == 4)
        time.advance(by: .seconds(30))
        #expect(client.backpressureState.permitLimit == nil)
        #expect(client.backpressureState.totalSignals == 6)
    }

    /// Drives the limit down to 1 with 429s.
    private func throttledClient(
        profile: String = "BALANCED", gate: Gate
    ) throws -> (CamundaClient, StubTransport) {
        let transport = StubTransport { request, _ in
            if request.path.hasPrefix("/busy") { return StubReply(status: 429) }
            if request.path.hasPrefix("/slow") || request.operationID == "activateJobs" { await gate.wait() }
            return okJSON
        }
        let client = try CamundaClient.testing(
            ["CAMUNDA_SDK_BACKPRESSURE_PROFILE": profile, "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "10"], transport: transport)
        return (client, transport)
    }

    @Test func callsWaitForAPermitAndExemptOperationsDoNot() async throws {
        let gate = Gate()
        let (client, transport) = try throttledClient(gate: gate)
        _ = try? await client.perform(testRequest(path: "/busy"), success: [200])
        #expect(client.backpressureState.permitLimit == 1)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<3 {
                group.addTask { _ = try await client.perform(testRequest(path: "/slow/\(index)"), success: [200]) }
            }
            // The holder of the permit reaches the transport a moment after taking it.
            #expect(await eventually {
                client.backpressureState.inFlight == 1 && client.backpressureState.waiting == 2
                    && !transport.requests.filter { $0.path.hasPrefix("/slow") }.isEmpty
            })
            #expect(transport.requests.filter { $0.path.hasPrefix("/slow") }.count == 1)

            // Job acknowledgements are exempt: they go out although the only permit is taken.
            let completion = OperationRequest(
                operationID: "completeJob", method: "POST", path: "/jobs/1/completion", traits: [.acknowledgement])
            let response = try await client.perform(completion, success: [200])
            #expect(response.status == 200)
            #expect(client.backpressureState.waiting == 2)

            gate.open()
            try await group.waitForAll()
        }
        #expect(client.backpressureState.inFlight == 0)
        #expect(transport.requests.filter { $0.path.hasPrefix("/slow") }.count == 3)
    }

    @Test func longPollsDoNotHoldAPermit() async throws {
        let gate = Gate()
        let (client, transport) = try throttledClient(gate: gate)
        _ = try? await client.perform(testRequest(path: "/busy"), success: [200])
        #expect(client.backpressureState.permitLimit == 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                _ = try await client.perform(testRequest("activateJobs", path: "/jobs/activation", traits: [.longPoll]), success: [200])
            }
            #expect(await eventually { !transport.requests(operation: "activateJobs").isEmpty })
            #expect(client.backpressureState.inFlight == 0)
            // Another call gets the single permit while the long poll is held by the server.
            _ = try await client.perform(testRequest(path: "/other"), success: [200])
            gate.open()
            try await group.waitForAll()
        }
    }

    @Test func legacyProfileNeverWaits() async throws {
        let gate = Gate()
        let (client, transport) = try throttledClient(profile: "LEGACY", gate: gate)
        _ = try? await client.perform(testRequest(path: "/busy"), success: [200])
        #expect(client.backpressureState.permitLimit == 1)
        #expect(client.backpressureState.profile == .legacy)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<4 {
                group.addTask { _ = try await client.perform(testRequest(path: "/slow/\(index)"), success: [200]) }
            }
            #expect(await eventually { transport.requests.filter { $0.path.hasPrefix("/slow") }.count == 4 })
            #expect(client.backpressureState.waiting == 0)
            gate.open()
            try await group.waitForAll()
        }
    }

    @Test func cancellingAWaitingCallFreesItsPlace() async throws {
        let gate = Gate()
        let (client, _) = try throttledClient(gate: gate)
        _ = try? await client.perform(testRequest(path: "/busy"), success: [200])
        let holder = Task { try await client.perform(testRequest(path: "/slow/0"), success: [200]) }
        #expect(await eventually { client.backpressureState.inFlight == 1 })
        let waiter = Task { try await client.perform(testRequest(path: "/slow/1"), success: [200]) }
        #expect(await eventually { client.backpressureState.waiting == 1 })
        waiter.cancel()
        let error = await #expect(throws: CamundaError.self) { try await waiter.value }
        #expect(error?.kind == .cancelled)
        #expect(client.backpressureState.waiting == 0)
        gate.open()
        _ = try await holder.value
    }
}
