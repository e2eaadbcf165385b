import Dispatch

/// Runs `body` — CPU-heavy test work such as generating a whole spec, tens of seconds in a debug
/// build on a loaded machine — on a thread of its own instead of Swift's cooperative pool.
///
/// The pool has one thread per core (two on the CI machine), and swift-testing runs tests in
/// parallel on it: two long synchronous tests hold both threads, every other test's tasks stall
/// behind them, and those tests' timeouts (request deadlines, `waitUntil`) fire. On a thread of its
/// own the work is time-shared by the kernel instead. `body` stays in the calling task, so `#expect`
/// and task-locals work as usual.
public func offCooperativePool<T>(_ body: () async throws -> T) async rethrows -> T {
    try await withTaskExecutorPreference(DedicatedThreadExecutor(), operation: body)
}

/// A task executor with a serial dispatch queue (and so a thread) of its own, outside the cooperative pool.
final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: the queue is immutable and thread-safe.
    private let queue = DispatchQueue(label: "camunda.tests.dedicated")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
