import Foundation

#if canImport(CoreFoundation)
import CoreFoundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic time in nanoseconds.
@inline(__always)
func monotonicNanos() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

#if canImport(Glibc)
private let rusageSelf = __rusage_who_t(RUSAGE_SELF.rawValue)
#else
private let rusageSelf = RUSAGE_SELF
#endif

/// CPU time of this process (user + system), in microseconds, from `getrusage(RUSAGE_SELF)`.
func processCPUMicros() -> Int64 {
    var usage = rusage()
    getrusage(rusageSelf, &usage)
    return Int64(usage.ru_utime.tv_sec) * 1_000_000 + Int64(usage.ru_utime.tv_usec)
        + Int64(usage.ru_stime.tv_sec) * 1_000_000 + Int64(usage.ru_stime.tv_usec)
}

/// CPU time (user + system) of another process, in microseconds, from `/proc/<pid>/stat` (clock-tick
/// resolution, usually 10 ms); `nil` when unavailable.
func otherProcessCPUMicros(_ pid: Int32) -> Int64? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
    else { return nil }
    // Fields after the command name: state(3) ppid(4) ... utime(14) stime(15).
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
    let ticks = Int64(sysconf(Int32(_SC_CLK_TCK)))
    return (user + system) * 1_000_000 / max(ticks, 1)
}

/// The ids of this process's children (Linux), from `/proc/*/stat`.
func childProcessIDs() -> [Int32] {
    let me = getpid()
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    var children: [Int32] = []
    for entry in entries {
        guard let pid = Int32(entry),
            let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { continue }
        let fields = text[text.index(after: close)...].split(separator: " ")
        if fields.count > 1, Int32(fields[1]) == me { children.append(pid) }
    }
    return children
}

/// Peak resident set size of this process in bytes (`VmHWM`; falls back to `ru_maxrss`).
func peakRSSBytes() -> Int64 {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").dropFirst().first.flatMap { Int64($0) }
            if let kilobytes = digits { return kilobytes * 1024 }
        }
    }
    var usage = rusage()
    getrusage(rusageSelf, &usage)
    #if canImport(Darwin)
    return Int64(usage.ru_maxrss)
    #else
    return Int64(usage.ru_maxrss) * 1024
    #endif
}

/// Current resident set size of this process in bytes (`VmRSS`), or 0.
func currentRSSBytes() -> Int64 {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        if let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int64($0) }) { return kilobytes * 1024 }
    }
    return 0
}

/// Resets the kernel's peak-RSS mark (`VmHWM`) to the current RSS, so the peak covers only what follows.
/// Returns whether it worked (Linux only).
@discardableResult
func resetPeakRSS() -> Bool {
    let fd = open("/proc/self/clear_refs", O_WRONLY)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return write(fd, "5", 1) == 1
}

/// The 1-, 5- and 15-minute load averages, as printed by `uptime`.
func loadAverages() -> [Double] {
    var loads = [Double](repeating: 0, count: 3)
    let count = getloadavg(&loads, 3)
    return count == 3 ? loads : []
}

/// The number of online CPUs.
func cpuCount() -> Int { ProcessInfo.processInfo.activeProcessorCount }

/// Activation-to-completion latency as the gateway measured it (`GET /_gateway/latencies`): from the
/// moment it activated a job to the moment the job's first completion arrived, in milliseconds.
struct GatewayLatencies: Decodable {
    var count: Int
    var p50Ms: Double?
    var p99Ms: Double?
    var maxMs: Double?
}

/// The median of a sample.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
