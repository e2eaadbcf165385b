import CamundaOrchestration
import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import Synchronization

/// One request seen by ``StubTransport``.
struct SeenRequest: Sendable {
    var method: String
    var path: String
    var baseURL: URL
    var operationID: String
    var headers: HTTPFields
    var body: Data?

    var url: String { baseURL.absoluteString + path }
    var authorization: String? { headers[.authorization] }
    var bodyText: String { body.map { String(decoding: $0, as: UTF8.self) } ?? "" }
}

/// A reply of ``StubTransport``.
struct StubReply: Sendable {
    var status: Int
    var headers: [String: String] = [:]
    var body: Data = Data()

    static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> StubReply {
        var all = headers
        all["Content-Type"] = "application/json"
        return StubReply(status: status, headers: all, body: Data(text.utf8))
    }

    static func encoded(_ value: some Encodable, status: Int = 200) throws -> StubReply {
        StubReply(status: status, headers: ["Content-Type": "application/json"], body: try CamundaJSON.encode(value))
    }

    static func problem(_ status: Int, title: String, detail: String = "") -> StubReply {
        .json(status, #"{"type":"about:blank","title":"\#(title)","status":\#(status),"detail":"\#(detail)"}"#,
              headers: ["Content-Type": "application/problem+json"])
    }
}

/// An in-memory `ClientTransport`: answers with a closure and records every request.
final class StubTransport: ClientTransport {
    typealias Handler = @Sendable (SeenRequest, Int) async throws -> StubReply
    private let handler: Handler
    private let seen = Mutex<[SeenRequest]>([])

    /// - Parameter handler: Gets the request and its 0-based index among all requests.
    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    var requests: [SeenRequest] { seen.withLock { $0 } }
    func requests(operation: String) -> [SeenRequest] { requests.filter { $0.operationID == operation } }

    func send(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var data: Data?
        if let body { data = try await Data(collecting: body, upTo: 1 << 24) }
        let seenRequest = SeenRequest(
            method: request.method.rawValue, path: request.path ?? "", baseURL: baseURL, operationID: operationID,
            headers: request.headerFields, body: data)
        let index = seen.withLock { seen in
            seen.append(seenRequest)
            return seen.count - 1
        }
        let reply = try await handler(seenRequest, index)
        var fields = HTTPFields()
        for (name, value) in reply.headers { fields[HTTPField.Name(name)!] = value }
        fields[.contentLength] = "\(reply.body.count)"
        return (HTTPResponse(status: .init(code: reply.status), headerFields: fields), HTTPBody(reply.body))
    }
}

/// A log handler that keeps every rendered line (message and metadata).
final class LogCapture: Sendable {
    private let storage = Mutex<[String]>([])

    var lines: [String] { storage.withLock { $0 } }

    func append(_ line: String) { storage.withLock { $0.append(line) } }

    /// A logger at trace level writing here.
    func logger(label: String = "camunda-test") -> Logger {
        var logger = Logger(label: label) { label in Handler(capture: self, label: label) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        let label: String
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all = metadata
            if let extra = event.metadata { all.merge(extra) { $1 } }
            let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.append("\(event.level) \(event.message) \(rendered)")
        }
    }
}

/// Time moved by hand: what a ``TestClock`` reads.
final class ManualTime: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)

    var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
    func advance(by duration: Duration) { offset.withLock { $0 += duration } }
}

/// The runtime's clock in tests (``RuntimeHooks/clock``): reads a ``ManualTime`` (still unless the
/// test moves it, so a sleep's duration arrives exactly), and hands every sleep to `onSleep` (which
/// records it, returns at once, or sleeps a little for real).
struct TestClock: Clock {
    typealias Instant = ContinuousClock.Instant
    let time: ManualTime
    let onSleep: @Sendable (Duration) async throws -> Void

    init(time: ManualTime = ManualTime(), onSleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.time = time
        self.onSleep = onSleep
    }

    var now: Instant { time.now }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await onSleep(now.duration(to: deadline))
    }
}

/// Records the sleeps the runtime asks for and returns at once (optionally moving a ``ManualTime``).
final class SleepLog: Sendable {
    private let storage = Mutex<[Duration]>([])
    let time: ManualTime?

    init(time: ManualTime? = nil) { self.time = time }

    var sleeps: [Duration] { storage.withLock { $0 } }

    func sleep(_ duration: Duration) async throws {
        try Task.checkCancellation()
        storage.withLock { $0.append(duration) }
        time?.advance(by: duration)
    }
}

extension CamundaClient {
    /// A client over a stub transport (or the default one when `nil`) with manual time and instant sleeps.
    static func testing(
        _ values: [String: String] = [:], transport: (any ClientTransport)?, time: ManualTime = ManualTime(),
        sleeps: SleepLog? = nil, logger: Logger = Logger(label: "camunda-test"), jitter: Double = 1,
        middlewares: [any ClientMiddleware] = []
    ) throws -> CamundaClient {
        let sleepLog = sleeps ?? SleepLog()
        let hooks = RuntimeHooks(clock: TestClock(time: time) { try await sleepLog.sleep($0) }, random: { jitter })
        return try CamundaClient(
            CamundaConfiguration(values, environment: [:]), transport: transport, middlewares: middlewares, logger: logger,
            hooks: hooks)
    }
}

/// A one-shot signal that tasks can await.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Yields until `condition` holds (bounded), for states reached by other tasks without an event to await.
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<200_000 {
        if condition() { return true }
        await Task.yield()
    }
    return condition()
}

let okJSON = StubReply.json(200, #"{"ok":true}"#)

/// A mutex-protected value in a class, so closures can share it.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { value in try body(&value) }
    }

    var value: Value { withLock { $0 } }
}
