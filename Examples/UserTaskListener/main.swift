import CamundaOrchestration
import CamundaTesting
import ExampleSupport
import Foundation

// `swift run example-user-task-listener`: a user-task listener (a job of kind TASK_LISTENER for the
// `assigning` event) that corrects some assignments and denies others, by returning a
// `JobCompletionRequest` from its handler.
//
// On the embedded gateway the example seeds three listener jobs, as if three user tasks were being
// assigned. Against a cluster (CAMUNDA_REST_ADDRESS set) it listens until SIGINT/SIGTERM: model a
// user task with an `assigning` task listener of type `review-assignment` and assign it.

ExampleEnvironment.bootstrapLogging()
let environment = try await ExampleEnvironment.start("example-user-task-listener")
let client = environment.client
let review = AssignmentReview()
try client.createJobWorker(
    config: WorkerConfig(jobType: "review-assignment", jobTimeoutMilliseconds: 30_000), callback: review.review)

guard let gateway = environment.gateway else {
    print("Listening for review-assignment jobs; Ctrl-C stops")
    try await client.runWorkers()
    try await environment.shutdown()
    exit(0)
}

let assignments: [(UserTaskKey, String)] = [("2251799813700001", "Alice.Smith"), ("2251799813700002", "intern"), ("2251799813700003", "BOB")]
var jobs: [JobKey: String] = [:]
for (userTaskKey, assignee) in assignments {
    let task = UserTaskProperties(
        action: "assign", assignee: assignee, candidateGroups: ["sales"], candidateUsers: [], changedAttributes: ["assignee"],
        dueDate: nil, followUpDate: nil, formKey: nil, priority: 50, userTaskKey: userTaskKey)
    let keys = gateway.seedJobs(
        type: "review-assignment", kind: .taskListener, listenerEventType: .assigning, userTask: task,
        processDefinitionId: "order-approval")
    jobs[keys[0]] = assignee
    print("Assigning user task \(userTaskKey) to \(assignee)")
}

try await environment.runWorkers(until: {
    try await gateway.waitUntil(type: "review-assignment", timeout: .seconds(30)) { $0.completed >= assignments.count }
})

print("What the listener sent back:")
for (key, assignee) in jobs.sorted(by: { $0.value < $1.value }) {
    guard case .userTask(let result)? = gateway.job(key)?.lastCompletion?.result else { continue }
    if result.denied == true {
        print("- \(assignee): denied (\(result.deniedReason ?? ""))")
    } else {
        print("- \(assignee): corrected to assignee \(result.corrections?.assignee ?? "-"), priority \(result.corrections?.priority.map(String.init) ?? "-")")
    }
}
try await environment.shutdown()
