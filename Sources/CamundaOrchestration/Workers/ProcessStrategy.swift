import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The `.process` strategy.
//
// The parent spawns the running executable again (`/proc/self/exe` on Linux) with the same
// arguments, its environment plus `CAMUNDA_SWIFT_SDK_WORKER_CHILD=<ordinal>:<job type>`, and one end
// of a Unix socket pair as file descriptor 3 (not stdin/stdout, which user code may print to).
// The child re-enters `main`, creates the same workers in the same order, and when it reaches
// `runWorkers()` (or a worker's `run()`), serves the worker whose ordinal matches: it reads jobs from
// fd 3, runs the handler, writes the outcome back, and exits when the parent closes the socket.
//
// Frames are a 4-byte big-endian length followed by JSON: `ActivatedJobResult` down, the outcome up.

/// The child-process side of the `.process` strategy.
enum ProcessWorkerChild {
    static let environmentKey = "CAMUNDA_SWIFT_SDK_WORKER_CHILD"
    static let socketDescriptor: Int32 = 3

    struct Marker: Sendable {
        var ordinal: Int
        var jobType: String
    }

    /// Set when this process is a `.process` child.
    static let current: Marker? = {
        guard let value = ProcessInfo.processInfo.environment[environmentKey],
            let colon = value.firstIndex(of: ":"), let ordinal = Int(value[..<colon])
        else { return nil }
        return Marker(ordinal: ordinal, jobType: String(value[value.index(after: colon)...]))
    }()

    private static let ordinals = Mutex(0)

    /// The next ordinal for a `.process` worker created in this process.
    static func nextOrdinal() -> Int {
        ordinals.withLock { value in
            defer { value += 1 }
            return value
        }
    }

    /// Serves the worker this child was spawned for, if it is among `candidates`; otherwise waits
    /// until cancelled (another registry in this process serves it). Never returns normally.
    static func serve(candidates: [JobWorker]) async throws -> Never {
        guard let marker = current else { fatalError("not a .process child") }
        let match = candidates.first { $0.processOrdinal == marker.ordinal && $0.config.jobType == marker.jobType }
        guard let worker = match, case .process(let handler) = worker.runner else {
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        let thread = Thread { serveLoop(handler) }
        thread.name = "camunda-worker-child"
        thread.start()
        while true { try? await Task.sleep(for: .seconds(3600)) }
    }

    private static func serveLoop(_ handler: @Sendable (JobContext) -> HandlerOutcome) -> Never {
        let fd = socketDescriptor
        while let frame = FrameIO.read(fd) {
            let outcome: HandlerOutcome
            do {
                let job = try CamundaJSON.decode(ActivatedJobResult.self, from: frame)
                outcome = handler(JobContext(job: job))
            } catch {
                outcome = .fail(
                    message: "the .process child could not decode the job: \(error)", retries: nil, retryBackOff: 0,
                    variables: nil)
            }
            let data =
                (try? CamundaJSON.encode(outcome))
                ?? Data(#"{"fail":{"message":"the .process child could not encode the outcome","retryBackOff":0}}"#.utf8)
            guard FrameIO.write(fd, data) else { break }
        }
        // `_exit`, not `exit`: no atexit handlers or static destructors while other threads still run.
        _exit(0)
    }
}

/// Length-prefixed frames over a blocking socket.
enum FrameIO {
    static func read(_ fd: Int32) -> Data? {
        guard let header = readExactly(fd, 4) else { return nil }
        let length = header.reduce(0) { ($0 << 8) | Int($1) }
        guard length >= 0, length < 256 << 20 else { return nil }
        return readExactly(fd, length)
    }

    static func write(_ fd: Int32, _ data: Data) -> Bool {
        let length = UInt32(data.count)
        var frame = Data([UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)])
        frame.append(data)
        return frame.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Darwin)
                let flags: Int32 = 0
                #else
                let flags = Int32(MSG_NOSIGNAL)
                #endif
                let written = send(fd, buffer.baseAddress! + offset, buffer.count - offset, flags)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    private static func readExactly(_ fd: Int32, _ count: Int) -> Data? {
        var data = Data(count: count)
        var offset = 0
        let ok = data.withUnsafeMutableBytes { buffer -> Bool in
            while offset < count {
                let n = recv(fd, buffer.baseAddress! + offset, count - offset, 0)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        return ok ? data : nil
    }
}

/// One child process and the parent's end of its socket.
final class ChildProcess: Sendable {
    let pid: pid_t
    let fd: Int32
    private let reaped = Mutex(false)

    init(pid: pid_t, fd: Int32) {
        self.pid = pid
        self.fd = fd
    }

    enum RoundTrip: Sendable {
        case outcome(HandlerOutcome)
        case died(String)
    }

    /// Sends a job and waits for the outcome (blocking; run on a pool thread).
    func roundTrip(_ job: Data) -> RoundTrip {
        guard FrameIO.write(fd, job), let reply = FrameIO.read(fd) else {
            return .died(terminate(wait: true))
        }
        guard let outcome = try? CamundaJSON.decode(HandlerOutcome.self, from: reply) else {
            return .died("sent a reply that is not an outcome; " + terminate(wait: false))
        }
        return .outcome(outcome)
    }

    /// Kills the child (used when its handler runs past the shutdown grace period).
    func kill() { _ = Glibc_kill(pid, SIGKILL) }

    /// Closes the socket (the child exits when it reads end-of-file) and reaps the child.
    /// Returns a description of how it ended.
    @discardableResult
    func terminate(wait: Bool) -> String {
        let first = reaped.withLock { value -> Bool in
            defer { value = true }
            return !value
        }
        guard first else { return "already ended" }
        close(fd)
        if !wait { kill() }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Self.describe(status: status, pid: pid)
    }

    static func describe(status: Int32, pid: pid_t) -> String {
        let signal = status & 0x7f
        if signal == 0 {
            let code = (status >> 8) & 0xff
            return "the .process child (pid \(pid)) exited with status \(code) before answering"
                + (code == 0 ? " (does the program reach runWorkers() in the child?)" : "")
        }
        let name: String =
            switch signal {
            case SIGILL: "SIGILL, a Swift runtime trap such as fatalError or a failed precondition"
            case SIGTRAP: "SIGTRAP, a Swift runtime trap such as fatalError or a failed precondition"
            case SIGSEGV: "SIGSEGV"
            case SIGABRT: "SIGABRT"
            case SIGKILL: "SIGKILL"
            case SIGBUS: "SIGBUS"
            default: "signal \(signal)"
            }
        return "the .process child (pid \(pid)) crashed while running the handler (\(name))"
    }
}

private func Glibc_kill(_ pid: pid_t, _ signal: Int32) -> Int32 { kill(pid, signal) }

/// What a `.process` worker spawns.
struct ProcessChildCommand: Sendable {
    /// The executable (the running one, unless a test says otherwise).
    var executable: String
    /// The arguments after `argv[0]`.
    var arguments: [String]
    /// Variables added to the child's environment.
    var environment: [String: String] = [:]
    /// Which `.process` worker the child serves: the n-th created in the child's `main`.
    var ordinal: Int
}

/// The parent side: a pool of child processes, at most one job each at a time.
final class ProcessChildPool: Sendable {
    let command: ProcessChildCommand
    let jobType: String
    let logger: Logger
    private let idle = Mutex<[ChildProcess]>([])
    private let live = Mutex<[pid_t: ChildProcess]>([:])
    private let closed = Mutex(false)

    init(command: ProcessChildCommand, jobType: String, logger: Logger) throws {
        self.command = command
        self.jobType = jobType
        self.logger = logger
    }

    /// Runs one job in a child process (spawning one when none is idle) on a pool thread.
    func execute(_ job: ActivatedJobResult, on threads: JobThreadPool, logger: Logger) async -> HandlerOutcome {
        let data: Data
        do {
            data = try CamundaJSON.encode(job)
        } catch {
            return .fail(message: "could not encode the job for the .process child: \(error)", retries: nil, retryBackOff: 0, variables: nil)
        }
        let inUse = Mutex<ChildProcess?>(nil)
        let result: Result<ChildProcess.RoundTrip, ProcessSpawnError>? = await threads.run(
            { () -> Result<ChildProcess.RoundTrip, ProcessSpawnError> in
                let child: ChildProcess
                do throws(ProcessSpawnError) {
                    child = try self.acquire()
                } catch {
                    return .failure(error)
                }
                inUse.withLock { $0 = child }
                return .success(child.roundTrip(data))
            },
            onCancel: { inUse.withLock { $0 }?.kill() })
        let child = inUse.withLock { $0 }
        switch result {
        case nil:
            // Not a task: terminating a child process signals it and reaps it with blocking calls,
            // which must not occupy Swift's cooperative pool, and the job's slot need not wait for it.
            if let child { Thread.detachNewThread { _ = child.terminate(wait: false) } }
            forget(child)
            return .handBack(reason: "the job worker shut down before the handler finished")
        case .failure(let error)?:
            logger.error("Could not start a .process child: \(error)")
            return .fail(message: error.description, retries: nil, retryBackOff: 0, variables: nil)
        case .success(.died(let message))?:
            forget(child)
            logger.error("\(message); the job fails and the child is replaced")
            return .fail(message: message, retries: nil, retryBackOff: 0, variables: nil)
        case .success(.outcome(let outcome))?:
            if let child { release(child) }
            return outcome
        }
    }

    private func acquire() throws(ProcessSpawnError) -> ChildProcess {
        if let child = idle.withLock({ $0.popLast() }) { return child }
        let child = try spawn()
        live.withLock { $0[child.pid] = child }
        logger.debug("Started .process child", metadata: ["pid": .stringConvertible(child.pid)])
        return child
    }

    private func release(_ child: ChildProcess) {
        let isClosed = closed.withLock { $0 }
        if isClosed {
            forget(child)
            Thread.detachNewThread { _ = child.terminate(wait: true) }  // blocking reap: a thread, not a task
        } else {
            idle.withLock { $0.append(child) }
        }
    }

    private func forget(_ child: ChildProcess?) {
        guard let child else { return }
        _ = live.withLock { $0.removeValue(forKey: child.pid) }
    }

    /// Closes every idle child's socket (they exit) and reaps them.
    func close() {
        closed.withLock { $0 = true }
        let children = idle.withLock { list in
            defer { list.removeAll() }
            return list
        }
        for child in children {
            forget(child)
            _ = child.terminate(wait: true)
        }
    }

    private func spawn() throws(ProcessSpawnError) -> ChildProcess {
        var fds: [Int32] = [0, 0]
        #if canImport(Darwin)
        let socketType = SOCK_STREAM
        #else
        let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #endif
        guard socketpair(AF_UNIX, socketType, 0, &fds) == 0 else { throw ProcessSpawnError("socketpair", errno) }
        // Move both ends above the low descriptors so that dup2 onto 3 never meets itself.
        let parentEnd = fcntl(fds[0], F_DUPFD_CLOEXEC, 10)
        let childEnd = fcntl(fds[1], F_DUPFD_CLOEXEC, 10)
        Glibc_close(fds[0])
        Glibc_close(fds[1])
        guard parentEnd >= 0, childEnd >= 0 else { throw ProcessSpawnError("fcntl", errno) }

        let path = command.executable
        var environment = ProcessInfo.processInfo.environment.merging(command.environment) { $1 }
        environment[ProcessWorkerChild.environmentKey] = "\(command.ordinal):\(jobType)"
        let argv0 = command.executable == Self.executablePath() ? (CommandLine.arguments.first ?? path) : path
        let argv = ([argv0] + command.arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }

        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t?
        #else
        var actions = posix_spawn_file_actions_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childEnd, ProcessWorkerChild.socketDescriptor)

        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, nil, argv, envp)
        Glibc_close(childEnd)
        guard status == 0 else {
            Glibc_close(parentEnd)
            throw ProcessSpawnError("posix_spawn \(path)", status)
        }
        return ChildProcess(pid: pid, fd: parentEnd)
    }

    static func executablePath() -> String {
        #if os(Linux)
        return "/proc/self/exe"
        #else
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
        #endif
    }
}

private func Glibc_close(_ fd: Int32) { _ = close(fd) }

/// A `.process` child could not be started.
struct ProcessSpawnError: Error, CustomStringConvertible {
    var call: String
    var code: Int32
    init(_ call: String, _ code: Int32) {
        self.call = call
        self.code = code
    }
    var description: String { "could not start a .process child: \(call) failed: \(String(cString: strerror(code)))" }
}
