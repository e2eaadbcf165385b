import CamundaOrchestration
import Foundation
import Logging

// The seed examples of the worker documentation, as handlers the demo runs.

/// The basic async handler: logs and completes with a variable.
func handleJob(_ job: ConnectedJobContext) async throws -> [String: JSONValue] {
    job.log.info("Processing job \(job.jobKey)")
    return ["result": "processed"]
}

/// An async handler that publishes a message through the client it is given.
func publishOrderProcessed(_ job: ConnectedJobContext) async throws -> [String: JSONValue] {
    let orderId = job.variables["orderId"]?.stringValue ?? "unknown"
    _ = try await job.client.publishMessage(
        MessagePublicationRequest(name: "order-processed", correlationKey: orderId, variables: ["orderId": .string(orderId)]))
    return ["published": true]
}

/// The same from a `.thread` handler, with the blocking client.
func publishOrderProcessedBlocking(_ job: SyncJobContext) throws -> [String: JSONValue] {
    let orderId = job.variables["orderId"]?.stringValue ?? "unknown"
    _ = try job.client.publishMessage(
        MessagePublicationRequest(name: "order-processed", correlationKey: orderId, variables: ["orderId": .string(orderId)]))
    return ["published": true]
}

/// A CPU-bound `.process` handler: counts the primes below `limit`.
/// A job with `crash: true` crashes its child process, to show that only that job fails.
func countPrimes(_ job: JobContext) throws -> [String: JSONValue] {
    if job.variables["crash"] == true { fatalError("count-primes was asked to crash") }
    let limit = Int(job.variables["limit"]?.intValue ?? 50_000)
    var sieve = [Bool](repeating: true, count: max(limit, 2))
    sieve[0] = false
    sieve[1] = false
    var index = 2
    while index * index < limit {
        if sieve[index] {
            var multiple = index * index
            while multiple < limit {
                sieve[multiple] = false
                multiple += index
            }
        }
        index += 1
    }
    return ["primeCount": .int(Int64(sieve.lazy.filter { $0 }.count)), "pid": .int(Int64(getpid()))]
}

/// Fails with a custom retry count and back-off when a required field is missing.
func validateOrder(_ job: ConnectedJobContext) async throws -> [String: JSONValue] {
    guard job.variables["customerId"] != nil else {
        throw JobFailure(message: "Missing required field", retries: 2, retryBackOff: 5000)
    }
    return ["valid": true]
}

/// Raises a BPMN error that an error boundary event can catch.
func checkAmount(_ job: ConnectedJobContext) async throws -> [String: JSONValue] {
    let amount = job.variables["amount"]?.doubleValue ?? 0
    if amount > 1000 {
        throw JobError(errorCode: "AMOUNT_TOO_HIGH", message: "Order amount \(amount) exceeds the approval limit")
    }
    return ["approved": true]
}

/// A user-task listener that corrects the assignee and the priority.
func correctUserTask(_ job: ConnectedJobContext) async throws -> JobCompletionRequest {
    JobCompletionRequest(
        result: .userTask(JobResultUserTask(corrections: JobResultCorrections(assignee: "corrected-user", priority: 80))))
}

/// A user-task listener that denies the transition.
func denyUserTask(_ job: ConnectedJobContext) async throws -> JobCompletionRequest {
    JobCompletionRequest(result: .userTask(JobResultUserTask(denied: true, deniedReason: "Assignee is on leave")))
}
