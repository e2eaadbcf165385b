import Foundation
import Logging
import Synchronization

/// Holds the adaptive backpressure state of one client and hands out permits.
package final class BackpressureController: Sendable {
    typealias Machine = BackpressureStateMachine<CheckedContinuation<Duration, any Error>>

    private struct Locked {
        var machine: Machine
        var nextID = 0
    }

    private let locked: Mutex<Locked>
    private let clock: RuntimeClock
    private let logger: Logger

    package init(profile: CamundaConfiguration.BackpressureProfile, logger: Logger, clock: RuntimeClock = .continuous) {
        self.locked = Mutex(Locked(machine: Machine(profile: profile)))
        self.clock = clock
        self.logger = logger
    }

    private func now() -> ContinuousClock.Instant { clock.now }

    /// The current state, with recovery applied up to now.
    package var state: BackpressureState {
        let instant = now()
        let (state, granted) = locked.withLock { locked in
            let granted = locked.machine.tick(now: instant)
            return (locked.machine.state, granted)
        }
        Self.resume(granted)
        return state
    }

    /// Waits for a permit; the caller must ``release()`` it.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    package func acquire() async throws {
        let instant = now()
        let id = locked.withLock { locked in
            locked.nextID += 1
            return locked.nextID
        }
        let delay = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Duration, any Error>) in
                let (action, granted) = locked.withLock { locked in
                    locked.machine.acquire(id: id, waiter: continuation, now: instant)
                }
                Self.resume(granted)
                switch action {
                case .proceed(let delay):
                    continuation.resume(returning: delay)
                case .queued:
                    logger.trace("Waiting for a backpressure permit", metadata: ["camunda.backpressure.waiter": "\(id)"])
                    if Task.isCancelled, let waiter = locked.withLock({ $0.machine.cancel(id: id) }) {
                        waiter.resume(throwing: CancellationError())
                    }
                }
            }
        } onCancel: {
            if let waiter = locked.withLock({ $0.machine.cancel(id: id) }) {
                waiter.resume(throwing: CancellationError())
            }
        }
        if delay > .zero {
            do {
                try await clock.sleep(for: delay)
            } catch {
                release()
                throw error
            }
        }
    }

    /// Returns a permit taken with ``acquire()``.
    package func release() {
        let instant = now()
        let granted = locked.withLock { $0.machine.release(now: instant) }
        Self.resume(granted)
    }

    /// Records a response: a backpressure signal or any other outcome.
    package func record(signal: Bool, operationID: String) {
        let instant = now()
        let (granted, state) = locked.withLock { locked in
            (locked.machine.record(signal: signal, now: instant), locked.machine.state)
        }
        Self.resume(granted)
        if signal {
            logger.debug(
                "Camunda backpressure signal",
                metadata: [
                    "camunda.operation": "\(operationID)",
                    "camunda.backpressure.permits": "\(state.permitLimit.map(String.init) ?? "unlimited")",
                    "camunda.backpressure.consecutive": "\(state.consecutiveSignals)",
                ])
        }
    }

    private static func resume(_ granted: [(CheckedContinuation<Duration, any Error>, Duration)]) {
        for (continuation, delay) in granted { continuation.resume(returning: delay) }
    }
}
