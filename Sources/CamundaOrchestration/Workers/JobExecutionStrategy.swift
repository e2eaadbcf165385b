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

    /// The strategy's name.
    public var description: String { kind?.rawValue ?? "auto" }
}

extension JobExecutionStrategy where Context == ConnectedJobContext {
    /// Choose from the handler's type: `.async` for a ``ConnectedJobContext`` handler.
    public static var auto: Self { Self(kind: nil) }
    /// Run the handler as a child task: for handlers that `await` (I/O, API calls).
    public static var async: Self { Self(kind: .async) }
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
