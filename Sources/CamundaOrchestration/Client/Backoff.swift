import Foundation

/// The SDK's one back-off model: a ceiling that doubles from `base` per attempt up to `cap`, and a
/// jitter style that turns the ceiling into a delay. Every back-off of the runtime is a value of it:
///
/// | use | base | cap | jitter |
/// |---|---|---|---|
/// | HTTP retries (``CamundaConfiguration/RetryPolicy``, defaults) | 100 ms | 2 s | full |
/// | OAuth token failures | 500 ms | 30 s | none |
/// | worker job activation | 1 s | 30 s | ±20 % |
/// | worker job activation after timeouts / connection failures | 1 s | 10 s | ±20 % |
/// | worker acknowledgements | 200 ms | 5 s | ±20 % |
///
/// The ceiling of attempt `n` (1-based; values below 1 count as 1) is `min(cap, base × 2^(n-1))`,
/// computed in floating point and capped before any conversion, so large attempt numbers never
/// overflow. Delays are whole nanoseconds.
struct Backoff: Sendable, Hashable {
    /// How the ceiling becomes a delay, given a random number `r` in `0...1`.
    enum Jitter: Sendable, Hashable {
        /// The ceiling itself (`r` is ignored).
        case none
        /// `ceiling × r` ("full jitter": anywhere from zero to the ceiling).
        case full
        /// The ceiling spread over ±`spread` (0.2: 80–120 %), capped at `cap` again.
        case proportional(spread: Double)
    }

    var base: Duration
    var cap: Duration
    var jitter: Jitter

    init(base: Duration, cap: Duration, jitter: Jitter) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// The largest delay of attempt `attempt` (1-based): `min(cap, base × 2^(attempt-1))`, never negative.
    func ceiling(attempt: Int) -> Duration {
        .nanoseconds(Self.nanoseconds(ceilingSeconds(attempt: attempt)))
    }

    /// The delay before attempt `attempt + 1`, i.e. after `attempt` failures; `random` is a number in
    /// `0...1` (clamped; a non-finite value counts as 1).
    func delay(attempt: Int, random: Double) -> Duration {
        let fraction = random.isFinite ? min(max(random, 0), 1) : 1
        switch jitter {
        case .none:
            return ceiling(attempt: attempt)
        case .full:
            return .nanoseconds(Self.nanoseconds(ceiling(attempt: attempt).camundaSeconds * fraction))
        case .proportional(let spread):
            let seconds = min(ceilingSeconds(attempt: attempt) * ((1 - spread) + 2 * spread * fraction), cap.camundaSeconds)
            return .nanoseconds(Self.nanoseconds(seconds))
        }
    }

    private func ceilingSeconds(attempt: Int) -> Double {
        let exponent = Double(min(max(attempt, 1) - 1, 62))
        return max(min(base.camundaSeconds * pow(2, exponent), cap.camundaSeconds), 0)
    }

    private static func nanoseconds(_ seconds: Double) -> Int64 {
        Int64((seconds * 1e9).rounded())
    }
}

extension Backoff {
    /// The worker's job activation back-off (1 s doubling to 30 s, ±20 %).
    static let activation = Backoff(base: .seconds(1), cap: .seconds(30), jitter: .proportional(spread: 0.2))
    /// The job activation back-off after a timeout or a connection failure: capped at 10 s, since a
    /// timed-out poll has already waited its bound, so a worker resumes within 10 s of the network healing.
    static let activationAfterConnectionFailure = Backoff(
        base: .seconds(1), cap: .seconds(10), jitter: .proportional(spread: 0.2))
    /// The worker's acknowledgement retry back-off (200 ms doubling to 5 s, ±20 %).
    static let acknowledgement = Backoff(base: .milliseconds(200), cap: .seconds(5), jitter: .proportional(spread: 0.2))
    /// The OAuth token back-off after failed token requests (500 ms doubling to 30 s, no jitter).
    static let tokenFailure = Backoff(base: .milliseconds(500), cap: .seconds(30), jitter: .none)
    /// The HTTP retry back-off of a retry policy (full jitter).
    static func retries(_ policy: CamundaConfiguration.RetryPolicy) -> Backoff {
        Backoff(base: policy.baseDelay, cap: policy.maxDelay, jitter: .full)
    }
}
