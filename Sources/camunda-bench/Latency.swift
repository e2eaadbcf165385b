import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization

/// Records, per job, the moment its activation response was fully received and the moment its
/// completion's 204 arrived, and counts completions towards a target.
///
/// Both ends are taken at the HTTP transport boundary (a middleware next to the transport for the
/// SDK, around `HTTPClient.execute` for the raw loop), so the figure covers: decoding the activation
/// response, scheduling the handler, the handler, encoding the completion, and its round trip.
final class LatencyRecorder: Sendable {
    private struct State {
        var activatedAt: [Int64: UInt64] = [:]
        var latencies: [Double] = []
        var completions = 0
        var completedAtNanos: UInt64 = 0
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
    }

    let target: Int
    let measuresLatency: Bool
    private let state: Mutex<State>

    init(target: Int, measuresLatency: Bool) {
        self.target = target
        self.measuresLatency = measuresLatency
        var initial = State()
        if measuresLatency {
            initial.activatedAt.reserveCapacity(target)
            initial.latencies.reserveCapacity(target)
        }
        state = Mutex(initial)
    }

    /// An activation response with these job keys was received now.
    func activated(_ keys: [Int64]) {
        guard measuresLatency, !keys.isEmpty else { return }
        let now = monotonicNanos()
        state.withLock { state in
            for key in keys { state.activatedAt[key] = now }
        }
    }

    /// A completion of `key` was acknowledged (204) now.
    func completed(_ key: Int64?) {
        let now = monotonicNanos()
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.completions += 1
            if measuresLatency, let key, let start = state.activatedAt.removeValue(forKey: key) {
                state.latencies.append(Double(now - start) / 1e6)
            }
            guard state.completions >= target, !state.finished else { return nil }
            state.finished = true
            state.completedAtNanos = now
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Ends the wait early (for example when the gateway reports everything completed).
    func finish() {
        let now = monotonicNanos()
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.finished else { return nil }
            state.finished = true
            state.completedAtNanos = now
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Waits until `target` completions were recorded or ``finish()`` was called.
    func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.finished { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    var completions: Int { state.withLock { $0.completions } }
    var finishedAtNanos: UInt64 { state.withLock { $0.completedAtNanos } }
    var latencies: Percentiles { Percentiles(state.withLock { $0.latencies }) }
}

/// Finds the job keys in an activation response: the value of every `"jobKey"` member, as a string
/// or a number. Cheap enough to leave on in both the SDK and the raw measurement.
func scanJobKeys(_ bytes: UnsafeRawBufferPointer) -> [Int64] {
    let pattern: [UInt8] = Array("\"jobKey\"".utf8)
    var keys: [Int64] = []
    let count = bytes.count
    var index = 0
    while index + pattern.count < count {
        if bytes[index] == UInt8(ascii: "\""), bytes[index + 1] == UInt8(ascii: "j") {
            var matches = true
            for offset in 2..<pattern.count where bytes[index + offset] != pattern[offset] {
                matches = false
                break
            }
            if matches {
                var position = index + pattern.count
                while position < count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: ":")
                    || bytes[position] == UInt8(ascii: "\"")
                { position += 1 }
                var value: Int64 = 0
                var digits = 0
                while position < count, bytes[position] >= 48, bytes[position] <= 57 {
                    value = value * 10 + Int64(bytes[position] - 48)
                    position += 1
                    digits += 1
                }
                if digits > 0 { keys.append(value) }
                index = position
                continue
            }
        }
        index += 1
    }
    return keys
}

/// The job key in a completion path such as `/jobs/2251799813685249/completion` (relative to `/v2`).
func jobKey(inCompletionPath path: Substring) -> Int64? {
    guard let range = path.range(of: "/jobs/") else { return nil }
    var value: Int64 = 0
    var digits = 0
    for byte in path[range.upperBound...].utf8 {
        guard byte >= 48, byte <= 57 else { break }
        value = value * 10 + Int64(byte - 48)
        digits += 1
    }
    return digits > 0 ? value : nil
}

/// A middleware next to the SDK's transport that times activations and completions for the benchmark.
struct LatencyMiddleware: ClientMiddleware {
    let recorder: LatencyRecorder

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        switch operationID {
        case "activateJobs" where recorder.measuresLatency && response.status.code == 200:
            guard let responseBody else { return (response, nil) }
            let bytes = try await [UInt8](collecting: responseBody, upTo: 64 << 20)
            recorder.activated(bytes.withUnsafeBytes { scanJobKeys($0) })
            return (response, HTTPBody(bytes))
        case "completeJob" where response.status.code == 204:
            recorder.completed(recorder.measuresLatency ? request.path.flatMap { jobKey(inCompletionPath: $0[...]) } : nil)
            return (response, responseBody)
        default:
            return (response, responseBody)
        }
    }
}
