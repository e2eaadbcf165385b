import AsyncHTTPClient
import CamundaOrchestration
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The standalone `camunda-test-gateway` as a child process on a fixed port, and its control routes.
final class GatewayProcess: @unchecked Sendable {
    let executable: String
    let port: Int
    let clientID: String
    let clientSecret: String
    private(set) var process: Process?
    /// Which start this is (1 for the first; every restart adds one).
    private(set) var incarnation = 0
    let http: HTTPClient

    init(executable: String, port: Int, clientID: String, clientSecret: String) {
        self.executable = executable
        self.port = port
        self.clientID = clientID
        self.clientSecret = clientSecret
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(30))
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    var root: String { "http://127.0.0.1:\(port)" }
    var restAddress: String { root + "/v2" }
    var tokenURL: String { root + "/oauth/token" }

    /// Starts the gateway and waits for its "listening" line.
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--port", String(port), "--auth", "oauth", "--client-id", clientID, "--client-secret", clientSecret,
            "--long-poll-timeout-ms", String(SoakSettings.longPollMilliseconds), "--record-limit", "0",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        // Read the first line ("camunda-test-gateway listening on ...").
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { throw SoakError("camunda-test-gateway exited before listening (port \(port) taken?)") }
            if byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard String(decoding: line, as: UTF8.self).contains("listening") else {
            throw SoakError("unexpected first line from camunda-test-gateway: \(String(decoding: line, as: UTF8.self))")
        }
        // Keep draining stdout so the child never blocks on a full pipe.
        let reader = output.fileHandleForReading
        Thread.detachNewThread {
            while !reader.readData(ofLength: 4096).isEmpty {}
        }
        self.process = process
        incarnation += 1
    }

    /// Kills the gateway with SIGKILL (no graceful shutdown) and reaps it.
    func kill() {
        guard let process else { return }
        _ = Self.sendSignal(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// Stops the gateway with SIGTERM and reaps it.
    func stop() {
        guard let process else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    var pid: Int32? { process?.processIdentifier }

    private static func sendSignal(_ pid: Int32, _ signal: Int32) -> Int32 { Glibc.kill(pid, signal) }

    // MARK: Control routes

    func request(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> (UInt, Data) {
        var request = HTTPClientRequest(url: root + "/_gateway" + path)
        request.method = method
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (response.status.code, Data(buffer: body))
    }

    /// Seeds jobs; returns their keys.
    func seed(type: String, count: Int, mode: SoakMode) async throws -> [String] {
        let json = #"{"type":"\#(type)","count":\#(count),"retries":3,"variables":{"mode":"\#(mode.rawValue)"}}"#
        let (status, data) = try await request(.POST, "/seed", json: json)
        guard status == 200 else { throw SoakError("seed answered \(status)") }
        struct Seeded: Decodable { var jobKeys: [String] }
        return try JSONDecoder().decode(Seeded.self, from: data).jobKeys
    }

    func inject(_ faultJSON: String) async throws {
        let (status, _) = try await request(.POST, "/faults", json: faultJSON)
        guard status == 204 else { throw SoakError("fault injection answered \(status) for \(faultJSON)") }
    }

    func clearFaults() async throws {
        _ = try await request(.DELETE, "/faults")
    }

    func counts(type: String? = nil) async throws -> GatewayCounts {
        let (status, data) = try await request(.GET, "/counts" + (type.map { "?type=\($0)" } ?? ""))
        guard status == 200 else { throw SoakError("counts answered \(status)") }
        return try JSONDecoder().decode(GatewayCounts.self, from: data)
    }

    func job(_ key: String) async throws -> GatewayJob? {
        let (status, data) = try await request(.GET, "/jobs/\(key)")
        guard status == 200 else { return nil }
        return try JSONDecoder().decode(GatewayJob.self, from: data)
    }

    func shutdownHTTP() async {
        try? await http.shutdown()
    }
}

struct SoakError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The parts of the gateway's `JobCounts` JSON the soak reads.
struct GatewayCounts: Decodable, Sendable {
    var seeded: Int
    var activatable: Int
    var activated: Int
    var retrying: Int
    var completed: Int
    var failed: Int
    var errorThrown: Int
    var incidents: Int
    var duplicateCompletions: Int
    var rejectedCommands: Int
    var activations: Int
    var timedOut: Int

    var open: Int { activatable + activated + retrying }
}

/// The parts of the gateway's `JobSnapshot` JSON the soak reads.
struct GatewayJob: Decodable, Sendable {
    struct LastFailure: Decodable, Sendable {
        var errorMessage: String?
    }
    var key: String
    var type: String
    var state: String
    var retries: Int
    var activationCount: Int
    var completionCount: Int
    var failureCount: Int
    var rejectedCommandCount: Int
    var timeoutCount: Int
    var lastFailure: LastFailure?
}
