import CamundaOrchestration
import Foundation

// Hand-written examples of the cluster operations.

extension ClusterExamples {
    /// Prints the brokers and partitions of the cluster: the usual connectivity check.
    public static func getTopology(_ client: CamundaClient) async throws {
        let topology = try await client.getTopology()
        print("Gateway \(topology.gatewayVersion): \(topology.brokers.count) broker(s), \(topology.partitionsCount) partition(s)")
        for broker in topology.brokers {
            print("- broker \(broker.brokerId ?? "?") at \(broker.host):\(broker.port)")
        }
    }
}
