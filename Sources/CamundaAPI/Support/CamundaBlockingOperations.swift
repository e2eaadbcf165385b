import Foundation

/// A blocking view of a ``CamundaOperations`` conformer: every API operation as a synchronous
/// method, for code running on threads of its own (such as `.thread` job handlers).
///
/// Never call these methods from Swift concurrency's cooperative thread pool (inside an `async`
/// function): they block the calling thread until the call finishes.
public protocol CamundaBlockingOperations: Sendable {
    /// The asynchronous operations the blocking methods forward to.
    associatedtype AsyncOperations: CamundaOperations
    /// The asynchronous operations the blocking methods forward to.
    var asyncOperations: AsyncOperations { get }
}

extension CamundaBlockingOperations {
    /// Runs an asynchronous call to completion, blocking the calling thread.
    package func runBlocking<T: Sendable>(
        _ body: @escaping @Sendable (AsyncOperations) async throws -> T
    ) throws -> T {
        let box = ResultBox<T>()
        let semaphore = DispatchSemaphore(value: 0)
        let operations = asyncOperations
        Task {
            do {
                box.set(.success(try await body(operations)))
            } catch {
                box.set(.failure(error))
            }
            semaphore.signal()
        }
        semaphore.wait()
        return try box.get()
    }
}

extension CamundaBlockingOperations {
    /// Sends a request, blocking, and checks its status (see ``CamundaOperations``).
    package func performBlocking(_ request: OperationRequest, success: Set<Int>) throws -> OperationResponse {
        try runBlocking { try await $0.perform(request, success: success) }
    }

    /// Sends a request, blocking, and decodes its JSON body.
    package func performBlocking<T: Decodable & Sendable>(
        _ request: OperationRequest, success: Set<Int>, decoding type: T.Type
    ) throws -> T {
        try runBlocking { try await $0.perform(request, success: success, decoding: T.self) }
    }

    /// Sends a request, blocking, whose success may have no body.
    package func performOptionalBlocking<T: Decodable & Sendable>(
        _ request: OperationRequest, success: Set<Int>, decoding type: T.Type
    ) throws -> T? {
        try runBlocking { try await $0.performOptional(request, success: success, decoding: T.self) }
    }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?
    func set(_ value: Result<T, any Error>) { lock.withLock { result = value } }
    func get() throws -> T { try lock.withLock { result! }.get() }
}

/// What the catalog records about one operation of the spec.
public struct OperationInfo: Sendable, Hashable {
    /// The `operationId`, which is also the client method's name.
    public var id: String
    /// The HTTP method.
    public var method: String
    /// The path template, for example `/jobs/{jobKey}/completion`.
    public var path: String
    /// The operation's tag (its group in the docs).
    public var tag: String
    /// Whether the spec marks it `x-eventually-consistent: true`.
    public var eventuallyConsistent: Bool

    /// Creates an entry.
    public init(id: String, method: String, path: String, tag: String, eventuallyConsistent: Bool) {
        self.id = id
        self.method = method
        self.path = path
        self.tag = tag
        self.eventuallyConsistent = eventuallyConsistent
    }
}
