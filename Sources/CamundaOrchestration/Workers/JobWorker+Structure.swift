import Synchronization

/// A single-consumer queue between two tasks of one worker run: the producer ``send(_:)``s, the
/// consumer awaits ``next()`` until ``finish()``. Unbounded (the producer bounds what it sends: the
/// poll loop never holds more jobs than the worker's capacity). Not cancellable: the consumer is a
/// task group body of the worker that nothing cancels.
final class WorkerChannel<Element: Sendable>: Sendable {
    private struct State {
        var buffer: [Element] = []
        var finished = false
        var waiter: CheckedContinuation<Element?, Never>?
    }

    private let state = Mutex(State())

    init() {}

    /// Hands `element` to the consumer; `false` (and the element is not taken) after ``finish()``.
    @discardableResult
    func send(_ element: Element) -> Bool {
        let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Element?, Never>?) in
            guard !state.finished else { return (false, nil) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (true, waiter)
            }
            state.buffer.append(element)
            return (true, nil)
        }
        waiter?.resume(returning: element)
        return accepted
    }

    /// No more elements: ``next()`` returns `nil` once the buffer is empty.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Element?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next element, or `nil` once finished and empty.
    func next() async -> Element? {
        await withCheckedContinuation { continuation in
            let immediate = state.withLock { state -> (Element?, ready: Bool) in
                if !state.buffer.isEmpty { return (state.buffer.removeFirst(), true) }
                if state.finished { return (nil, true) }
                state.waiter = continuation
                return (nil, false)
            }
            if immediate.ready { continuation.resume(returning: immediate.0) }
        }
    }
}

/// Runs work in the child tasks of the worker run's outermost task group, which the drain bound's
/// cancellation of the handlers does not reach.
///
/// Swift has no cancellation shield: an acknowledgement sent from a handler's task after the drain
/// bound cancelled it would fail at once. The job's task hands the acknowledgement (or the back-off
/// sleep between its attempts) to this shelter instead and waits for its result; the run's outer
/// group body adds it as a child task of its own. The run returns only once those children end.
final class WorkerShelter: Sendable {
    typealias Work = @Sendable () async -> Void
    let channel = WorkerChannel<Work>()

    init() {}

    /// Runs `body` in a child task of the worker's outer group and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = channel.send {
                do {
                    continuation.resume(returning: try await body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            // Cannot happen: the shelter closes only after every job's task has ended.
            if !accepted { continuation.resume(throwing: CancellationError()) }
        }
    }
}

/// What the poll loop hands to the run's job group: jobs to start, or to hand back unstarted.
struct JobBatch: Sendable {
    enum Action: Sendable {
        case start
        case handBack(reason: String)
    }

    var jobs: [ActivatedJobResult]
    var action: Action
}
