import CamundaOrchestration
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization

/// Seconds since the soak started.
struct SoakClock: Sendable {
    let start = ContinuousClock.now
    var now: Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// A client middleware (closest to the transport, so it sees every attempt) that records, for one
/// worker's client: successful polls (`activateJobs` answered 200), the longest stretch without one,
/// how quickly polling resumed after each fault ended, the statuses seen, and the bearer tokens sent
/// (kept in memory only, to grep the logs for them at the end).
final class PollObserver: ClientMiddleware, Sendable {
    struct Recovery: Sendable {
        var fault: String
        var endedAt: Double
        var resumedAt: Double?
    }

    struct State: Sendable {
        var successfulPolls = 0
        var failedPolls = 0
        var lastSuccess: Double?
        var firstSuccess: Double?
        var longestGap: (length: Double, from: Double, to: Double) = (0, 0, 0)
        var recoveries: [Recovery] = []
        var statuses: [String: Int] = [:]
        var tokens: Set<String> = []
    }

    let name: String
    let clock: SoakClock
    let state = Mutex(State())

    init(name: String, clock: SoakClock) {
        self.name = name
        self.clock = clock
    }

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if let authorization = request.headerFields[.authorization], authorization.hasPrefix("Bearer ") {
            let token = String(authorization.dropFirst("Bearer ".count))
            state.withLock { _ = $0.tokens.insert(token) }
        }
        do {
            let (response, responseBody) = try await next(request, body, baseURL)
            record(operationID: operationID, outcome: "\(response.status.code)", success: response.status.code == 200)
            return (response, responseBody)
        } catch {
            record(operationID: operationID, outcome: String(describing: type(of: error)), success: false)
            throw error
        }
    }

    private func record(operationID: String, outcome: String, success: Bool) {
        let now = clock.now
        state.withLock { state in
            state.statuses["\(operationID) \(outcome)", default: 0] += 1
            guard operationID == "activateJobs" else { return }
            guard success else {
                state.failedPolls += 1
                return
            }
            state.successfulPolls += 1
            if state.firstSuccess == nil { state.firstSuccess = now }
            if let last = state.lastSuccess, now - last > state.longestGap.length {
                state.longestGap = (now - last, last, now)
            }
            state.lastSuccess = now
            for index in state.recoveries.indices where state.recoveries[index].resumedAt == nil {
                if now >= state.recoveries[index].endedAt { state.recoveries[index].resumedAt = now }
            }
        }
    }

    /// Notes that a fault ended now; the next successful poll resolves it.
    func faultEnded(_ fault: String) {
        let now = clock.now
        state.withLock { $0.recoveries.append(Recovery(fault: fault, endedAt: now)) }
    }

    /// Closes the longest-gap computation at `now` (a stretch still open at the end counts).
    func finish() {
        let now = clock.now
        state.withLock { state in
            if let last = state.lastSuccess, now - last > state.longestGap.length {
                state.longestGap = (now - last, last, now)
            }
        }
    }
}
