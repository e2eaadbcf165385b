import Foundation
import Synchronization


/// A fixed pool of OS threads for blocking work (`.thread` handlers, and the pipe I/O of `.process`
/// handlers), so that it never occupies Swift's cooperative thread pool.
final class JobThreadPool: @unchecked Sendable {
    // @unchecked: `items` and `closed` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var items: [@Sendable () -> Void] = []
    private var closed = false

    /// Starts `size` threads named `<name>-<n>`.
    init(size: Int, name: String) {
        for index in 0..<size {
            let threadName = "\(name)-\(index + 1)"
            let thread = Thread { [self] in self.work(name: threadName) }
            thread.name = threadName
            thread.start()
        }
    }

    /// The name of the worker pool thread the caller runs on, or `nil` when it is not on one.
    static var currentPoolThreadName: String? {
        Thread.current.threadDictionary[threadKey] as? String
    }

    private static let threadKey = "camunda.worker.pool-thread"

    private func work(name: String) {
        Thread.current.threadDictionary[Self.threadKey] = name
        while let item = take() { item() }
    }

    private func take() -> (@Sendable () -> Void)? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        if items.isEmpty { return nil }
        return items.removeFirst()
    }

    /// Lets the threads end once the queued work is done.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func submit(_ item: @escaping @Sendable () -> Void) {
        condition.lock()
        items.append(item)
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` on a pool thread and returns its result; `onCancel` runs when the awaiting task is
    /// cancelled, and the call then returns `nil` at once (the thread's later result is dropped).
    func run<T: Sendable>(
        _ body: @escaping @Sendable () -> T, onCancel: @escaping @Sendable () -> Void = {}
    ) async -> T? {
        let slot = ResultSlot<T>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
                guard slot.install(continuation) else { return }
                submit { slot.resume(body()) }
            }
        } onCancel: {
            onCancel()
            slot.resume(nil)
        }
    }
}

/// One continuation resumed exactly once, by whichever comes first: the result or cancellation.
private final class ResultSlot<T: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<T?, Never>)
        case cancelledEarly
        case done
    }
    private let state = Mutex<State>(.empty)

    /// Installs the continuation; resumes it with `nil` and returns `false` when cancelled already.
    func install(_ continuation: CheckedContinuation<T?, Never>) -> Bool {
        let cancelled = state.withLock { state -> Bool in
            if case .cancelledEarly = state {
                state = .done
                return true
            }
            state = .waiting(continuation)
            return false
        }
        if cancelled { continuation.resume(returning: nil) }
        return !cancelled
    }

    func resume(_ value: T?) {
        let continuation = state.withLock { state -> CheckedContinuation<T?, Never>? in
            switch state {
            case .waiting(let continuation):
                state = .done
                return continuation
            case .empty:
                state = .cancelledEarly
                return nil
            case .cancelledEarly, .done:
                return nil
            }
        }
        continuation?.resume(returning: value)
    }
}
