/// A snapshot of the client's adaptive backpressure (see `CamundaClient.backpressureState`).
public struct BackpressureState: Sendable, Hashable, CustomStringConvertible {
    /// The profile in use.
    public var profile: CamundaConfiguration.BackpressureProfile
    /// The current concurrency limit for initiating calls; `nil` means unlimited.
    public var permitLimit: Int?
    /// Calls holding a permit now.
    public var inFlight: Int
    /// Calls waiting for a permit now.
    public var waiting: Int
    /// Backpressure signals received in a row (reset by any other response).
    public var consecutiveSignals: Int
    /// Backpressure signals received since the client was created.
    public var totalSignals: Int
    /// The extra delay each call waits while the limit is at its floor of 1 (zero otherwise).
    public var floorDelay: Duration

    /// A one-line summary.
    public var description: String {
        "BackpressureState(profile: \(profile), permits: \(permitLimit.map(String.init) ?? "unlimited"), "
            + "inFlight: \(inFlight), waiting: \(waiting), consecutiveSignals: \(consecutiveSignals), "
            + "totalSignals: \(totalSignals), floorDelay: \(floorDelay.camundaMilliseconds) ms)"
    }
}

/// The AIMD permit scheme shared by the official Camunda SDKs, as a value type driven by events.
///
/// - Starts unlimited.
/// - On a backpressure signal (429, 503, 500 with `RESOURCE_EXHAUSTED`): an unlimited client drops to
///   ``initialLimit`` (16) permits; a limited one multiplies its limit by 0.7, or by 0.5 from the third
///   signal in a row; never below 1. At the floor each call first waits a delay that starts at 25 ms and
///   doubles with each further signal up to 2 s.
/// - Recovery, measured from the last signal: after 2 s of quiet, +1 permit per second; after 10 s
///   (healthy), ×1.5 per second; after 30 s, unlimited again.
/// - `LEGACY` observes only: the limit is tracked but calls never wait.
///
/// Every method takes the current instant, so tests drive time by hand. Continuations are returned to
/// the caller to resume after the lock is released.
struct BackpressureStateMachine<Waiter> {
    static var initialLimit: Int { 16 }
    static var decrease: Double { 0.7 }
    static var severeDecrease: Double { 0.5 }
    static var severeAfterSignals: Int { 3 }
    static var floorDelayStart: Duration { .milliseconds(25) }
    static var floorDelayMax: Duration { .seconds(2) }
    static var quietBeforeRecovery: Duration { .seconds(2) }
    static var recoveryStep: Duration { .seconds(1) }
    static var healthyAfter: Duration { .seconds(10) }
    static var unlimitedAfter: Duration { .seconds(30) }
    static var maximumLimit: Int { 4096 }

    let profile: CamundaConfiguration.BackpressureProfile
    private(set) var limit: Int?
    private(set) var inFlight = 0
    private(set) var consecutiveSignals = 0
    private(set) var totalSignals = 0
    private(set) var floorDelay: Duration = .zero
    private var lastSignal: ContinuousClock.Instant?
    private var lastRecoveryStep: ContinuousClock.Instant?
    private var waiters: [(id: Int, waiter: Waiter)] = []

    init(profile: CamundaConfiguration.BackpressureProfile) {
        self.profile = profile
    }

    var state: BackpressureState {
        BackpressureState(
            profile: profile, permitLimit: limit, inFlight: inFlight, waiting: waiters.count,
            consecutiveSignals: consecutiveSignals, totalSignals: totalSignals, floorDelay: floorDelay)
    }

    private var hasFreePermit: Bool {
        profile == .legacy || limit.map { inFlight < $0 } ?? true
    }

    private var currentDelay: Duration {
        profile == .balanced && limit == 1 ? floorDelay : .zero
    }

    enum AcquireAction {
        /// The permit is taken; wait this long before sending.
        case proceed(delay: Duration)
        /// No permit is free: the waiter was queued.
        case queued
    }

    /// Takes a permit if one is free, else queues `waiter`. Also returns earlier waiters that recovery let in.
    mutating func acquire(
        id: Int, waiter: Waiter, now: ContinuousClock.Instant
    ) -> (AcquireAction, [(Waiter, Duration)]) {
        let granted = tick(now: now)
        if waiters.isEmpty, hasFreePermit {
            inFlight += 1
            return (.proceed(delay: currentDelay), granted)
        }
        waiters.append((id, waiter))
        return (.queued, granted)
    }

    /// Applies recovery due by `now` and hands free permits to queued waiters.
    mutating func tick(now: ContinuousClock.Instant) -> [(Waiter, Duration)] {
        recover(now: now)
        return grant()
    }

    /// Removes a queued waiter (its task was cancelled); returns it when it was still queued.
    mutating func cancel(id: Int) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index).waiter
    }

    /// Returns a permit; hands free permits to queued waiters.
    mutating func release(now: ContinuousClock.Instant) -> [(Waiter, Duration)] {
        inFlight = max(inFlight - 1, 0)
        recover(now: now)
        return grant()
    }

    /// Records the outcome of a response: a backpressure signal, or any other response.
    mutating func record(signal: Bool, now: ContinuousClock.Instant) -> [(Waiter, Duration)] {
        if signal {
            consecutiveSignals += 1
            totalSignals += 1
            let wasAtFloor = limit == 1
            if let current = limit {
                let factor = consecutiveSignals >= Self.severeAfterSignals ? Self.severeDecrease : Self.decrease
                limit = max(1, Int(Double(current) * factor))
            } else {
                limit = Self.initialLimit
            }
            if limit == 1 {
                floorDelay = wasAtFloor ? min(Self.floorDelayMax, max(Self.floorDelayStart, floorDelay * 2)) : Self.floorDelayStart
            }
            lastSignal = now
            lastRecoveryStep = nil
            return []
        }
        consecutiveSignals = 0
        recover(now: now)
        return grant()
    }

    /// Applies the recovery steps due by `now`.
    mutating func recover(now: ContinuousClock.Instant) {
        guard let current = limit, let lastSignal else { return }
        let quiet = now - lastSignal
        if quiet >= Self.unlimitedAfter {
            limit = nil
            floorDelay = .zero
            consecutiveSignals = 0
            self.lastSignal = nil
            lastRecoveryStep = nil
            return
        }
        guard quiet >= Self.quietBeforeRecovery else { return }
        var step = lastRecoveryStep ?? (lastSignal + Self.quietBeforeRecovery - Self.recoveryStep)
        var newLimit = current
        while now - step >= Self.recoveryStep {
            step += Self.recoveryStep
            if step - lastSignal >= Self.healthyAfter {
                newLimit = max(newLimit + 1, Int((Double(newLimit) * 1.5).rounded(.up)))
            } else {
                newLimit += 1
            }
            newLimit = min(newLimit, Self.maximumLimit)
        }
        lastRecoveryStep = step
        limit = newLimit
        if newLimit > 1 { floorDelay = .zero }
    }

    private mutating func grant() -> [(Waiter, Duration)] {
        var granted: [(Waiter, Duration)] = []
        while !waiters.isEmpty, hasFreePermit {
            inFlight += 1
            granted.append((waiters.removeFirst().waiter, currentDelay))
        }
        return granted
    }
}
