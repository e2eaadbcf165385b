import CamundaOrchestration
import Foundation
import Logging

// The order-processing handlers (the seed examples of the job worker documentation), shared by the
// example executables and tested in Tests/ExamplesTests.

/// The variables of an order, decoded with `job.variables(as:)`.
public struct Order: Codable, Sendable {
    /// The order id, for example `A-1`.
    public var orderId: String
    /// The customer; validation fails without one.
    public var customerId: String?
    /// The amount to charge.
    public var amount: Double

    /// Creates an order.
    public init(orderId: String, customerId: String?, amount: Double) {
        self.orderId = orderId
        self.customerId = customerId
        self.amount = amount
    }

    /// The order as process variables.
    public var variables: [String: JSONValue] {
        get throws {
            guard case .object(let object) = try JSONValue(encoding: self) else { return [:] }
            return object
        }
    }
}

/// Handlers of the order-processing workers; `progress` receives one line per outcome.
public struct OrderHandlers: Sendable {
    /// Amounts above this need a manual approval: ``checkAmount(_:)`` raises `AMOUNT_TOO_HIGH`.
    public static let approvalLimit = 1000.0

    /// Where the handlers report outcomes.
    public let progress: ExampleProgress

    /// Creates the handlers.
    ///
    /// - Parameter progress: Where the handlers report outcomes.
    public init(progress: ExampleProgress = ExampleProgress()) {
        self.progress = progress
    }

    /// `validate-order`: fails the job without retries (an incident) when the customer is missing.
    ///
    /// - Throws: ``JobFailure`` when the order has no customer.
    public func validateOrder(_ job: some ActivatedJobContext) throws -> [String: JSONValue] {
        let order = try job.variables(as: Order.self)
        guard order.customerId != nil else {
            progress.record("order \(order.orderId): invalid (no customer) → JobFailure, incident")
            throw JobFailure(message: "Order \(order.orderId) has no customerId", retries: 0)
        }
        job.log.info("Order \(order.orderId) is valid")
        return ["validated": true]
    }

    /// `check-amount`: raises the BPMN error `AMOUNT_TOO_HIGH` above ``approvalLimit``.
    ///
    /// - Throws: ``JobError`` when the amount needs approval.
    public func checkAmount(_ job: some ActivatedJobContext) throws -> [String: JSONValue] {
        let order = try job.variables(as: Order.self)
        if order.amount > Self.approvalLimit {
            progress.record("order \(order.orderId): \(order.amount) needs approval → JobError AMOUNT_TOO_HIGH")
            throw JobError(errorCode: "AMOUNT_TOO_HIGH", message: "Order amount \(order.amount) exceeds \(Self.approvalLimit)")
        }
        return ["approved": true]
    }

    /// `charge-payment`: a blocking handler (`.thread` strategy) that returns a typed result.
    ///
    /// - Throws: When the variables do not decode.
    public func chargePayment(_ job: SyncJobContext) throws -> PaymentResult {
        let order = try job.variables(as: Order.self)
        return PaymentResult(paymentId: "P-\(order.orderId)", charged: order.amount)
    }

    /// `notify-customer`: publishes `order-processed` through the job's client and completes.
    ///
    /// - Throws: ``CamundaError`` when the publication fails (the job then fails with retries minus one).
    public func notifyCustomer(_ job: ConnectedJobContext) async throws -> [String: JSONValue] {
        let order = try job.variables(as: Order.self)
        let paymentId = try job.variable("paymentId", as: String.self) ?? "?"
        _ = try await job.client.publishMessage(
            MessagePublicationRequest(
                name: "order-processed", correlationKey: order.orderId, timeToLive: 60_000,
                variables: ["orderId": .string(order.orderId), "paymentId": .string(paymentId)]))
        progress.record("order \(order.orderId): paid (\(paymentId)), customer notified")
        return ["notified": true]
    }
}

/// What ``OrderHandlers/chargePayment(_:)`` returns: any `Encodable` completes the job with its fields.
public struct PaymentResult: Codable, Sendable, Hashable {
    /// The payment's id.
    public var paymentId: String
    /// The amount charged.
    public var charged: Double
}

/// A user-task listener (kind `TASK_LISTENER`, event `assigning`) that corrects or denies assignments.
public struct AssignmentReview: Sendable {
    /// Where the listener reports its decisions.
    public let progress: ExampleProgress

    /// Creates the listener.
    ///
    /// - Parameter progress: Where the listener reports its decisions.
    public init(progress: ExampleProgress = ExampleProgress()) {
        self.progress = progress
    }

    /// Denies assignments to `intern`, lower-cases other assignees and raises the priority of tasks
    /// due within a day; returning a ``JobCompletionRequest`` sends it as is.
    public func review(_ job: ConnectedJobContext) async throws -> JobCompletionRequest {
        let assignee = job.userTask?.assignee ?? ""
        let task = job.userTask?.userTaskKey.map { "\($0)" } ?? "?"
        if assignee == "intern" {
            progress.record("user task \(task): assignment to \(assignee) denied")
            return JobCompletionRequest(
                result: .userTask(JobResultUserTask(denied: true, deniedReason: "Interns cannot approve orders")))
        }
        let corrected = assignee.lowercased()
        progress.record("user task \(task): assignee \(assignee) corrected to \(corrected), priority 80")
        return JobCompletionRequest(
            result: .userTask(JobResultUserTask(corrections: JobResultCorrections(assignee: corrected, priority: 80))))
    }
}
