import Metrics
import Synchronization

/// Counts completed jobs towards a target and records when the last one was acknowledged.
///
/// The SDK worker reports its completions through swift-metrics (`camunda.worker.jobs.completed`, which
/// the worker increments once the completion's 204 arrived; see ``BenchMetrics``), the raw loop calls
/// ``completed()`` itself. Nothing sits in the SDK's request path: activation-to-acknowledgement latency
/// is measured by the gateway (`GET /_gateway/latencies`).
final class CompletionRecorder: Sendable {
    private struct State {
        var completions = 0
        var completedAtNanos: UInt64 = 0
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
    }

    let target: Int
    private let state = Mutex(State())

    init(target: Int) {
        self.target = target
    }

    /// `count` jobs were acknowledged now.
    func completed(_ count: Int = 1) {
        let now = monotonicNanos()
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.completions += count
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
}

/// The bench's swift-metrics backend: forwards the SDK worker's completion counter to the current
/// ``CompletionRecorder`` and drops every other metric.
enum BenchMetrics {
    private static let current = Mutex<CompletionRecorder?>(nil)
    private static let bootstrapped = Mutex(false)

    /// Routes completions to `recorder` until the next call (installs the backend on first use).
    static func record(into recorder: CompletionRecorder?) {
        bootstrapped.withLock { done in
            if !done {
                MetricsSystem.bootstrap(Factory())
                done = true
            }
        }
        current.withLock { $0 = recorder }
    }

    private final class CompletionCounter: CounterHandler {
        func increment(by amount: Int64) { BenchMetrics.current.withLock { $0 }?.completed(Int(amount)) }
        func reset() {}
    }

    private struct Factory: MetricsFactory {
        func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
            label == "camunda.worker.jobs.completed" ? CompletionCounter() : NOOPMetricsHandler.instance
        }
        func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
            NOOPMetricsHandler.instance
        }
        func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
            NOOPMetricsHandler.instance
        }
        func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler { NOOPMetricsHandler.instance }
        func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { NOOPMetricsHandler.instance }
        func destroyCounter(_ handler: any CounterHandler) {}
        func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
        func destroyMeter(_ handler: any MeterHandler) {}
        func destroyRecorder(_ handler: any RecorderHandler) {}
        func destroyTimer(_ handler: any TimerHandler) {}
    }
}

/// Finds the job keys in an activation response: the value of every `"jobKey"` member, as a string
/// or a number. The raw loop's only parsing of the response.
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

