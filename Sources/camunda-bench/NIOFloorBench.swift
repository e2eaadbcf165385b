import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The NIO floor: the raw loop's flow hand-written on SwiftNIO (NIOHTTP1 over keep-alive connections),
/// every step of it — writing requests, parsing responses, scanning job keys, scheduling the next
/// request — done on one event loop, with no Swift concurrency task and no thread hop per job.
///
/// This is the wire's limit for a Swift worker on this machine: what the SDK's worker is measured against.
enum NIOFloor {
    static func measure(jobs: Int, concurrency: Int, jobType: String) async throws -> BenchResult {
        try await GatewayProcess.with { gateway in
            progress("nio: gateway \(gateway.executableDescription) at \(gateway.rootAddress); seeding \(jobs) jobs")
            try await gateway.seed(type: jobType, count: jobs, variablesJSON: benchVariablesJSON)
            guard let url = URL(string: gateway.restAddress), let host = url.host, let port = url.port else {
                throw BenchError("cannot parse the gateway address \(gateway.restAddress)")
            }
            let recorder = CompletionRecorder(target: jobs)
            let loop = MultiThreadedEventLoopGroup.singleton.next()
            let floor = NIOFloorLoop(
                loop: loop, host: host, port: port, pathPrefix: url.path, jobType: jobType, concurrency: concurrency,
                recorder: recorder)

            let measurement = RunMeasurement.start(jobs: jobs, gateway: gateway)
            loop.execute { floor.poll() }
            let watchdog = watchGateway(gateway, type: jobType, jobs: jobs, recorder: recorder)
            await recorder.waitUntilFinished()
            let figures = measurement.finish(endNanos: recorder.finishedAtNanos)
            watchdog.cancel()
            try await loop.submit { floor.stop() }.get()

            let counts = try await gateway.counts(type: jobType)
            let latencies = try await gateway.latencies(type: jobType)
            var result = BenchResult(bench: "raw")
            result.add("strategy", "strategy", .string("nio"))
            result.add("jobs", "jobs", jobs)
            result.add("concurrency", "concurrency", concurrency)
            result.addRun(figures, jobs: jobs, latency: latencies)
            result.add("connections", "connections opened", floor.connectionsOpenedSnapshot)
            let ok = result.addCheck(counts, jobs: jobs)
            result.addEnvironment()
            if !ok { progress("nio: the gateway's counts do not show every job completed exactly once: \(counts)") }
            return result
        }
    }
}

/// What a floor request calls with its response, on the loop.
typealias FloorDone = @Sendable (Result<(Int, ByteBuffer), any Error>) -> Void

/// The floor's state; every member is touched on `loop` only.
final class NIOFloorLoop: @unchecked Sendable {
    let loop: any EventLoop
    let host: String
    let port: Int
    let pathPrefix: String
    let jobType: String
    let recorder: CompletionRecorder
    private var free: Int
    private var polling = false
    private var stopped = false
    private var idle: [FloorConnection] = []
    private var all: [ObjectIdentifier: FloorConnection] = [:]
    private var connectionsOpened = 0
    private let hostHeader: String
    private let activationPath: String
    /// Read once the loop has stopped.
    var connectionsOpenedSnapshot: Int { connectionsOpened }

    init(
        loop: any EventLoop, host: String, port: Int, pathPrefix: String, jobType: String, concurrency: Int,
        recorder: CompletionRecorder
    ) {
        self.loop = loop
        self.host = host
        self.port = port
        self.pathPrefix = pathPrefix
        self.jobType = jobType
        self.recorder = recorder
        free = concurrency
        hostHeader = "\(host):\(port)"
        activationPath = pathPrefix + "/jobs/activation"
    }

    /// Activates as many jobs as there are free slots, unless an activation is under way or no slot is free.
    func poll() {
        loop.preconditionInEventLoop()
        guard !stopped, !polling, free > 0 else { return }
        polling = true
        let body = #"{"type":"\#(jobType)","worker":"nio","timeout":300000,"maxJobsToActivate":\#(free),"requestTimeout":0}"#
        send(path: activationPath, body: body) { result in
            self.polling = false
            switch result {
            case .success((200, let buffer)):
                let keys = buffer.withUnsafeReadableBytes { scanJobKeys($0) }
                self.free -= keys.count
                for key in keys { self.complete(key, attempt: 1) }
                self.poll()
            case .success((let status, _)):
                progress("nio: activation: HTTP \(status)")
                self.loop.scheduleTask(in: .milliseconds(100)) { self.poll() }
            case .failure(let error):
                if self.stopped { return }
                progress("nio: activation failed: \(error)")
                self.loop.scheduleTask(in: .milliseconds(100)) { self.poll() }
            }
        }
    }

    /// Completes one job with one output variable; retries transport errors a few times.
    private func complete(_ key: Int64, attempt: Int) {
        send(path: "\(pathPrefix)/jobs/\(key)/completion", body: #"{"variables":{"result":"processed"}}"#) { result in
            switch result {
            case .success((let status, _)):
                if status == 204 { self.recorder.completed() } else { progress("nio: completion of \(key): HTTP \(status)") }
            case .failure(let error):
                if !self.stopped, attempt < 5 {
                    self.complete(key, attempt: attempt + 1)
                    return
                }
                progress("nio: completion of \(key) failed: \(error)")
            }
            self.free += 1
            self.poll()
        }
    }

    /// Sends one POST on an idle connection (or a new one) and calls `done` on the loop with the response.
    private func send(path: String, body: String, done: @escaping FloorDone) {
        if let connection = idle.popLast() {
            connection.send(path: path, host: hostHeader, body: body) { result in
                if case .success = result, !self.stopped, connection.channel.isActive {
                    self.idle.append(connection)
                } else {
                    self.drop(connection)
                }
                done(result)
            }
            return
        }
        connectionsOpened += 1
        let handler = FloorHandler()
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: host, port: port)
            .hop(to: loop)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    let connection = FloorConnection(channel: channel, handler: handler)
                    self.all[ObjectIdentifier(connection)] = connection
                    if self.stopped {
                        self.drop(connection)
                        done(.failure(BenchError("stopped")))
                        return
                    }
                    self.idle.append(connection)
                    self.send(path: path, body: body, done: done)
                case .failure(let error):
                    done(.failure(error))
                }
            }
    }

    private func drop(_ connection: FloorConnection) {
        all[ObjectIdentifier(connection)] = nil
        connection.channel.close(promise: nil)
    }

    func stop() {
        stopped = true
        for connection in all.values { connection.channel.close(promise: nil) }
        all = [:]
        idle = []
    }
}

/// One keep-alive connection of the floor.
final class FloorConnection: @unchecked Sendable {
    let channel: any Channel
    let handler: FloorHandler

    init(channel: any Channel, handler: FloorHandler) {
        self.channel = channel
        self.handler = handler
    }

    /// Writes head, body and end, flushed once, and waits for the whole response.
    func send(path: String, host: String, body: String, done: @escaping FloorDone) {
        handler.pending = done
        let buffer = channel.allocator.buffer(string: body)
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
        head.headers.reserveCapacity(4)
        head.headers.add(name: "Host", value: host)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(buffer.readableBytes))
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(buffer)), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }
}

/// Collects one response at a time and hands it to the waiting request.
final class FloorHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    var pending: FloorDone?
    private var status = 0
    private var body: ByteBuffer?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            body = nil
        case .body(var part):
            if body == nil { body = part } else { body!.writeBuffer(&part) }
        case .end:
            let done = pending
            pending = nil
            let response = body ?? ByteBuffer()
            body = nil
            done?(.success((status, response)))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(BenchError("connection closed"))
        context.fireChannelInactive()
    }

    private func fail(_ error: any Error) {
        let done = pending
        pending = nil
        done?(.failure(error))
    }
}
