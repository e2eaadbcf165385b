/// The worker's shared state: a value type behind a `Mutex`. Its methods change the state and return
/// the side effects to perform, which the caller performs after unlocking.
struct WorkerStateMachine {
    enum Phase: Equatable {
        case idle
        case running
        case stopping
    }

    enum Health: Equatable {
        case healthy
        /// Consecutive activation failures and the category of the last one.
        case failing(attempts: Int, category: String)
    }

    let capacity: Int
    private(set) var phase: Phase = .idle
    /// Jobs activated and not yet acknowledged (running, waiting to be acknowledged, or being handed back).
    private(set) var inFlight = 0
    private(set) var peakInFlight = 0
    private(set) var health: Health = .healthy
    /// Since when the worker's requests (polls or acknowledgements) have been timing out, if they are.
    private(set) var timingOutSince: ContinuousClock.Instant?
    /// When the last stretch of timeouts ended: a request sent before then that times out later
    /// belongs to the old stretch and starts no new one.
    private var recoveredAt: ContinuousClock.Instant?
    /// The run's stop watcher: resumed on stop, which cancels the poll loop (its request or sleep).
    private var stopWaiter: CheckedContinuation<Void, Never>?
    private var capacityWaiter: CheckedContinuation<Bool, Never>?
    private var drainWaiter: CheckedContinuation<Bool, Never>?
    /// A `ServiceGroup` signalled graceful shutdown: a cancellation after it is the hard stop.
    private(set) var shutdownSignalled = false
    /// A hard stop came: the drain ends at once.
    private var hardStopped = false

    init(capacity: Int) { self.capacity = capacity }

    var freeSlots: Int { max(capacity - inFlight, 0) }
    var isStopping: Bool { phase == .stopping }

    // MARK: Lifecycle

    /// Starts a run; `false` when the worker is already running.
    mutating func start() -> Bool {
        guard phase == .idle else { return false }
        phase = .running
        health = .healthy
        shutdownSignalled = false
        hardStopped = false
        return true
    }

    struct StopActions {
        var stopWaiter: CheckedContinuation<Void, Never>?
        var capacityWaiter: CheckedContinuation<Bool, Never>?
    }

    /// Stops polling: wakes the stop watcher (which interrupts the request or sleep under way) and a
    /// poller waiting for capacity.
    mutating func stop() -> StopActions {
        guard phase == .running else { return StopActions() }
        phase = .stopping
        defer {
            stopWaiter = nil
            capacityWaiter = nil
        }
        return StopActions(stopWaiter: stopWaiter, capacityWaiter: capacityWaiter)
    }

    mutating func gracefulShutdownSignalled() { shutdownSignalled = true }

    /// Ends the drain at once; returns the drain's waiter to resume with `false`.
    mutating func hardStop() -> CheckedContinuation<Bool, Never>? {
        guard phase != .idle else { return nil }
        hardStopped = true
        defer { drainWaiter = nil }
        return drainWaiter
    }

    /// The run finished: ready to run again.
    mutating func finish() {
        phase = .idle
        inFlight = 0
    }

    // MARK: Polling

    /// Registers the stop watcher; `true` (and the caller resumes it at once) when the worker is not
    /// running or the watcher's task is cancelled.
    mutating func waitForStop(_ continuation: CheckedContinuation<Void, Never>, cancelled: Bool) -> Bool {
        guard phase == .running, !cancelled else { return true }
        stopWaiter = continuation
        return false
    }

    /// The stop watcher's task was cancelled: returns its continuation to resume, if registered.
    mutating func cancelStopWait() -> CheckedContinuation<Void, Never>? {
        defer { stopWaiter = nil }
        return stopWaiter
    }

    enum CapacityDecision {
        /// Poll for this many jobs.
        case poll(Int)
        /// Wait for a slot; the caller suspends with ``waitForCapacity(_:)``.
        case wait
        /// Stop polling.
        case stop
    }

    func nextPoll() -> CapacityDecision {
        guard phase == .running else { return .stop }
        return freeSlots > 0 ? .poll(freeSlots) : .wait
    }

    /// Suspends the poller until a slot frees (`true`) or the worker stops (`false`). Returns the
    /// continuation to resume at once when nothing needs waiting for.
    mutating func waitForCapacity(_ continuation: CheckedContinuation<Bool, Never>) -> (CheckedContinuation<Bool, Never>, Bool)? {
        guard phase == .running else { return (continuation, false) }
        guard freeSlots == 0 else { return (continuation, true) }
        capacityWaiter = continuation
        return nil
    }

    /// Jobs arrived: counts them in flight. Returns whether they may start (`false` when stopping:
    /// hand them back) and the jobs in flight now.
    mutating func activated(_ count: Int) -> (mayStart: Bool, inFlight: Int) {
        inFlight += count
        peakInFlight = max(peakInFlight, inFlight)
        return (phase == .running, inFlight)
    }

    /// An activation failed; returns the consecutive attempt number and whether this is a change of
    /// state worth logging.
    mutating func activationFailed(category: String) -> (attempt: Int, changed: Bool) {
        switch health {
        case .healthy:
            health = .failing(attempts: 1, category: category)
            return (1, true)
        case .failing(let attempts, let previous):
            health = .failing(attempts: attempts + 1, category: category)
            return (attempts + 1, previous != category)
        }
    }

    /// An activation succeeded; returns the number of failures it ends, if it ends a failing streak,
    /// and since when requests had been timing out, if they had.
    mutating func activationSucceeded(now: ContinuousClock.Instant) -> (failures: Int, timingOutSince: ContinuousClock.Instant?)? {
        let since = timingOutSince
        if since != nil { recoveredAt = now }
        timingOutSince = nil
        guard case .failing(let attempts, _) = health else { return since.map { (0, $0) } }
        health = .healthy
        return (attempts, since)
    }

    /// A request sent at `sentAt` timed out; `true` when this starts a stretch of timeouts (the moment to warn).
    mutating func requestTimedOut(sentAt: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Bool {
        guard timingOutSince == nil else { return false }
        if let recoveredAt, sentAt < recoveredAt { return false }
        timingOutSince = now
        return true
    }

    /// An acknowledgement got a response; returns since when requests had been timing out when this
    /// ends the stretch and the poll loop is not failing (else the next successful poll reports it).
    mutating func acknowledgementAnswered(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard let since = timingOutSince, health == .healthy else { return nil }
        timingOutSince = nil
        recoveredAt = now
        return since
    }

    // MARK: Jobs

    struct FinishActions {
        /// The jobs still in flight.
        var inFlight = 0
        var capacityWaiter: CheckedContinuation<Bool, Never>?
        var drainWaiter: CheckedContinuation<Bool, Never>?
    }

    /// A job was acknowledged (or given up on): frees its slot.
    mutating func jobFinished() -> FinishActions {
        inFlight -= 1
        var actions = FinishActions(inFlight: inFlight)
        if let waiter = capacityWaiter {
            capacityWaiter = nil
            actions.capacityWaiter = waiter
        }
        if inFlight == 0, let waiter = drainWaiter {
            drainWaiter = nil
            actions.drainWaiter = waiter
        }
        return actions
    }

    // MARK: Drain

    /// Waits for in-flight jobs to finish; returns what to resume the continuation with at once:
    /// `true` when none are left, `false` after a hard stop.
    mutating func waitForDrain(_ continuation: CheckedContinuation<Bool, Never>) -> Bool? {
        if inFlight == 0 { return true }
        if hardStopped { return false }
        drainWaiter = continuation
        return nil
    }

    /// The drain bound passed: returns the waiter to resume with `false` (none when the jobs drained).
    mutating func drainTimeout() -> CheckedContinuation<Bool, Never>? {
        defer { drainWaiter = nil }
        return drainWaiter
    }
}
