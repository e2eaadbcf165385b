import CamundaOrchestration
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The job types of the soak, one per execution strategy.
enum SoakJobType {
    static let async = "soak-async"
    static let thread = "soak-thread"
    static let process = "soak-process"
    static let all = [async, thread, process]

    static func strategy(of type: String) -> String {
        switch type {
        case async: "async"
        case thread: "thread"
        case process: "process"
        default: type
        }
    }
}

/// What a seeded job asks its handler to do (the job variable `mode`).
enum SoakMode: String, CaseIterable, Sendable {
    /// Complete at once.
    case ok
    /// Throw on the first attempt (retries 3), complete on the retry.
    case fail
    /// Sleep past the job's deadline, then complete: the lock expires while the handler runs.
    case slow
    /// `.process` only: crash the child on the first attempt (retries 3), complete on the retry.
    case crash
}

/// The settings shared by the parent and the `.process` children (which re-enter `main` with the
/// same arguments and environment).
enum SoakSettings {
    /// The job lock timeout of every worker.
    static let jobTimeoutMilliseconds: Int64 = 8_000
    /// How long a `slow` handler sleeps: past the lock.
    static let slowHandlerMilliseconds = 11_000
    /// The long-poll timeout of activation requests.
    static let longPollMilliseconds: Int64 = 3_000
    /// The client's HTTP request timeout; the injected slow responses take longer.
    static let clientRequestTimeout: Duration = .seconds(10)
    /// The injected delay of slow responses.
    static let slowResponseMilliseconds = 15_000
    /// The environment variable naming the handler log (set by the parent, inherited by children).
    static let handlerLogVariable = "CAMUNDA_SOAK_HANDLER_LOG"
    /// The environment variable naming the SDK log file.
    static let sdkLogVariable = "CAMUNDA_SOAK_SDK_LOG"
}

/// An append-only log of handler runs, shared by the parent and its `.process` children: one
/// `write(2)` per line on an `O_APPEND` descriptor, so lines from several processes never interleave.
///
/// Lines: `S <type> <jobKey> <deadline> <retries> <mode>` when a handler starts, `E <type> <jobKey>
/// <deadline> <outcome>` when it returns (outcome `ok` or `fail`). A crashing handler writes only `S`.
final class HandlerLog: Sendable {
    let fd: Int32

    init?(path: String) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        self.fd = fd
    }

    func append(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
    }

    static let shared: HandlerLog? = ProcessInfo.processInfo.environment[SoakSettings.handlerLogVariable].flatMap {
        HandlerLog(path: $0)
    }
}

/// The soak's planned handler failure.
struct PlannedFailure: Error, CustomStringConvertible {
    var description: String { "soak: planned failure on the first attempt" }
}

/// The handler body shared by the three strategies. `sleep` blocks (threads, children) or awaits (async).
enum SoakHandler {
    static func begin(_ job: any ActivatedJobContext) -> SoakMode {
        let mode = job.variables["mode"]?.stringValue.flatMap(SoakMode.init(rawValue:)) ?? .ok
        HandlerLog.shared?.append("S \(job.type) \(job.jobKey.rawValue) \(job.deadline) \(job.retries) \(mode.rawValue)")
        return mode
    }

    static func end(_ job: any ActivatedJobContext, _ outcome: String) {
        HandlerLog.shared?.append("E \(job.type) \(job.jobKey.rawValue) \(job.deadline) \(outcome)")
    }

    /// The synchronous handler (`.thread` and `.process`).
    static func run(_ job: any ActivatedJobContext) throws -> [String: JSONValue] {
        let mode = begin(job)
        switch mode {
        case .ok:
            break
        case .fail where job.retries >= 3:
            end(job, "fail")
            throw PlannedFailure()
        case .fail:
            break
        case .slow:
            Thread.sleep(forTimeInterval: Double(SoakSettings.slowHandlerMilliseconds) / 1000)
        case .crash where job.retries >= 3:
            fatalError("soak: planned crash of the handler")
        case .crash:
            break
        }
        end(job, "ok")
        return ["handledBy": .string(SoakJobType.strategy(of: job.type)), "mode": .string(mode.rawValue)]
    }

    /// The asynchronous handler (`.async`).
    static func runAsync(_ job: ConnectedJobContext) async throws -> [String: JSONValue] {
        let mode = begin(job)
        switch mode {
        case .fail where job.retries >= 3:
            end(job, "fail")
            throw PlannedFailure()
        case .slow:
            try await Task.sleep(for: .milliseconds(SoakSettings.slowHandlerMilliseconds))
        default:
            break
        }
        end(job, "ok")
        return ["handledBy": "async", "mode": .string(mode.rawValue)]
    }
}
