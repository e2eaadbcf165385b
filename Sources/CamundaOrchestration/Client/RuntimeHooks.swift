import Foundation

/// The clock every timer of the runtime reads and sleeps on: retry and back-off sleeps, adaptive
/// backpressure's recovery, OAuth token refresh and failure back-off, and the job worker's start-up
/// jitter, back-off, recovery reports and shutdown grace period.
///
/// It holds one `Clock<Duration>` (the way swift-service-lifecycle and swift-async-algorithms take
/// `some Clock<Duration>`): the real `ContinuousClock` by default, a manual clock in tests. Instants
/// are reported as `ContinuousClock.Instant`s (another clock's readings are mapped onto the moment
/// the value was created), so the state machines that keep instants need not be generic.
///
/// Network deadlines are not on this clock: the transport enforces them with timers on its event
/// loops, which only real time drives.
package struct RuntimeClock: Sendable {
    private let clock: any Clock<Duration>
    private let read: @Sendable () -> ContinuousClock.Instant

    /// Uses `clock` for every timer.
    package init<C: Clock<Duration>>(_ clock: C) {
        self.clock = clock
        if clock is ContinuousClock {
            read = { ContinuousClock.now }
        } else {
            let origin = clock.now
            let anchor = ContinuousClock.now
            read = { anchor + origin.duration(to: clock.now) }
        }
    }

    /// The real clock.
    package static var continuous: RuntimeClock { RuntimeClock(ContinuousClock()) }

    /// The current instant.
    package var now: ContinuousClock.Instant { read() }

    /// Sleeps for `duration` on the clock; throws `CancellationError` when the task is cancelled.
    package func sleep(for duration: Duration) async throws {
        try await clock.sleep(for: duration)
    }
}

/// Time and randomness of the runtime, one value for the client and its job workers (tests replace it).
package struct RuntimeHooks: Sendable {
    /// Every timer (see ``RuntimeClock``).
    package var clock: RuntimeClock
    /// A random number in `0...1` (retry and back-off jitter).
    package var random: @Sendable () -> Double
    /// The wall clock: HTTP dates in `Retry-After`, job deadlines (epoch milliseconds).
    package var wallClock: @Sendable () -> Date

    package init(
        clock: some Clock<Duration> = ContinuousClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        wallClock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.clock = RuntimeClock(clock)
        self.random = random
        self.wallClock = wallClock
    }
}
