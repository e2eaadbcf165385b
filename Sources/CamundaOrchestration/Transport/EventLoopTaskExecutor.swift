import NIOCore

/// A NIO event loop as a Swift `TaskExecutor`: tasks that prefer it (`withTaskExecutorPreference`,
/// `Task(executorPreference:)`) run their non-isolated code on the loop's thread, so a request written
/// and a response read on that loop resume the task without a hop to Swift's global pool.
///
/// swift-nio 2.101 makes its event loops `SerialExecutor`s (for actors) but not `TaskExecutor`s.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `eventLoop` is immutable and thread-safe.
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

extension CamundaClient {
    /// The event loop the client's connections to its REST address live on, as a `TaskExecutor`, or nil
    /// when the client sends with a transport you passed.
    ///
    /// Running work with this preference puts it on the same thread as the connection I/O; only
    /// work that never blocks belongs there (see BENCHMARKS.md for what it saves).
    package var transportTaskExecutor: (any TaskExecutor)? {
        directExchange?.taskExecutor
    }
}
