/// `camunda-test-gateway`: runs the `CamundaTesting` embedded gateway in its own process, as a
/// local stand-in for a Camunda 8 cluster's REST API (for benchmarks, soak tests and trying a worker).
///
/// Usage:
///
///     camunda-test-gateway [--host H] [--port N] [--long-poll-timeout-ms N]
///                          [--seed-type T --seed-count N] [--auth none|oauth|basic]
///                          [--client-id ID --client-secret SECRET] [--username U --password P]
///                          [--record-limit N]
///
/// It prints `camunda-test-gateway listening on http://HOST:PORT (REST address http://HOST:PORT/v2)`
/// on the first line of standard output, then serves until SIGINT or SIGTERM.
///
/// Besides the API (`/v2/...`) and the OAuth endpoint (`POST /oauth/token`), it serves control routes
/// (no authentication) so other processes can drive it:
///
/// - `POST /_gateway/seed` with `{"type": "payment", "count": 1000, "variables": {...},
///   "customHeaders": {...}, "retries": 3, "processDefinitionId": "p"}` → `{"count": N, "jobKeys": [...]}`
/// - `GET /_gateway/counts[?type=T]` → the `JobCounts` JSON (`seeded`, `activatable`, `activated`,
///   `retrying`, `completed`, `failed`, `errorThrown`, `incidents`, `duplicateCompletions`,
///   `rejectedCommands`, `activations`, `timedOut`, `peakActivated`)
/// - `POST /_gateway/counts/reset-peak[?type=T]` → 204; restarts `peakActivated` tracking
/// - `GET /_gateway/latencies[?type=T]` → `{"count": N, "p50Ms": …, "p99Ms": …, "maxMs": …}`: time from each
///   job's activation to its first completion, measured by the gateway
/// - `GET /_gateway/jobs/{jobKey}` → the `JobSnapshot` JSON of one job
/// - `POST /_gateway/faults` with `{"operation": "activateJobs" | "pathPrefix": "/v2/jobs", "method": "POST",
///   "status": 503, "retryAfter": "1" | "delayMs": 200 | "drop": true, "rate": 0.5, "limit": 10, "seed": 1}` → 204
/// - `DELETE /_gateway/faults` → 204; removes every fault
/// - `GET /_gateway/messages` → the published messages
/// - `GET /_gateway/requests[?limit=N]` → the last N recorded requests (default 100)
/// - `POST /_gateway/job-types` with `{"processId": "order-process", "type": "payment"}` → 204
/// - `GET /_gateway/tokens/count` → `{"tokenRequestCount": N}`
import CamundaTesting
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func usage(_ message: String) -> Never {
    FileHandle.standardError.write(Data("camunda-test-gateway: \(message)\nSee the doc comment of Sources/camunda-test-gateway/main.swift for usage.\n".utf8))
    exit(2)
}

/// The parsed command line.
struct Options {
    var configuration = EmbeddedGateway.Configuration(controlRoutes: true)
    var seedType: String?
    var seedCount = 0

    static func parse(_ commandLine: [String]) -> Options {
        var options = Options()
        var authMode = "none"
        var username = "demo"
        var password = "demo"
        var arguments = commandLine.dropFirst()
        func value(for option: String) -> String {
            guard let value = arguments.popFirst() else { usage("\(option) needs a value") }
            return value
        }
        func integer(for option: String) -> Int {
            guard let number = Int(value(for: option)), number >= 0 else { usage("\(option) needs a non-negative integer") }
            return number
        }
        while let argument = arguments.popFirst() {
            switch argument {
            case "--host": options.configuration.host = value(for: argument)
            case "--port": options.configuration.port = integer(for: argument)
            case "--long-poll-timeout-ms": options.configuration.defaultRequestTimeout = .milliseconds(integer(for: argument))
            case "--seed-type": options.seedType = value(for: argument)
            case "--seed-count": options.seedCount = integer(for: argument)
            case "--auth": authMode = value(for: argument)
            case "--client-id": options.configuration.oauth.clientID = value(for: argument)
            case "--client-secret": options.configuration.oauth.clientSecret = value(for: argument)
            case "--username": username = value(for: argument)
            case "--password": password = value(for: argument)
            case "--record-limit": options.configuration.recordedRequestLimit = integer(for: argument)
            case "--help", "-h":
                output(
                    "usage: camunda-test-gateway [--host H] [--port N] [--long-poll-timeout-ms N] [--seed-type T --seed-count N] "
                        + "[--auth none|oauth|basic] [--client-id ID --client-secret S] [--username U --password P] [--record-limit N]")
                exit(0)
            default: usage("unknown argument \(argument)")
            }
        }
        switch authMode {
        case "none": options.configuration.authentication = .none
        case "oauth": options.configuration.authentication = .oauth
        case "basic": options.configuration.authentication = .basic(username: username, password: password)
        default: usage("--auth takes none, oauth or basic")
        }
        return options
    }
}

func output(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let options = Options.parse(CommandLine.arguments)
let gateway = try await EmbeddedGateway.start(options.configuration)
if let seedType = options.seedType, options.seedCount > 0 {
    gateway.seedJobs(type: seedType, count: options.seedCount)
}
output("camunda-test-gateway listening on \(gateway.rootAddress.absoluteString) (REST address \(gateway.restAddress.absoluteString))")

// Serve until SIGINT or SIGTERM.
signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
let signalQueue = DispatchQueue(label: "camunda-test-gateway.signals")
await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
    let resumed = Resumed()
    var sources: [any DispatchSourceSignal] = []
    for number in [SIGINT, SIGTERM] {
        let source = DispatchSource.makeSignalSource(signal: number, queue: signalQueue)
        source.setEventHandler {
            if resumed.claim() { continuation.resume() }
        }
        source.resume()
        sources.append(source)
    }
    keepAlive = sources
}
try await gateway.shutdown()
output("camunda-test-gateway stopped: \(gateway.counts())")

/// Resumes the continuation once, from the signal queue.
final class Resumed: @unchecked Sendable {
    private var done = false
    func claim() -> Bool {
        guard !done else { return false }
        done = true
        return true
    }
}
nonisolated(unsafe) var keepAlive: [any DispatchSourceSignal] = []
