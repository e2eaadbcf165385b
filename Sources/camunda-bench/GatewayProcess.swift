import ArgumentParser
import AsyncHTTPClient
import CamundaTesting
import Foundation
import NIOCore
import NIOHTTP1
import NIOFoundationCompat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The gateway's job counts (the subset of `GET /_gateway/counts` the benchmark reads).
struct GatewayCounts: Decodable {
    var seeded: Int
    var activatable: Int
    var activated: Int
    var completed: Int
    var failed: Int
    var duplicateCompletions: Int
    var rejectedCommands: Int
    var activations: Int
    var activationBatches: Int
    var timedOut: Int
    var peakActivated: Int
}

/// `camunda-test-gateway` (or this executable's hidden `serve-gateway`) running as a child process,
/// and a small HTTP client for its control routes.
final class GatewayProcess: @unchecked Sendable {
    let process: Process
    let rootAddress: String
    let restAddress: String
    let executableDescription: String
    private let control: HTTPClient
    private let output: Pipe

    var pid: Int32 { process.processIdentifier }

    /// Runs `body` with a freshly started gateway, which is stopped afterwards whatever happens.
    static func with<T>(_ body: (GatewayProcess) async throws -> T) async throws -> T {
        let gateway = try start()
        do {
            let result = try await body(gateway)
            await gateway.stop()
            return result
        } catch {
            await gateway.stop()
            throw error
        }
    }

    /// Starts the gateway on a free loopback port and waits for its "listening" line.
    static func start(longPollTimeoutMilliseconds: Int = 10_000) throws -> GatewayProcess {
        let own = Bundle.main.executableURL ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let sibling = own.deletingLastPathComponent().appendingPathComponent("camunda-test-gateway")
        let process = Process()
        let arguments = ["--port", "0", "--long-poll-timeout-ms", String(longPollTimeoutMilliseconds), "--record-limit", "0"]
        let description: String
        if FileManager.default.isExecutableFile(atPath: sibling.path) {
            process.executableURL = sibling
            process.arguments = arguments
            description = sibling.path
        } else {
            // Not built (`swift run camunda-bench` builds only this product): run the same embedded
            // gateway from this executable, still in a separate process.
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            process.arguments = ["serve-gateway"] + arguments
            description = "\(process.executableURL!.path) serve-gateway"
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        // Not a `.process` worker child, whatever our own environment says.
        var environment = ProcessInfo.processInfo.environment
        environment["CAMUNDA_SWIFT_SDK_WORKER_CHILD"] = nil
        process.environment = environment
        try process.run()

        var buffer = Data()
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { throw BenchError("the gateway exited before listening (\(description))") }
            buffer.append(chunk)
        }
        let line = String(decoding: buffer.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        guard let start = line.range(of: "http://"), let end = line[start.lowerBound...].firstIndex(of: " ") else {
            process.terminate()
            throw BenchError("unexpected first line from the gateway: \(line)")
        }
        let root = String(line[start.lowerBound..<end])
        return GatewayProcess(process: process, root: root, description: description, output: pipe)
    }

    private init(process: Process, root: String, description: String, output: Pipe) {
        self.process = process
        self.rootAddress = root
        self.restAddress = root + "/v2"
        self.executableDescription = description
        self.output = output
        self.control = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        // Drain the gateway's standard output so it never blocks on a full pipe.
        output.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
    }

    /// Seeds `count` jobs of `type` with `variables` (JSON object text), in chunks.
    func seed(type: String, count: Int, variablesJSON: String) async throws {
        var remaining = count
        while remaining > 0 {
            let chunk = min(remaining, 10_000)
            let body = #"{"type":"\#(type)","count":\#(chunk),"retries":3,"variables":\#(variablesJSON)}"#
            _ = try await request("POST", "/_gateway/seed", body: body)
            remaining -= chunk
        }
    }

    func counts(type: String) async throws -> GatewayCounts {
        let data = try await request("GET", "/_gateway/counts?type=\(type)")
        return try JSONDecoder().decode(GatewayCounts.self, from: data)
    }

    /// Activation-to-completion latency of the jobs of `type`, as the gateway measured it.
    func latencies(type: String) async throws -> GatewayLatencies {
        let data = try await request("GET", "/_gateway/latencies?type=\(type)")
        return try JSONDecoder().decode(GatewayLatencies.self, from: data)
    }

    @discardableResult
    func request(_ method: String, _ path: String, body: String? = nil) async throws -> Data {
        var request = HTTPClientRequest(url: rootAddress + path)
        request.method = .RAW(value: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await control.execute(request, timeout: .seconds(60))
        let buffer = try await response.body.collect(upTo: 256 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw BenchError("\(method) \(path): HTTP \(response.status.code) \(String(buffer: buffer))")
        }
        return Data(buffer: buffer)
    }

    /// The gateway's CPU time so far, in microseconds.
    var cpuMicros: Int64? { otherProcessCPUMicros(pid) }

    /// Stops the gateway (SIGTERM) and waits for it.
    func stop() async {
        try? await control.shutdown()
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        output.fileHandleForReading.readabilityHandler = nil
    }
}

/// `camunda-bench serve-gateway`: the embedded gateway in this executable, for when
/// `camunda-test-gateway` was not built next to it. Same first line and options as that executable.
struct ServeGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-gateway", abstract: "Runs the embedded gateway with control routes (used by worker and raw).",
        shouldDisplay: false)

    @Option var host = "127.0.0.1"
    @Option var port = 0
    @Option(name: .customLong("long-poll-timeout-ms")) var longPollTimeoutMilliseconds = 10_000
    @Option(name: .customLong("record-limit")) var recordLimit = 0

    func run() async throws {
        var configuration = EmbeddedGateway.Configuration(controlRoutes: true)
        configuration.host = host
        configuration.port = port
        configuration.defaultRequestTimeout = .milliseconds(longPollTimeoutMilliseconds)
        configuration.recordedRequestLimit = recordLimit
        let gateway = try await EmbeddedGateway.start(configuration)
        print("camunda-test-gateway listening on \(gateway.rootAddress.absoluteString) (REST address \(gateway.restAddress.absoluteString))")
        fflush(nil)
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let stream = AsyncStream<Void> { continuation in
            let queue = DispatchQueue(label: "serve-gateway.signals")
            for number in [SIGTERM, SIGINT] {
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { continuation.yield() }
                source.resume()
                SignalSources.keep(source)
            }
        }
        for await _ in stream { break }
        try await gateway.shutdown()
    }
}

/// Keeps dispatch signal sources alive.
enum SignalSources {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
}
