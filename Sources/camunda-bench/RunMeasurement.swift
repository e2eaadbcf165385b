import Foundation

/// CPU, wall time and memory of one run of the worker or raw loop, from its start to the moment the
/// last completion was acknowledged.
struct RunMeasurement {
    var jobs: Int
    var startNanos: UInt64
    var startCPU: Int64
    var startGatewayCPU: Int64?
    var gatewayPID: Int32

    /// Starts measuring: resets the peak-RSS mark and snapshots CPU times.
    static func start(jobs: Int, gateway: GatewayProcess) -> RunMeasurement {
        resetPeakRSS()
        return RunMeasurement(
            jobs: jobs, startNanos: monotonicNanos(), startCPU: processCPUMicros(), startGatewayCPU: gateway.cpuMicros,
            gatewayPID: gateway.pid)
    }

    struct Figures {
        var seconds: Double
        var cpuMicros: Int64
        var gatewayCPUMicros: Int64?
        var childCPUMicros: Int64
        var childCount: Int
        var peakRSS: Int64
    }

    /// Ends measuring at `endNanos` (the last acknowledgement). Child processes other than the gateway
    /// (`.process` workers) are counted apart; they started after `start`, so their whole CPU counts.
    func finish(endNanos: UInt64) -> Figures {
        let cpu = processCPUMicros() - startCPU
        let gatewayCPU = startGatewayCPU.flatMap { start in otherProcessCPUMicros(gatewayPID).map { $0 - start } }
        let children = childProcessIDs().filter { $0 != gatewayPID }
        let childCPU = children.compactMap(otherProcessCPUMicros).reduce(0, +)
        return Figures(
            seconds: Double(endNanos - startNanos) / 1e9, cpuMicros: cpu, gatewayCPUMicros: gatewayCPU,
            childCPUMicros: childCPU, childCount: children.count, peakRSS: peakRSSBytes())
    }
}

extension BenchResult {
    /// Adds the figures every worker-like run reports.
    mutating func addRun(_ figures: RunMeasurement.Figures, jobs: Int, latency: GatewayLatencies?) {
        add("jobs_per_s", "jobs/s", Double(jobs) / figures.seconds, digits: 0)
        add("seconds", "wall time (s)", figures.seconds, digits: 3)
        add("cpu_us_per_job", "CPU µs/job (this process, user+sys)", Double(figures.cpuMicros) / Double(jobs))
        if figures.childCount > 0 {
            add("children", "worker child processes", figures.childCount)
            add("child_cpu_us_per_job", "CPU µs/job (worker children)", Double(figures.childCPUMicros) / Double(jobs))
        }
        add(
            "cpu_total_us_per_job", "CPU µs/job (this process and worker children)",
            Double(figures.cpuMicros + figures.childCPUMicros) / Double(jobs))
        if let gateway = figures.gatewayCPUMicros {
            add("gateway_cpu_us_per_job", "CPU µs/job (gateway process)", Double(gateway) / Double(jobs))
        }
        add("cpu_utilisation", "CPU cores busy (this process)", Double(figures.cpuMicros) / 1e6 / figures.seconds, digits: 2)
        add("peak_rss_mb", "peak RSS (MB, this process)", Double(figures.peakRSS) / 1_048_576)
        if let latency {
            add("latency_samples", "latency samples (gateway)", latency.count)
            add("p50_ms", "p50 activation→ack (ms, gateway)", latency.p50Ms ?? .nan, digits: 3)
            add("p99_ms", "p99 activation→ack (ms, gateway)", latency.p99Ms ?? .nan, digits: 3)
            add("max_ms", "max activation→ack (ms, gateway)", latency.maxMs ?? .nan, digits: 3)
        }
    }

    /// Adds the gateway's exactly-once check and returns whether it passed.
    mutating func addCheck(_ counts: GatewayCounts, jobs: Int) -> Bool {
        let ok = counts.completed == jobs && counts.duplicateCompletions == 0 && counts.rejectedCommands == 0
            && counts.activatable == 0 && counts.activated == 0
        add("gateway_completed", "gateway: completed", counts.completed)
        add("gateway_activations", "gateway: activations", counts.activations)
        add("gateway_activation_batches", "gateway: activation responses with jobs", counts.activationBatches)
        add("jobs_per_batch", "gateway: mean jobs per activation response",
            Double(counts.activations) / Double(max(counts.activationBatches, 1)), digits: 2)
        add("gateway_duplicates", "gateway: duplicate completions", counts.duplicateCompletions)
        add("gateway_rejected", "gateway: rejected commands", counts.rejectedCommands)
        add("gateway_timed_out", "gateway: timed-out locks", counts.timedOut)
        add("exactly_once", "every job completed exactly once", .bool(ok))
        return ok
    }
}

/// Variables seeded on every benchmark job (about 300 bytes): what a handler typically receives.
let benchVariablesJSON =
    #"{"orderId":"order-123456","amount":129.99,"quantity":3,"express":true,"customer":{"id":"customer-42","name":"Ada Lovelace","email":"ada@example.com"},"items":[{"sku":"SKU-1","count":1,"price":9.95},{"sku":"SKU-2","count":2,"price":59.99}]}"#

/// Watches the gateway while a run is under way: finishes the recorder if the gateway has every job
/// completed (should the local count miss one), and gives up after `stallSeconds` without progress.
func watchGateway(_ gateway: GatewayProcess, type: String, jobs: Int, recorder: CompletionRecorder, stallSeconds: Double = 60) -> Task<Void, Never> {
    Task {
        var lastCompleted = -1
        var lastProgress = monotonicNanos()
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(2))
            if Task.isCancelled { return }
            guard let counts = try? await gateway.counts(type: type) else { continue }
            if counts.completed >= jobs {
                recorder.finish()
                return
            }
            if counts.completed != lastCompleted {
                lastCompleted = counts.completed
                lastProgress = monotonicNanos()
            } else if Double(monotonicNanos() - lastProgress) / 1e9 > stallSeconds {
                progress("no progress for \(Int(stallSeconds)) s: \(counts)")
                recorder.finish()
                return
            }
        }
    }
}
