/// Where a job handler runs. Typed by the handler's context, so that only strategies that can give
/// the handler its context compile.
///
/// | handler | `.auto` picks | also allowed |
/// |---|---|---|
/// | `(ConnectedJobContext) async throws -> Output` | `.async` | – |
/// | `(SyncJobContext) throws -> Output` | `.thread` | – |
/// | `(JobContext) throws -> Output` | `.thread` | `.async`, `.process` |
///
/// `.process` needs a handler that takes a ``JobContext``: a handler that wants a client
/// (``ConnectedJobContext``, ``SyncJobContext``) under `.process` does not compile.
public struct JobExecutionStrategy<Context: ActivatedJobContext>: Sendable, Hashable, CustomStringConvertible {
    let kind: JobExecutionKind?
    /// `.async` only: the worker's tasks prefer the client's event loop (see `asyncOnEventLoop`).
    var onEventLoop = false

    /// The strategy's name.
    public var description: String { onEventLoop ? "asyncOnEventLoop" : kind?.rawValue ?? "auto" }
}

extension JobExecutionStrategy where Context == ConnectedJobContext {
    /// Choose from the handler's type: `.async` for a ``ConnectedJobContext`` handler.
    public static var auto: Self { Self(kind: nil) }
    /// Run the handler as a child task: for handlers that `await` (I/O, API calls).
    public static var async: Self { Self(kind: .async) }
    /// Run the handler as a child task on the client's event loop, the thread its connections live
    /// on: the least CPU per job (no thread hop between a job's handler and its acknowledgement), for
    /// handlers that only `await` and finish quickly. A handler that computes or blocks holds up every
    /// request of the client, its own acknowledgements and the worker's polls included: use `.async`
    /// or a `.thread` handler for those. With a `ClientTransport` of your own it is `.async`.
    public static var asyncOnEventLoop: Self { Self(kind: .async, onEventLoop: true) }
}

extension JobExecutionStrategy where Context == SyncJobContext {
    /// Choose from the handler's type: `.thread` for a ``SyncJobContext`` handler.
    public static var auto: Self { Self(kind: nil) }
    /// Run the handler on a dedicated thread (blocking code, blocking client calls); never on Swift's
    /// cooperative thread pool.
    public static var thread: Self { Self(kind: .thread) }
}

extension JobExecutionStrategy where Context == JobContext {
    /// Choose from the handler's type: `.thread` for a synchronous ``JobContext`` handler.
    public static var auto: Self { Self(kind: nil) }
    /// Run the handler inline in a child task: only for quick, non-blocking handlers.
    public static var async: Self { Self(kind: .async) }
    /// Run the handler inline in a child task on the client's event loop (see
    /// ``JobExecutionStrategy/asyncOnEventLoop-swift.type.property``): only for handlers that finish in microseconds.
    public static var asyncOnEventLoop: Self { Self(kind: .async, onEventLoop: true) }
    /// Run the handler on a dedicated thread.
    public static var thread: Self { Self(kind: .thread) }
    /// Run the handler in a child process of the same executable: crash and memory isolation, true
    /// parallelism for CPU-bound work. The child re-enters `main`, registers the same workers and
    /// serves jobs when it reaches `runWorkers()`.
    public static var process: Self { Self(kind: .process) }
}

/// The strategy a worker runs with once `.auto` is resolved.
public enum JobExecutionKind: String, Sendable, Hashable, CustomStringConvertible {
    /// Child tasks in Swift concurrency.
    case async
    /// A dedicated pool of OS threads, one per concurrent job.
    case thread
    /// Child processes of the same executable.
    case process

    /// The strategy's name.
    public var description: String { rawValue }
}
