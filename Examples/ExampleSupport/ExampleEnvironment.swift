import CamundaOrchestration
import CamundaTesting
import Foundation
import Logging
import Synchronization

/// Where an end-to-end example runs: the cluster that `CAMUNDA_REST_ADDRESS` names, or else an
/// embedded gateway that the example starts on 127.0.0.1.
public struct ExampleEnvironment: Sendable {
    /// The client, configured for the cluster or the embedded gateway.
    public let client: CamundaClient
    /// The embedded gateway, when no `CAMUNDA_REST_ADDRESS` was set.
    public let gateway: EmbeddedGateway?

    /// Connects to the cluster of `CAMUNDA_REST_ADDRESS` (and the other `CAMUNDA_*` variables), or
    /// starts an embedded gateway when it is not set.
    ///
    /// - Parameter name: The example's name, printed with what it connects to.
    /// - Returns: The environment; call ``shutdown()`` at the end.
    /// - Throws: ``CamundaConfigurationError`` for a bad configuration, or when the gateway cannot start.
    public static func start(_ name: String) async throws -> ExampleEnvironment {
        let environment = ProcessInfo.processInfo.environment
        let logger = Logger(label: name)
        if environment["CAMUNDA_REST_ADDRESS"] != nil || environment["ZEEBE_REST_ADDRESS"] != nil {
            let client = try CamundaClient(logger: logger)
            print("\(name): using the cluster at \(client.configuration.restAddress)")
            return ExampleEnvironment(client: client, gateway: nil)
        }
        let gateway = try await EmbeddedGateway.start()
        print("\(name): CAMUNDA_REST_ADDRESS is not set; started an embedded gateway at \(gateway.restAddress)")
        let client = try CamundaClient(
            configuration: ["CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString], logger: logger)
        return ExampleEnvironment(client: client, gateway: gateway)
    }

    /// Closes the client and stops the embedded gateway, if any.
    ///
    /// - Throws: An error of the client's or the gateway's shutdown.
    public func shutdown() async throws {
        try await client.shutdown()
        try await gateway?.shutdown()
    }

    /// Runs the client's workers until `done` returns, then stops them the graceful way (no new
    /// polls, running handlers finish) and returns.
    ///
    /// - Parameter done: Waits for the example's work to be finished.
    /// - Throws: An error of `done` or of the workers.
    public func runWorkers(until done: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.runWorkers(shutdownGracePeriod: .seconds(10)) }
            try await done()
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    /// Sets up swift-log for an example executable: messages at `EXAMPLE_LOG_LEVEL` (default
    /// `warning`) and above go to standard error, so the example's own output stays readable.
    public static func bootstrapLogging() {
        let level = ProcessInfo.processInfo.environment["EXAMPLE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// Lines of progress that handlers report and the example waits for: a tiny, thread-safe event log.
public final class ExampleProgress: Sendable {
    private let state = Mutex<(events: [String], waiters: [(Int, CheckedContinuation<Void, Never>)])>(([], []))

    /// Creates an empty log.
    public init() {}

    /// Records and prints one event.
    ///
    /// - Parameter event: What happened, for example `"order A-1 paid"`.
    public func record(_ event: String) {
        print("  \(event)")
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.events.append(event)
            let count = state.events.count
            let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
            state.waiters.removeAll { $0.0 <= count }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// The events recorded so far, oldest first.
    public var events: [String] { state.withLock { $0.events } }

    /// Waits until at least `count` events were recorded.
    ///
    /// - Parameter count: The number of events to wait for.
    public func waitFor(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let satisfied = state.withLock { state -> Bool in
                if state.events.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if satisfied { continuation.resume() }
        }
    }
}
