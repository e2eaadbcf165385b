import NIOPosix
import Foundation
import NIOCore
import Synchronization

/// The client-side bound of one request: how long it may take, response body included, before it is
/// abandoned as a timeout (see ``CamundaConfiguration/HTTP``).
///
/// The runtime computes it per request from the operation (and, for a job activation, the
/// `requestTimeout` of its body, which the generated method records on the request) and hands it
/// down to the exchange as a deadline, so whatever transport sends the request can honour it; the
/// runtime enforces it as well, by cancelling the exchange when the deadline passes.
package struct RequestBound: Sendable, Hashable, CustomStringConvertible {
    /// What kind of request the bound is for.
    package enum Kind: String, Sendable, Hashable {
        /// A job activation: the server may hold it for its `requestTimeout`.
        case longPoll = "long poll"
        /// A job (or user task) acknowledgement.
        case acknowledgement
        /// An OAuth token request.
        case token
        /// Every other call.
        case ordinary
    }

    package var kind: Kind
    package var duration: Duration

    /// The deadline of the request being sent, for transports: the runtime sets it around each
    /// exchange (and cancels the exchange when it passes, whether or not the transport honours it).
    @TaskLocal package static var deadline: ContinuousClock.Instant?

    package init(kind: Kind, duration: Duration) {
        self.kind = kind
        self.duration = duration
    }

    /// The bound of `request` under `http`: long polls (``OperationTraits/longPoll``) by the hold
    /// time the generated method recorded (``OperationRequest/serverHoldMilliseconds``, the body's
    /// `requestTimeout`), acknowledgements (``OperationTraits/acknowledgement``) by the acknowledgement
    /// bound, everything else by the request bound. Reads no body.
    package static func of(_ request: OperationRequest, http: CamundaConfiguration.HTTP) -> RequestBound {
        of(traits: request.traits, serverHoldMilliseconds: request.serverHoldMilliseconds, http: http)
    }

    /// The bound of an operation with these traits whose server hold time (a long poll's
    /// `requestTimeout`, `nil` for the server's default) is `serverHoldMilliseconds`, under `http`.
    package static func of(
        traits: OperationTraits, serverHoldMilliseconds: Int64?, http: CamundaConfiguration.HTTP
    ) -> RequestBound {
        if traits.contains(.longPoll) {
            return RequestBound(kind: .longPoll, duration: http.longPollBound(requestTimeoutMilliseconds: serverHoldMilliseconds))
        }
        if traits.contains(.acknowledgement) {
            return RequestBound(kind: .acknowledgement, duration: http.acknowledgementTimeout)
        }
        return RequestBound(kind: .ordinary, duration: http.requestTimeout)
    }

    /// The bound of an operation whose hold time is known only from its encoded JSON `body` (its
    /// `requestTimeout` member, a number or a numeric string). Parses the body: the send path does not
    /// use it (it has the hold time from the typed body, see ``of(_:http:)``).
    package static func of(traits: OperationTraits, body: Data?, http: CamundaConfiguration.HTTP) -> RequestBound {
        of(traits: traits, serverHoldMilliseconds: traits.contains(.longPoll) ? requestTimeout(in: body) : nil, http: http)
    }

    /// The `requestTimeout` member of a JSON object body, in milliseconds (a number or a numeric string).
    static func requestTimeout(in body: Data?) -> Int64? {
        guard let body, let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        switch object["requestTimeout"] {
        case let number as NSNumber: return number.int64Value
        case let text as String: return Int64(text)
        default: return nil
        }
    }

    /// `"8 s (long poll)"`.
    package var description: String {
        let milliseconds = duration.camundaMilliseconds
        let amount = milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
        return "\(amount) (\(kind.rawValue))"
    }
}

/// A request that reached its client-side bound: the runtime cancelled it (which closes its connection).
///
/// Turned into a ``CamundaError`` of kind `.timeout` before it leaves the client.
struct RequestTimedOut: Error, CustomStringConvertible {
    var bound: RequestBound

    var description: String { "no complete response within the client-side bound of \(bound)" }
}

extension RequestBound {
    /// The timer of one bounded request: cancels the request's task when it fires. The task is
    /// dropped as soon as the request ends, so nothing of the request outlives it.
    private final class Timer<T: Sendable>: Sendable {
        private let state = Mutex<(fired: Bool, task: Task<T, any Error>?)>((false, nil))

        init(_ task: Task<T, any Error>) { state.withLock { $0.task = task } }

        var fired: Bool { state.withLock { $0.fired } }

        func fire() {
            let task = state.withLock { state in
                state.fired = true
                return state.task
            }
            task?.cancel()
        }

        func end() { state.withLock { $0.task = nil } }
    }

    /// Runs `body` until `deadline`: cancels it and throws ``RequestTimedOut`` when it has not finished
    /// by then. ``deadline`` is set for `body`, so a transport that honours it can end the request itself.
    ///
    /// The cancellation reaches the transport, which abandons the request and closes its connection
    /// (AsyncHTTPClient and the SDK's transport close an HTTP/1.1 connection whose request is cancelled
    /// after it was sent). `body` runs in a task of its own that an event-loop timer cancels (a task
    /// group with a sleeping child costs about twice as much per request); the timer is cancelled, and
    /// freed, as soon as the request ends. (The SDK's own transport, used directly, needs none of this:
    /// it ends a request at its deadline on the connection's event loop.)
    func enforce<T: Sendable>(
        until deadline: ContinuousClock.Instant, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let bound = self
        // Unstructured on purpose: the timer must be able to cancel `body` alone, not the caller's task.
        let task = Task { try await RequestBound.$deadline.withValue(deadline) { try await body() } }
        let timer = Timer(task)
        let remaining = max(deadline - ContinuousClock.now, .zero)
        let scheduled = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(remaining)) { timer.fire() }
        defer {
            scheduled.cancel()
            timer.end()
        }
        do {
            return try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        } catch where !(error is CamundaError) && (timer.fired || ContinuousClock.now >= deadline) {
            // Cancelled by the timer, or the transport gave up at the same deadline.
            throw RequestTimedOut(bound: bound)
        }
    }
}
