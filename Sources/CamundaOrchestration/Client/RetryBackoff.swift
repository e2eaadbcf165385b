import Foundation

/// The retry delays of the SDK: capped exponential backoff with full jitter, and `Retry-After` parsing.
/// (The runtime's one back-off model is the internal `Backoff`; this forwards to it.)
///
/// The ceiling for retry `n` (1 for the first retry) is `min(maxDelay, baseDelay × 2^(n-1))`, computed in
/// floating point and capped before any conversion, so large attempt numbers never overflow. The actual
/// delay is a uniformly random fraction of it ("full jitter"). With the defaults (100 ms base, 2 s cap):
///
/// | retry | ceiling  | delay drawn from |
/// |-------|----------|------------------|
/// | 1     | 100 ms   | 0 … 100 ms       |
/// | 2     | 200 ms   | 0 … 200 ms       |
/// | 3     | 400 ms   | 0 … 400 ms       |
/// | 4     | 800 ms   | 0 … 800 ms       |
/// | 5     | 1.6 s    | 0 … 1.6 s        |
/// | 6+    | 2 s      | 0 … 2 s          |
public enum RetryBackoff {
    /// The largest delay of retry `attempt` (1-based): `min(maxDelay, baseDelay × 2^(attempt-1))`.
    ///
    /// - Parameters:
    ///   - attempt: The retry number, 1 for the first retry; values below 1 count as 1.
    ///   - baseDelay: The delay ceiling of the first retry.
    ///   - maxDelay: The cap.
    /// - Returns: The ceiling, never more than `maxDelay` and never negative.
    public static func ceiling(attempt: Int, baseDelay: Duration, maxDelay: Duration) -> Duration {
        Backoff(base: baseDelay, cap: maxDelay, jitter: .full).ceiling(attempt: attempt)
    }

    /// The delay before retry `attempt` with full jitter: `ceiling × jitter`.
    ///
    /// - Parameters:
    ///   - attempt: The retry number, 1 for the first retry.
    ///   - baseDelay: The delay ceiling of the first retry.
    ///   - maxDelay: The cap.
    ///   - jitter: A random number in `0...1` (clamped).
    /// - Returns: A delay between zero and ``ceiling(attempt:baseDelay:maxDelay:)``.
    public static func delay(attempt: Int, baseDelay: Duration, maxDelay: Duration, jitter: Double) -> Duration {
        Backoff(base: baseDelay, cap: maxDelay, jitter: .full).delay(attempt: attempt, random: jitter)
    }

    /// Parses a `Retry-After` value: delay seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`).
    ///
    /// - Parameters:
    ///   - value: The header value.
    ///   - now: The current time, for HTTP dates.
    /// - Returns: The delay (zero for dates in the past), or `nil` when the value is neither form.
    public static func retryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds.isFinite {
            return .nanoseconds(Int64(min(max(seconds, 0), 86_400) * 1e9))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                let seconds = min(max(date.timeIntervalSince(now), 0), 86_400)
                return .nanoseconds(Int64(seconds * 1e9))
            }
        }
        return nil
    }
}
