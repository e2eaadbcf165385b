import CamundaOrchestration
import Foundation

// Hand-written examples of the message operations.

extension MessageExamples {
    /// Publishes a message that waits up to an hour for a subscription with the same correlation key.
    ///
    /// `messageId` makes the publication idempotent: a second message with the same id is rejected
    /// while the first one is buffered.
    public static func publishMessage(_ client: CamundaClient) async throws {
        let message = MessagePublicationRequest(
            name: "payment-received", correlationKey: "order-42", timeToLive: 3_600_000, messageId: "payment-P-1001",
            variables: ["paymentId": "P-1001", "amount": 99.5])
        let published = try await client.publishMessage(message)
        print("Published message \(published.messageKey)")
    }

    /// Correlates a message to a waiting subscription right away; 404 means nothing was waiting.
    public static func correlateMessage(_ client: CamundaClient) async throws {
        let message = MessageCorrelationRequest(
            name: "payment-received", correlationKey: "order-42", variables: ["paymentId": "P-1001"])
        do {
            let correlated = try await client.correlateMessage(message)
            print("Message \(correlated.messageKey) correlated to process instance \(correlated.processInstanceKey)")
        } catch let error as CamundaError where error.status == 404 {
            print("No process instance is waiting for payment-received/order-42; publish it with a TTL instead")
        }
    }
}
