import CamundaOrchestration
import CamundaTesting
import Foundation
import Logging

// `swift run camunda-demo`: the job worker seeds, end to end.
//
// Without CAMUNDA_REST_ADDRESS it starts the embedded gateway on 127.0.0.1, seeds jobs, runs every
// seed handler as a worker until all seeded work is accounted for, prints what the gateway recorded
// and exits 0. With CAMUNDA_REST_ADDRESS set it runs the same workers against that cluster until
// SIGINT/SIGTERM.

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = ProcessInfo.processInfo.environment["DEMO_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return handler
}

/// One job type of the demo: what to seed and when it is accounted for.
struct DemoJob {
    var type: String
    var title: String
    var count: Int
    var variables: [String: JSONValue] = [:]
    var retries: Int32 = 3
    var kind: JobKindEnum = .bpmnElement
    var listenerEventType: JobListenerEventTypeEnum = .unspecified
    var userTask: UserTaskProperties? = nil
    /// Done when every job reached its expected outcome at least once.
    var done: @Sendable (JobCounts, Int) -> Bool = { counts, count in counts.completed >= count }
}

let userTask = UserTaskProperties(
    action: "assign", assignee: "demo-user", candidateGroups: [], candidateUsers: [], changedAttributes: ["assignee"],
    dueDate: nil, followUpDate: nil, formKey: nil, priority: 50, userTaskKey: "4242")

let demoJobs: [DemoJob] = [
    DemoJob(type: "process-order", title: "async handler, returns variables", count: 12),
    DemoJob(
        type: "publish-order-async", title: "async handler, publishes a message", count: 6,
        variables: ["orderId": "order-async"]),
    DemoJob(
        type: "publish-order-thread", title: "thread handler, publishes a message", count: 6,
        variables: ["orderId": "order-thread"]),
    DemoJob(type: "count-primes", title: "process handler, CPU-bound", count: 8, variables: ["limit": 200_000]),
    DemoJob(
        type: "count-primes-crash", title: "process handler, crashes (fatalError)", count: 1, variables: ["crash": true],
        retries: 1, done: { counts, count in counts.incidents >= count }),
    DemoJob(
        type: "validate-order", title: "throws JobFailure (retries 2, back-off 5 s)", count: 4,
        done: { counts, count in counts.failed >= count }),
    DemoJob(
        type: "check-amount", title: "throws JobError AMOUNT_TOO_HIGH", count: 4, variables: ["amount": 5000],
        done: { counts, count in counts.errorThrown >= count }),
    DemoJob(
        type: "user-task-correct", title: "user-task listener, corrections", count: 3, kind: .taskListener,
        listenerEventType: .assigning, userTask: userTask),
    DemoJob(
        type: "user-task-deny", title: "user-task listener, denies", count: 3, kind: .taskListener,
        listenerEventType: .assigning, userTask: userTask),
]

func registerWorkers(on client: CamundaClient) throws {
    let timeout: Int64 = 30_000
    try client.createJobWorker(
        config: WorkerConfig(jobType: "process-order", jobTimeoutMilliseconds: timeout), callback: handleJob)
    try client.createJobWorker(
        config: WorkerConfig(jobType: "publish-order-async", jobTimeoutMilliseconds: timeout),
        callback: publishOrderProcessed)
    try client.createJobWorker(
        config: WorkerConfig(jobType: "publish-order-thread", jobTimeoutMilliseconds: timeout, maxConcurrentJobs: 4),
        executionStrategy: .thread, callback: publishOrderProcessedBlocking)
    try client.createJobWorker(
        config: WorkerConfig(jobType: "count-primes", jobTimeoutMilliseconds: timeout, maxConcurrentJobs: 2),
        executionStrategy: .process, callback: countPrimes)
    try client.createJobWorker(
        config: WorkerConfig(jobType: "count-primes-crash", jobTimeoutMilliseconds: timeout, maxConcurrentJobs: 1),
        executionStrategy: .process, callback: countPrimes)
    try client.createJobWorker(
        config: WorkerConfig(jobType: "validate-order", jobTimeoutMilliseconds: timeout), callback: validateOrder)
    try client.createJobWorker(
        config: WorkerConfig(jobType: "check-amount", jobTimeoutMilliseconds: timeout), callback: checkAmount)
    try client.createJobWorker(
        config: WorkerConfig(jobType: "user-task-correct", jobTimeoutMilliseconds: timeout), callback: correctUserTask)
    try client.createJobWorker(
        config: WorkerConfig(jobType: "user-task-deny", jobTimeoutMilliseconds: timeout), callback: denyUserTask)
}

// The crash example's child would otherwise print a long symbolicated backtrace (children inherit this).
setenv("SWIFT_BACKTRACE", "enable=no", 0)

let environment = ProcessInfo.processInfo.environment
let remoteAddress = environment["CAMUNDA_REST_ADDRESS"] ?? environment["ZEEBE_REST_ADDRESS"]

if JobWorker.isChildProcess || remoteAddress != nil {
    // A `.process` child (which serves jobs to its parent inside runWorkers()), or a real cluster.
    let client = try CamundaClient()
    try registerWorkers(on: client)
    if !JobWorker.isChildProcess {
        print("camunda-demo: running \(client.jobWorkers.count) workers against \(client.configuration.restAddress); Ctrl-C stops them")
    }
    try await client.runWorkers()
    try await client.shutdown()
    exit(0)
}

// The embedded gateway.
let gateway = try await EmbeddedGateway.start()
print("camunda-demo: embedded gateway at \(gateway.restAddress)")
for job in demoJobs {
    gateway.seedJobs(
        type: job.type, count: job.count, variables: job.variables, retries: job.retries, kind: job.kind,
        listenerEventType: job.listenerEventType, userTask: job.userTask)
}
let total = demoJobs.reduce(0) { $0 + $1.count }
print("camunda-demo: seeded \(total) jobs of \(demoJobs.count) types")

let client = try CamundaClient(configuration: ["CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString])
try registerWorkers(on: client)
for worker in client.jobWorkers {
    print("  worker \(worker.config.jobType) [\(worker.executionStrategy), max \(worker.config.maxConcurrentJobs)]")
}

func accounted() -> Int {
    demoJobs.reduce(0) { sum, job in
        let counts = gateway.counts(type: job.type)
        return sum + (job.done(counts, job.count) ? job.count : min(counts.completed + counts.errorThrown + counts.failed, job.count))
    }
}

let started = ContinuousClock.now
let workers = Task { try await client.runWorkers() }
let progress = Task {
    var last = -1
    while !Task.isCancelled {
        let now = accounted()
        if now != last {
            print("camunda-demo: progress \(now)/\(total) jobs accounted for")
            last = now
        }
        try? await Task.sleep(for: .milliseconds(250))
    }
}
for job in demoJobs {
    let done = job.done
    let count = job.count
    try await gateway.waitUntil(type: job.type, timeout: .seconds(120)) { done($0, count) }
}
progress.cancel()
workers.cancel()
try await workers.value
let elapsed = ContinuousClock.now - started
print("camunda-demo: progress \(accounted())/\(total) jobs accounted for; workers stopped after \(String(format: "%.2f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)) s")

// The table of what the gateway recorded.
func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
let header = [pad("job type", 22), pad("handler", 44), "seeded", "done", "failed", "bpmnErr", "incident", "dup"]
print("")
print(header.joined(separator: "  "))
print(String(repeating: "-", count: 120))
for job in demoJobs {
    let c = gateway.counts(type: job.type)
    print(
        [
            pad(job.type, 22), pad(job.title, 44), pad("\(c.seeded)", 6), pad("\(c.completed)", 4), pad("\(c.failed)", 6),
            pad("\(c.errorThrown)", 7), pad("\(c.incidents)", 8), "\(c.duplicateCompletions)",
        ].joined(separator: "  "))
}
let messages = gateway.messages()
print("")
print("messages published: \(messages.count) (\(Set(messages.map(\.name)).sorted().joined(separator: ", ")))")
if let correction = gateway.jobs(type: "user-task-correct").first?.lastCompletion?.result,
    case .userTask(let result) = correction
{
    print("user-task correction: assignee=\(result.corrections?.assignee ?? "-") priority=\(result.corrections?.priority.map(String.init) ?? "-")")
}
if let denial = gateway.jobs(type: "user-task-deny").first?.lastCompletion?.result, case .userTask(let result) = denial {
    print("user-task denial: denied=\(result.denied ?? false) reason=\(result.deniedReason ?? "-")")
}
let failure = gateway.jobs(type: "validate-order").first?.lastFailure
print("job failure: \(failure?.errorMessage ?? "-") retries=\(failure?.retries.map(String.init) ?? "-") retryBackOff=\(failure?.retryBackOff.map(String.init) ?? "-") ms")
let crash = gateway.jobs(type: "count-primes-crash").first
print("process crash: state=\(crash?.state.rawValue ?? "-") message=\(crash?.lastFailure?.errorMessage ?? "-")")
let pids = Set(gateway.jobs(type: "count-primes").compactMap { $0.lastCompletion?.variables?["pid"]?.intValue })
print("process handler ran in \(pids.count) child process(es): \(pids.sorted().map(String.init).joined(separator: ", "))")

try await client.shutdown()
try await gateway.shutdown()
