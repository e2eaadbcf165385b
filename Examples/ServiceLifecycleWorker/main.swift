import CamundaOrchestration
import CamundaTesting
import ExampleSupport
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

// `swift run example-service-lifecycle`: a job worker as a swift-service-lifecycle `Service` in your
// own `ServiceGroup`, shut down gracefully on SIGTERM: the worker stops polling, lets the handlers
// that are running finish, hands back jobs it activated but had not started, and the process exits 0.
//
// On the embedded gateway the example seeds 20 slow jobs and sends itself SIGTERM after five of
// them, to show the drain. Against a cluster it runs until you send SIGTERM (or press Ctrl-C).

ExampleEnvironment.bootstrapLogging()
let environment = try await ExampleEnvironment.start("example-service-lifecycle")
let client = environment.client
let progress = ExampleProgress()

let worker = try client.createJobWorker(
    config: WorkerConfig(jobType: "render-invoice", jobTimeoutMilliseconds: 30_000, maxConcurrentJobs: 3)
) { (job: ConnectedJobContext) async throws -> [String: JSONValue] in
    // Simulated work that takes a while: shutdown waits for it instead of cutting it off.
    try await Task.sleep(for: .milliseconds(150))
    progress.record("rendered invoice for job \(job.jobKey)")
    return ["invoiceRendered": true]
}

let group = ServiceGroup(
    services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "example-service-lifecycle"))

if let gateway = environment.gateway {
    gateway.seedJobs(type: "render-invoice", count: 20)
    print("Seeded 20 render-invoice jobs")
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        tasks.addTask {
            await progress.waitFor(5)
            print("Sending SIGTERM to myself (pid \(getpid()))")
            kill(getpid(), SIGTERM)
        }
        try await tasks.waitForAll()
    }
    let counts = gateway.counts(type: "render-invoice")
    print("Shut down gracefully: \(counts.completed) rendered, \(counts.activated) still activated, \(counts.activatable) left for the next run")
} else {
    print("Running; send SIGTERM (kill \(getpid())) or press Ctrl-C to stop gracefully")
    try await group.run()
}
print("Done: \(progress.events.count) invoice(s) rendered before shutdown")
try await environment.shutdown()
