import CamundaOrchestration
import CamundaTesting
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The command line.
struct SoakOptions: Sendable {
    var duration: Double = 600
    var port = 26599
    var jobsPerSecond = 4
    var phase: Double = 20
    var reportPath = "SOAK.md"
    var workDirectory: String?

    static func parse(_ arguments: [String]) -> SoakOptions {
        var options = SoakOptions()
        var rest = arguments[...]
        func value(_ name: String) -> String {
            guard let value = rest.popFirst() else { fail("\(name) needs a value") }
            return value
        }
        func number(_ name: String) -> Double {
            guard let number = Double(value(name)), number > 0 else { fail("\(name) needs a positive number") }
            return number
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--duration": options.duration = number(argument)
            case "--port": options.port = Int(number(argument))
            case "--jobs-per-second": options.jobsPerSecond = Int(number(argument))
            case "--phase": options.phase = number(argument)
            case "--report": options.reportPath = value(argument)
            case "--work-dir": options.workDirectory = value(argument)
            case "--help", "-h":
                print(
                    "usage: camunda-soak [--duration SECONDS (600)] [--port N (26599)] [--jobs-per-second N (4)] "
                        + "[--phase SECONDS (20)] [--report PATH (SOAK.md)] [--work-dir PATH]")
                exit(0)
            default: fail("unknown argument \(argument)")
            }
        }
        return options
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("camunda-soak: \(message)\n".utf8))
        exit(2)
    }
}

/// The SDK logger of the soak: debug level, into the file named by `CAMUNDA_SOAK_SDK_LOG`.
func soakLogger(label: String) -> Logger {
    guard let path = ProcessInfo.processInfo.environment[SoakSettings.sdkLogVariable],
        let sink = FileLogHandler.Sink(path: path)
    else {
        return Logger(label: label) { _ in SwiftLogNoOpLogHandler() }
    }
    var logger = Logger(label: label) { label in FileLogHandler(sink: sink, label: label) }
    logger.logLevel = .debug
    return logger
}

/// Resident set size of a process in bytes (`/proc/<pid>/status`), or `nil` off Linux.
func residentBytes(pid: String = "self") -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return nil }
    let digits = line.split(separator: " ").compactMap { Int($0) }.first
    return digits.map { $0 * 1024 }
}

func mebibytes(_ bytes: Int?) -> String {
    guard let bytes else { return "n/a" }
    return String(format: "%.1f MiB", Double(bytes) / 1_048_576)
}

/// The faults of the schedule, in order.
enum ChaosFault: String, CaseIterable, Sendable {
    case blackHole = "network black hole (FaultProxy): every open and new connection silently frozen for good"
    case stall = "stalled responses (FaultProxy): head and first body byte, then silence, on every connection"
    case unavailable = "503 burst (Retry-After: 1) on /v2/jobs, 80 %"
    case throttled = "429 burst on every /v2 request, 80 %"
    case exhausted = "500 RESOURCE_EXHAUSTED on /v2/jobs, 70 %"
    case dropped = "dropped connections mid-request on /v2/jobs, 40 %"
    case slow = "responses delayed 15 s (client timeout 10 s) on /v2/jobs, 30 %"
    case restart = "gateway SIGKILL + restart on the same port, then token endpoint 503 (OAuth)"

    /// The control-route JSON of the fault (the restart's is the token failure injected after it).
    var json: String {
        switch self {
        case .unavailable: #"{"pathPrefix":"/v2/jobs","status":503,"retryAfter":"1","rate":0.8,"seed":1}"#
        case .throttled: #"{"pathPrefix":"/v2","status":429,"rate":0.8,"seed":2}"#
        case .exhausted:
            #"{"pathPrefix":"/v2/jobs","status":500,"title":"RESOURCE_EXHAUSTED","detail":"Expected to handle the request, but the gateway is overloaded (RESOURCE_EXHAUSTED)","rate":0.7,"seed":3}"#
        case .dropped: #"{"pathPrefix":"/v2/jobs","drop":true,"rate":0.4,"seed":4}"#
        case .slow: #"{"pathPrefix":"/v2/jobs","delayMs":\#(SoakSettings.slowResponseMilliseconds),"rate":0.3,"seed":5}"#
        case .restart: #"{"operation":"oauthToken","status":503,"rate":1,"seed":6}"#
        case .blackHole, .stall: ""
        }
    }

    /// Whether the fault is the network's (the proxy's) rather than the gateway's.
    var isNetworkFault: Bool { self == .blackHole || self == .stall }
}

/// One seeded job.
struct SeededJob: Sendable {
    var type: String
    var mode: SoakMode
}

/// The soak run.
final class Soak {
    static let clientID = "soak-client"

    let options: SoakOptions
    let clock = SoakClock()
    let gateway: GatewayProcess
    let workDirectory: String
    let handlerLogPath: String
    let sdkLogPath: String
    let clientSecret: String
    var clients: [(type: String, client: CamundaClient, observer: PollObserver)] = []
    /// Between the workers and the gateway: the network faults.
    var proxy: FaultProxy?
    /// Seeded jobs by gateway incarnation.
    var seeded: [Int: [String: SeededJob]] = [:]
    /// Snapshots of every job of an incarnation, taken just before it was killed (or at the end).
    var snapshots: [Int: [String: GatewayJob]] = [:]
    /// When each incarnation started (epoch milliseconds).
    var incarnationStarts: [Int: Int64] = [:]
    var faultLog: [(name: String, start: Double, end: Double)] = []
    var rssSamples: [(time: Double, bytes: Int)] = []
    var gatewayRSS: [Int: Int] = [:]
    var modeCounters: [String: Int] = [:]
    var seedFailures = 0
    var drainSeconds = 0.0

    init(options: SoakOptions) throws {
        self.options = options
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let gatewayPath = executable.deletingLastPathComponent().appendingPathComponent("camunda-test-gateway").path
        guard FileManager.default.isExecutableFile(atPath: gatewayPath) else {
            throw SoakError("\(gatewayPath) not found: build the camunda-test-gateway product into the same folder first")
        }
        let directory =
            options.workDirectory
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("camunda-soak-\(getpid())")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        workDirectory = directory
        handlerLogPath = (directory as NSString).appendingPathComponent("handlers.log")
        sdkLogPath = (directory as NSString).appendingPathComponent("sdk.log")
        for path in [handlerLogPath, sdkLogPath] { try? FileManager.default.removeItem(atPath: path) }
        // Inherited by the `.process` children; planned crashes need no symbolicated backtrace.
        setenv("SWIFT_BACKTRACE", "enable=no", 0)
        setenv(SoakSettings.handlerLogVariable, handlerLogPath, 1)
        setenv(SoakSettings.sdkLogVariable, sdkLogPath, 1)
        clientSecret = "soak-secret-" + UUID().uuidString
        gateway = GatewayProcess(
            executable: gatewayPath, port: options.port, clientID: Self.clientID, clientSecret: clientSecret)
    }

    // MARK: Workers

    static func registerProcessWorker(on client: CamundaClient) throws {
        try client.createJobWorker(
            config: WorkerConfig(
                jobType: SoakJobType.process, jobTimeoutMilliseconds: SoakSettings.jobTimeoutMilliseconds,
                requestTimeoutMilliseconds: SoakSettings.longPollMilliseconds, maxConcurrentJobs: 4),
            executionStrategy: .process
        ) { (job: JobContext) throws -> [String: JSONValue] in
            try SoakHandler.run(job)
        }
    }

    func makeClient(type: String) throws -> (CamundaClient, PollObserver) {
        guard let proxy else { throw SoakError("the fault proxy is not running") }
        var configuration = try CamundaConfiguration(
            [
                "CAMUNDA_REST_ADDRESS": proxy.restAddress.absoluteString, "CAMUNDA_CLIENT_ID": Self.clientID,
                "CAMUNDA_CLIENT_SECRET": clientSecret,
                "CAMUNDA_OAUTH_URL": proxy.rootAddress.appendingPathComponent("oauth/token").absoluteString,
            ], environment: [:])
        configuration.http.requestTimeout = SoakSettings.clientRequestTimeout
        configuration.http.acknowledgementTimeout = SoakSettings.clientRequestTimeout
        let observer = PollObserver(name: SoakJobType.strategy(of: type), clock: clock)
        let client = try CamundaClient(
            configuration, middlewares: [observer], logger: soakLogger(label: "camunda.soak.\(observer.name)"))
        return (client, observer)
    }

    func startWorkers() throws -> [Task<Void, any Error>] {
        let (asyncClient, asyncObserver) = try makeClient(type: SoakJobType.async)
        try asyncClient.createJobWorker(
            config: WorkerConfig(
                jobType: SoakJobType.async, jobTimeoutMilliseconds: SoakSettings.jobTimeoutMilliseconds,
                requestTimeoutMilliseconds: SoakSettings.longPollMilliseconds, maxConcurrentJobs: 16),
            executionStrategy: .async
        ) { (job: ConnectedJobContext) async throws -> [String: JSONValue] in
            try await SoakHandler.runAsync(job)
        }
        let (threadClient, threadObserver) = try makeClient(type: SoakJobType.thread)
        try threadClient.createJobWorker(
            config: WorkerConfig(
                jobType: SoakJobType.thread, jobTimeoutMilliseconds: SoakSettings.jobTimeoutMilliseconds,
                requestTimeoutMilliseconds: SoakSettings.longPollMilliseconds, maxConcurrentJobs: 8),
            executionStrategy: .thread
        ) { (job: SyncJobContext) throws -> [String: JSONValue] in
            try SoakHandler.run(job)
        }
        let (processClient, processObserver) = try makeClient(type: SoakJobType.process)
        try Self.registerProcessWorker(on: processClient)
        clients = [
            (SoakJobType.async, asyncClient, asyncObserver), (SoakJobType.thread, threadClient, threadObserver),
            (SoakJobType.process, processClient, processObserver),
        ]
        return clients.map { entry in
            let client = entry.client
            return Task { try await client.runWorkers(shutdownGracePeriod: .seconds(20)) }
        }
    }

    // MARK: Run

    func log(_ message: String) {
        FileHandle.standardError.write(Data(String(format: "[%7.1f s] ", clock.now).appending(message + "\n").utf8))
    }

    func startGateway() throws {
        try gateway.start()
        incarnationStarts[gateway.incarnation] = Int64(Date().timeIntervalSince1970 * 1000)
        seeded[gateway.incarnation] = [:]
        log("gateway incarnation \(gateway.incarnation) listening on \(gateway.root) (pid \(gateway.pid ?? -1))")
    }

    func run() async throws -> String {
        try startGateway()
        let proxy = try await FaultProxy.start(upstreamPort: options.port)
        self.proxy = proxy
        log("fault proxy on \(proxy.rootAddress) in front of the gateway (the workers' address)")
        let workerTasks = try startWorkers()
        let rssAtStart = residentBytes()
        rssSamples.append((clock.now, rssAtStart ?? 0))
        log("workers started (async, thread, process); soak runs \(Int(options.duration)) s; work folder \(workDirectory)")

        var active: (fault: ChaosFault, start: Double)?
        var nextIndex = 0
        var nextTransition = options.phase
        var nextSample = 30.0
        while clock.now < options.duration {
            try await seedTick()
            let now = clock.now
            if now >= nextTransition {
                if let current = active {
                    try await endFault(current.fault, start: current.start)
                    active = nil
                } else {
                    let fault = ChaosFault.allCases[nextIndex % ChaosFault.allCases.count]
                    nextIndex += 1
                    try await beginFault(fault)
                    active = (fault, clock.now)
                }
                nextTransition = clock.now + options.phase
            }
            if now >= nextSample {
                rssSamples.append((now, residentBytes() ?? 0))
                nextSample += 30
                let counts = try? await gateway.counts()
                log(
                    "rss \(mebibytes(residentBytes())); gateway: completed \(counts?.completed ?? -1), open \(counts?.open ?? -1), "
                        + "timed out \(counts?.timedOut ?? -1), duplicate completion commands \(counts?.duplicateCompletions ?? -1)")
            }
            try await Task.sleep(for: .seconds(1))
        }
        if let current = active { try await endFault(current.fault, start: current.start) }

        // Drain: no more seeding, no faults; wait for every job of this incarnation to finish (bounded).
        let drainStart = clock.now
        while clock.now - drainStart < 120 {
            if let counts = try? await gateway.counts(), counts.open == 0 { break }
            try await Task.sleep(for: .seconds(1))
        }
        drainSeconds = clock.now - drainStart
        log("drained in \(String(format: "%.1f", drainSeconds)) s")
        let rssAtEnd = residentBytes()
        rssSamples.append((clock.now, rssAtEnd ?? 0))
        if let pid = gateway.pid, let bytes = residentBytes(pid: String(pid)) { gatewayRSS[gateway.incarnation] = bytes }
        snapshots[gateway.incarnation] = try await snapshotJobs(incarnation: gateway.incarnation)
        let finalCounts = try await gateway.counts()

        for task in workerTasks { task.cancel() }
        for task in workerTasks { _ = await task.result }
        for entry in clients {
            entry.observer.finish()
            try? await entry.client.shutdown()
        }
        gateway.stop()
        try? await proxy.shutdown()
        await gateway.shutdownHTTP()
        return try makeReport(rssAtStart: rssAtStart, rssAtEnd: rssAtEnd, finalCounts: finalCounts)
    }

    // MARK: Seeding

    func seedTick() async throws {
        for type in SoakJobType.all {
            var modes: [SoakMode: Int] = [:]
            for _ in 0..<options.jobsPerSecond {
                let counter = modeCounters[type, default: 0]
                modeCounters[type] = counter + 1
                let mode: SoakMode =
                    if counter % 50 == 7 { .slow } else if counter % 20 == 3 { .fail } else if type == SoakJobType.process,
                        counter % 25 == 11
                    {
                        .crash
                    } else { .ok }
                modes[mode, default: 0] += 1
            }
            for (mode, count) in modes {
                do {
                    let keys = try await gateway.seed(type: type, count: count, mode: mode)
                    for key in keys { seeded[gateway.incarnation, default: [:]][key] = SeededJob(type: type, mode: mode) }
                } catch {
                    seedFailures += 1
                }
            }
        }
    }

    // MARK: Chaos

    func beginFault(_ fault: ChaosFault) async throws {
        log("fault begins: \(fault.rawValue)")
        switch fault {
        case .restart:
            // Freeze the job state (every API request answers 503) while every job is inspected, then kill.
            try await gateway.inject(#"{"pathPrefix":"/v2","status":503,"rate":1,"seed":7}"#)
            let incarnation = gateway.incarnation
            snapshots[incarnation] = try await snapshotJobs(incarnation: incarnation)
            if let pid = gateway.pid, let bytes = residentBytes(pid: String(pid)) { gatewayRSS[incarnation] = bytes }
            gateway.kill()
            log("gateway incarnation \(incarnation) killed (SIGKILL); down for 2 s")
            try await Task.sleep(for: .seconds(2))
            try startGateway()
            try await gateway.inject(fault.json)
        case .blackHole:
            proxy?.setMode(.blackHole)
        case .stall:
            proxy?.setMode(.stall)
        default:
            try await gateway.inject(fault.json)
        }
    }

    func endFault(_ fault: ChaosFault, start: Double) async throws {
        try await gateway.clearFaults()
        proxy?.heal()
        let end = clock.now
        faultLog.append((fault.rawValue, start, end))
        for entry in clients { entry.observer.faultEnded(fault.rawValue) }
        log("fault ends: \(fault.rawValue)")
    }

    /// Every job of the incarnation, from `GET /_gateway/jobs/{key}`, eight at a time.
    func snapshotJobs(incarnation: Int) async throws -> [String: GatewayJob] {
        let keys = Array(seeded[incarnation, default: [:]].keys)
        let gateway = self.gateway
        var result: [String: GatewayJob] = [:]
        var index = 0
        while index < keys.count {
            let batch = keys[index..<min(index + 8, keys.count)]
            index += batch.count
            try await withThrowingTaskGroup(of: (String, GatewayJob?).self) { group in
                for key in batch { group.addTask { (key, try await gateway.job(key)) } }
                for try await (key, job) in group { if let job { result[key] = job } }
            }
        }
        return result
    }
}
