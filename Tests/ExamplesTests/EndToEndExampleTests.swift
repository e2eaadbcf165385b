import Foundation
import Testing

/// Runs each end-to-end example executable against its own embedded gateway, as `swift run` would,
/// and checks that it exits 0 after printing its summary.
@Suite struct EndToEndExampleTests {
    static let examples: [(product: String, summary: String)] = [
        ("example-deploy-and-start", "Done: 6 jobs handled"),
        ("example-order-workers", "Done: 4 of 4 orders reached an outcome"),
        ("example-user-task-listener", "- intern: denied"),
        ("example-service-lifecycle", "Shut down gracefully"),
    ]

    @Test(arguments: examples.map(\.product))
    func exampleRunsAgainstTheEmbeddedGatewayAndExitsZero(_ product: String) async throws {
        let summary = try #require(Self.examples.first { $0.product == product }?.summary)
        // Built products sit next to the test bundle (.build/debug).
        let buildFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [buildFolder, buildFolder.deletingLastPathComponent()].map { $0.appendingPathComponent(product) }
        let executable = try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
            "\(product) is not built next to the tests (\(buildFolder.path)); run `swift build` first")

        let process = Process()
        process.executableURL = executable
        var environment = ProcessInfo.processInfo.environment
        environment["CAMUNDA_REST_ADDRESS"] = nil
        environment["ZEEBE_REST_ADDRESS"] = nil
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try process.run()
        // Read off Swift's cooperative pool: a blocking read here would starve other tests' tasks.
        let handle = output.fileHandleForReading
        let data = await withCheckedContinuation { (continuation: CheckedContinuation<Data, Never>) in
            DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
        let text = String(decoding: data, as: UTF8.self)
        var status: Int32 = -1
        for await value in exited.stream {
            status = value
            break
        }
        #expect(status == 0, "\(product) exited with \(status):\n\(text)")
        #expect(text.contains(summary), "\(product) printed:\n\(text)")
    }
}
