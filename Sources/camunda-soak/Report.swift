import Foundation
import Synchronization

/// Tallies of one job type (or all).
struct Tally {
    var seeded = 0
    var completedOnce = 0
    var completedTwiceAccepted = 0
    /// Completed jobs that also got a rejected command, after a lock expiry and re-activation (engine's doing).
    var extraCommandAfterReactivation = 0
    /// Completed jobs that got a rejected command without any lock expiry: a second command on the same activation.
    var extraCommandSameActivation = 0
    /// The same activation (job key and deadline) given to a handler twice: the SDK's doing.
    var sdkDuplicateHandlerRuns = 0
    /// Jobs whose handler completed successfully on two different activations (lock expired meanwhile).
    var handledOnTwoActivations = 0
    var droppedByRestart = 0
    var lost = 0
    var missing = 0
    var errorThrown = 0
    var incidents = 0
    var failureCommands = 0
    var jobsFailedAtLeastOnce = 0
    var handlerCrashes = 0
    var lockExpiredWhileHandlerRan = 0
    var activations = 0
    var activationsNeverHandled = 0
    var lockTimeouts = 0

    static func + (a: Tally, b: Tally) -> Tally {
        var r = Tally()
        r.seeded = a.seeded + b.seeded
        r.completedOnce = a.completedOnce + b.completedOnce
        r.completedTwiceAccepted = a.completedTwiceAccepted + b.completedTwiceAccepted
        r.extraCommandAfterReactivation = a.extraCommandAfterReactivation + b.extraCommandAfterReactivation
        r.extraCommandSameActivation = a.extraCommandSameActivation + b.extraCommandSameActivation
        r.sdkDuplicateHandlerRuns = a.sdkDuplicateHandlerRuns + b.sdkDuplicateHandlerRuns
        r.handledOnTwoActivations = a.handledOnTwoActivations + b.handledOnTwoActivations
        r.droppedByRestart = a.droppedByRestart + b.droppedByRestart
        r.lost = a.lost + b.lost
        r.missing = a.missing + b.missing
        r.errorThrown = a.errorThrown + b.errorThrown
        r.incidents = a.incidents + b.incidents
        r.failureCommands = a.failureCommands + b.failureCommands
        r.jobsFailedAtLeastOnce = a.jobsFailedAtLeastOnce + b.jobsFailedAtLeastOnce
        r.handlerCrashes = a.handlerCrashes + b.handlerCrashes
        r.lockExpiredWhileHandlerRan = a.lockExpiredWhileHandlerRan + b.lockExpiredWhileHandlerRan
        r.activations = a.activations + b.activations
        r.activationsNeverHandled = a.activationsNeverHandled + b.activationsNeverHandled
        r.lockTimeouts = a.lockTimeouts + b.lockTimeouts
        return r
    }
}

/// The handler runs of one job in one incarnation, from the handler log.
struct HandlerRuns {
    /// Starts per activation (deadline).
    var starts: [Int64: Int] = [:]
    /// Successful ends per activation.
    var successes: [Int64: Int] = [:]
}

extension Soak {
    /// Reads the handler log into runs per incarnation and job key. A line belongs to the incarnation
    /// during which its activation happened (deadline minus the job timeout).
    func handlerRuns() -> [Int: [String: HandlerRuns]] {
        guard let text = try? String(contentsOfFile: handlerLogPath, encoding: .utf8) else { return [:] }
        let starts = incarnationStarts.sorted { $0.key < $1.key }
        func incarnation(deadline: Int64) -> Int {
            let activatedAt = deadline - SoakSettings.jobTimeoutMilliseconds
            return starts.last(where: { $0.value <= activatedAt + 5 })?.key ?? 1
        }
        var result: [Int: [String: HandlerRuns]] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 5, let deadline = Int64(fields[3]) else { continue }
            let key = String(fields[2])
            let which = incarnation(deadline: deadline)
            if fields[0] == "S" {
                result[which, default: [:]][key, default: HandlerRuns()].starts[deadline, default: 0] += 1
            } else if fields[0] == "E", fields[4] == "ok" {
                result[which, default: [:]][key, default: HandlerRuns()].successes[deadline, default: 0] += 1
            }
        }
        return result
    }

    func tallies() -> [String: Tally] {
        let runs = handlerRuns()
        var tallies: [String: Tally] = [:]
        let last = gateway.incarnation
        for (incarnation, jobs) in seeded {
            let snapshot = snapshots[incarnation] ?? [:]
            let incarnationRuns = runs[incarnation] ?? [:]
            for (key, seededJob) in jobs {
                var tally = tallies[seededJob.type] ?? Tally()
                tally.seeded += 1
                defer { tallies[seededJob.type] = tally }
                let jobRuns = incarnationRuns[key] ?? HandlerRuns()
                tally.sdkDuplicateHandlerRuns += jobRuns.starts.values.filter { $0 > 1 }.count
                if jobRuns.successes.count > 1 { tally.handledOnTwoActivations += 1 }
                guard let job = snapshot[key] else {
                    tally.missing += 1
                    continue
                }
                tally.activations += job.activationCount
                tally.activationsNeverHandled += max(job.activationCount - jobRuns.starts.count, 0)
                tally.lockTimeouts += job.timeoutCount
                tally.failureCommands += job.failureCount
                if job.failureCount > 0 { tally.jobsFailedAtLeastOnce += 1 }
                if job.lastFailure?.errorMessage?.contains("crashed") == true { tally.handlerCrashes += 1 }
                if seededJob.mode == .slow, job.timeoutCount > 0 { tally.lockExpiredWhileHandlerRan += 1 }
                switch job.state {
                case "completed":
                    if job.completionCount == 1 { tally.completedOnce += 1 } else { tally.completedTwiceAccepted += 1 }
                    if job.rejectedCommandCount > 0 {
                        if job.timeoutCount > 0 {
                            tally.extraCommandAfterReactivation += 1
                        } else {
                            tally.extraCommandSameActivation += 1
                        }
                    }
                case "errorThrown": tally.errorThrown += 1
                case "incident": tally.incidents += 1
                default:
                    if incarnation == last { tally.lost += 1 } else { tally.droppedByRestart += 1 }
                }
            }
        }
        return tallies
    }

    /// Occurrences of each secret in the SDK log and the handler log.
    func secretLeaks() -> (checked: Int, tokens: Int, leaks: [String]) {
        let logs = [sdkLogPath, handlerLogPath].compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        var secrets: [(String, String)] = [("client secret", clientSecret)]
        var tokens: Set<String> = []
        for entry in clients { tokens.formUnion(entry.observer.state.withLock { $0.tokens }) }
        for token in tokens { secrets.append(("access token \(token.prefix(4))…", token)) }
        var leaks: [String] = []
        for (name, secret) in secrets where logs.contains(where: { $0.contains(secret) }) { leaks.append(name) }
        return (logs.reduce(0) { $0 + $1.utf8.count }, tokens.count, leaks)
    }

    /// How long after a fault ends polling may take to succeed again (see the report's text).
    static func recoveryBound(_ fault: String) -> Double {
        if fault == ChaosFault.restart.rawValue { return 75 }
        if fault == ChaosFault.blackHole.rawValue || fault == ChaosFault.stall.rawValue {
            return 15 + Double(SoakSettings.longPollMilliseconds) / 1000 + 5
        }
        return 45
    }

    /// SDK log lines where a worker gave up on an acknowledgement (the job is re-activated after its lock).
    func abandonedAcknowledgements() -> [String: Int] {
        guard let text = try? String(contentsOfFile: sdkLogPath, encoding: .utf8) else { return [:] }
        var result: [String: Int] = [:]
        for line in text.split(separator: "\n") where line.contains("failed after") && line.contains("attempt(s)") {
            let strategy = ["async", "thread", "process"].first { line.contains("camunda.soak.\($0)]") } ?? "?"
            result[strategy, default: 0] += 1
        }
        return result
    }

    func makeReport(rssAtStart: Int?, rssAtEnd: Int?, finalCounts: GatewayCounts) throws -> String {
        let tallies = tallies()
        let total = tallies.values.reduce(Tally(), +)
        let types = SoakJobType.all
        func row(_ name: String, _ value: (Tally) -> Int) -> String {
            "| \(name) | " + types.map { "\(value(tallies[$0] ?? Tally()))" }.joined(separator: " | ") + " | \(value(total)) |"
        }
        var lines: [String] = []
        lines.append("# Soak report (`camunda-soak`)")
        lines.append("")
        lines.append(
            "Run: \(Int(options.duration)) s of chaos + \(String(format: "%.0f", drainSeconds)) s drain, "
                + "\(options.jobsPerSecond) jobs/s per strategy, fault phases of \(Int(options.phase)) s alternating with calm phases, "
                + "gateway `camunda-test-gateway` on 127.0.0.1:\(options.port) with OAuth, \(gateway.incarnation) incarnation(s). "
                + "Job timeout \(SoakSettings.jobTimeoutMilliseconds) ms, long poll \(SoakSettings.longPollMilliseconds) ms, "
                + "client bounds: ordinary calls and acknowledgements 10 s, long polls 3 s + 5 s margin = 8 s, "
                + "token requests 10 s; the workers reach the gateway through a `FaultProxy`. Date: \(ISO8601DateFormatter().string(from: Date())).")
        lines.append("")
        lines.append("## Jobs")
        lines.append("")
        lines.append("| | async | thread | process | total |")
        lines.append("|---|---|---|---|---|")
        lines.append(row("seeded", \.seeded))
        lines.append(row("completed exactly once", \.completedOnce))
        lines.append(row("completed twice (two accepted completions)", \.completedTwiceAccepted))
        lines.append(row("same activation given to a handler twice (SDK)", \.sdkDuplicateHandlerRuns))
        lines.append(row("2nd completion command, same activation (rejected)", \.extraCommandSameActivation))
        lines.append(row("2nd completion command after lock expiry + re-activation (engine; rejected)", \.extraCommandAfterReactivation))
        lines.append(row("handler succeeded on two activations (lock expired meanwhile)", \.handledOnTwoActivations))
        lines.append(row("lost (unfinished after the drain)", \.lost))
        lines.append(row("dropped by a gateway restart (in-memory engine)", \.droppedByRestart))
        lines.append(row("missing from the gateway", \.missing))
        lines.append(row("jobs failed at least once", \.jobsFailedAtLeastOnce))
        lines.append(row("failure commands accepted", \.failureCommands))
        lines.append(row("handler crashes (.process child died)", \.handlerCrashes))
        lines.append(row("incidents", \.incidents))
        lines.append(row("BPMN errors", \.errorThrown))
        lines.append(row("slow jobs whose lock expired while the handler ran", \.lockExpiredWhileHandlerRan))
        lines.append(row("activations", \.activations))
        lines.append(row("activations never given to a handler (response lost)", \.activationsNeverHandled))
        lines.append(row("lock timeouts", \.lockTimeouts))
        lines.append("")
        lines.append(
            "Final gateway counters (last incarnation): completed \(finalCounts.completed), open \(finalCounts.open), "
                + "duplicate completion commands \(finalCounts.duplicateCompletions), rejected commands \(finalCounts.rejectedCommands), "
                + "timed out \(finalCounts.timedOut). Seed calls that failed (gateway down): \(seedFailures).")
        let abandoned = abandonedAcknowledgements()
        lines.append(
            "Acknowledgements the workers gave up on (after six attempts, once the job's lock had expired), so the job was re-run: "
                + ["async", "thread", "process"].map { "\($0) \(abandoned[$0] ?? 0)" }.joined(separator: ", ") + ".")
        lines.append("")
        lines.append("## Polling")
        lines.append("")
        lines.append(
            "| strategy | successful polls | failed polls | longest stretch without a successful poll | worst recovery after a fault | recoveries beyond the bound |")
        lines.append("|---|---|---|---|---|---|")
        var recoveryLines: [String] = []
        for entry in clients {
            let state = entry.observer.state.withLock { $0 }
            let worst = state.recoveries.compactMap { recovery in recovery.resumedAt.map { $0 - recovery.endedAt } }.max() ?? 0
            let unresolved = state.recoveries.filter { $0.resumedAt == nil }.count
            let beyond = state.recoveries.filter { recovery in
                recovery.resumedAt.map { $0 - recovery.endedAt > Self.recoveryBound(recovery.fault) } ?? true
            }.count
            lines.append(
                "| \(entry.observer.name) | \(state.successfulPolls) | \(state.failedPolls) | "
                    + String(format: "%.1f s (%.0f–%.0f s)", state.longestGap.length, state.longestGap.from, state.longestGap.to)
                    + " | " + String(format: "%.1f s", worst) + (unresolved > 0 ? " (\(unresolved) never recovered)" : "")
                    + " | \(beyond) |")
            for recovery in state.recoveries {
                let bound = Self.recoveryBound(recovery.fault)
                recoveryLines.append(
                    "| \(entry.observer.name) | \(recovery.fault) | " + String(format: "%.0f s", recovery.endedAt) + " | "
                        + (recovery.resumedAt.map { String(format: "%.1f s", $0 - recovery.endedAt) } ?? "never")
                        + String(format: " | %.0f s | ", bound)
                        + ((recovery.resumedAt.map { $0 - recovery.endedAt <= bound } ?? false) ? "yes" : "**no**") + " |")
            }
        }
        lines.append("")
        lines.append(
            "Recovery bound: the worker's activation back-off cap (30 s) + the client request timeout (10 s) + the long poll (3 s) "
                + "+ the retry delay cap (2 s) = 45 s; after the token endpoint outage add the OAuth provider's fail-fast window "
                + "(after a failed token request it refuses to ask again for up to 30 s) = 75 s. Network faults (black hole, stall): "
                + "the issue's promise, 15 s + the long-poll bound (3 s + 5 s margin) = 23 s (a timed-out poll waits its bound, "
                + "then at most 10 s of back-off after timeouts and connection errors).")
        lines.append("")
        lines.append("| strategy | fault | ended at | first successful poll after | bound | within |")
        lines.append("|---|---|---|---|---|---|")
        lines.append(contentsOf: recoveryLines)
        lines.append("")
        lines.append("## Faults injected")
        lines.append("")
        for fault in faultLog {
            lines.append("- " + String(format: "%5.0f–%5.0f s: ", fault.start, fault.end) + fault.name)
        }
        lines.append("- continuously: 2 % of jobs sleep 11 s with an 8 s lock (deadline passes while the handler runs); "
            + "5 % fail on their first attempt; 4 % of `.process` jobs crash the child on their first attempt")
        lines.append("")
        lines.append("## Memory")
        lines.append("")
        lines.append(
            "Soak process RSS at start \(mebibytes(rssAtStart)), at end \(mebibytes(rssAtEnd)); samples: "
                + rssSamples.map { String(format: "%.0fs=", $0.time) + mebibytes($0.bytes) }.joined(separator: ", ") + ".")
        lines.append(
            "Gateway RSS per incarnation (before kill / at end): "
                + gatewayRSS.sorted { $0.key < $1.key }.map { "#\($0.key) \(mebibytes($0.value))" }.joined(separator: ", ") + ".")
        lines.append("")
        let leaks = secretLeaks()
        lines.append("## Secrets")
        lines.append("")
        lines.append(
            "SDK log (debug level, \(leaks.checked) bytes with the handler log) searched for the client secret and the "
                + "\(leaks.tokens) access token(s) the clients sent: "
                + (leaks.leaks.isEmpty ? "none found." : "FOUND: \(leaks.leaks.joined(separator: ", ")).")
        )
        lines.append("")
        lines.append("Logs: \(sdkLogPath), \(handlerLogPath).")
        return lines.joined(separator: "\n") + "\n"
    }
}
