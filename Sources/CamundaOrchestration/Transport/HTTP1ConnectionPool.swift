import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The keep-alive connections to one origin (scheme, host, port), at most `maxConnections` of them.
///
/// A request takes an idle connection, or opens one while fewer than the maximum exist, or waits for
/// one to come back. A connection returns to the pool when its exchange ended cleanly and the server
/// did not ask to close it; a connection that closes (idle or not) leaves the pool at once, and an idle
/// one is closed after `idleTimeout`. A request that timed out, was cancelled or failed mid-way closes
/// its connection: it is never reused.
final class HTTP1ConnectionPool: Sendable {
    struct Settings: Sendable {
        var maxConnections: Int
        var connectTimeout: TimeAmount
        var idleTimeout: TimeAmount
    }

    let endpoint: HTTP1Endpoint.Origin
    let settings: Settings
    /// Every connection of the pool lives on this loop: requests, responses and the pool's bookkeeping
    /// meet there without crossing threads.
    let eventLoop: any EventLoop
    private let sslContext: NIOSSLContext?
    private let state: Mutex<State>

    private struct Waiter {
        var id: Int
        var continuation: UnsafeContinuation<HTTP1Connection, any Error>
        var timeout: Scheduled<Void>?
    }

    private struct State {
        var idle: [HTTP1Connection] = []
        /// Connections open or being opened.
        var count = 0
        var waiters = CircularBuffer<Waiter>()
        var nextID = 0
        var isShutDown = false
        var all: [Int: HTTP1Connection] = [:]
        var opened = 0
    }

    init(origin: HTTP1Endpoint.Origin, settings: Settings, eventLoop: any EventLoop, sslContext: NIOSSLContext?) {
        self.endpoint = origin
        self.settings = settings
        self.eventLoop = eventLoop
        self.sslContext = sslContext
        self.state = Mutex(State())
    }

    /// How many connections this pool has opened so far (for tests and benchmarks).
    var connectionsOpened: Int { state.withLock { $0.opened } }
    /// Connections open or being opened now.
    var connectionCount: Int { state.withLock { $0.count } }
    /// Idle connections now.
    var idleCount: Int { state.withLock { $0.idle.count } }

    private enum Acquisition {
        case use(HTTP1Connection)
        case connect(id: Int)
        case wait
        case cancelled
        case fail(HTTP1TransportError)
    }

    /// An idle connection, a new one, or the next one to come back; fails at `deadline`.
    func acquire(deadline: NIODeadline) async throws -> HTTP1Connection {
        // The common case, an idle connection, needs no suspension.
        let immediate: Acquisition = state.withLock { state in
            if state.isShutDown { return .fail(HTTP1TransportError(.shutDown, "the HTTP client was shut down")) }
            if let connection = state.idle.popLast() { return .use(connection) }
            return .wait
        }
        switch immediate {
        case .use(let connection): return connection
        case .fail(let error): throw error
        case .connect, .wait, .cancelled: break
        }
        let waiterID = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<HTTP1Connection, any Error>) in
                let action: Acquisition = state.withLock { state in
                    if state.isShutDown { return .fail(HTTP1TransportError(.shutDown, "the HTTP client was shut down")) }
                    if Task.isCancelled { return .cancelled }
                    if let connection = state.idle.popLast() { return .use(connection) }
                    if state.count < settings.maxConnections {
                        state.count += 1
                        state.opened += 1
                        state.nextID += 1
                        return .connect(id: state.nextID)
                    }
                    var waiter = Waiter(id: waiterID, continuation: continuation)
                    if deadline != .distantFuture {
                        waiter.timeout = eventLoop.scheduleTask(deadline: deadline) { [self] in
                            timeOutWaiter(waiterID)
                        }
                    }
                    state.waiters.append(waiter)
                    return .wait
                }
                switch action {
                case .use(let connection): continuation.resume(returning: connection)
                case .fail(let error): continuation.resume(throwing: error)
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .connect(let id): connect(id: id, deadline: deadline) { continuation.resume(with: $0) }
                case .wait: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.timeout?.cancel()
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func timeOutWaiter(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(
            throwing: HTTP1TransportError(.deadlineExceeded, "no connection became free before the request's deadline"))
    }

    /// An exchange on `connection` ended; `reusable` when the connection can carry another request.
    func release(_ connection: HTTP1Connection, reusable: Bool) {
        guard reusable, connection.channel.isActive else {
            // The channel is closing; `closed(_:)` frees its place when it has closed.
            connection.channel.close(promise: nil)
            return
        }
        let waiter = state.withLock { state -> Waiter? in
            if state.isShutDown { return nil }
            if let waiter = state.waiters.popFirst() { return waiter }
            state.idle.append(connection)
            return nil
        }
        if let waiter {
            waiter.timeout?.cancel()
            waiter.continuation.resume(returning: connection)
        } else if state.withLock({ $0.isShutDown }) {
            connection.channel.close(promise: nil)
        }
    }

    /// A connection's channel closed: it leaves the pool, and its place goes to a waiter, if any.
    private func closed(_ connection: HTTP1Connection) {
        let waiter = state.withLock { state -> (Waiter, Int)? in
            state.idle.removeAll { $0 === connection }
            state.all[connection.id] = nil
            state.count -= 1
            guard !state.isShutDown, let waiter = state.waiters.popFirst() else { return nil }
            state.count += 1
            state.opened += 1
            state.nextID += 1
            return (waiter, state.nextID)
        }
        if let (waiter, id) = waiter {
            waiter.timeout?.cancel()
            connect(id: id, deadline: .now() + settings.connectTimeout) { waiter.continuation.resume(with: $0) }
        }
    }

    /// A connection attempt failed: its place goes to the next waiter (which tries again), if any.
    private func connectFailed() {
        let next = state.withLock { state -> (Waiter, Int)? in
            state.count -= 1
            guard !state.isShutDown, let waiter = state.waiters.popFirst() else { return nil }
            state.count += 1
            state.opened += 1
            state.nextID += 1
            return (waiter, state.nextID)
        }
        if let (waiter, id) = next {
            waiter.timeout?.cancel()
            connect(id: id, deadline: .now() + settings.connectTimeout) { waiter.continuation.resume(with: $0) }
        }
    }

    /// Opens a connection (TCP, then TLS when the origin is `https`).
    private func connect(
        id: Int, deadline: NIODeadline, completion: @escaping @Sendable (Result<HTTP1Connection, any Error>) -> Void
    ) {
        let origin = endpoint
        let sslContext = sslContext
        let handler = HTTP1ConnectionHandler()
        var connectTimeout = settings.connectTimeout
        let remaining = deadline - .now()
        if remaining < connectTimeout { connectTimeout = max(remaining, .milliseconds(1)) }
        ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .keepAliveProbing()
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let hostname = Self.isIPAddress(origin.host) ? nil : origin.host
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: hostname))
                    }
                    let decoder = HTTPResponseDecoder(leftOverBytesStrategy: .fireError, informationalResponseStrategy: .drop)
                    handler.decoder = decoder
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(HTTP1ResponseDecoding(decoder: decoder), maximumBufferSize: nil))
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: origin.host, port: origin.port)
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    let connection = HTTP1Connection(channel: channel, handler: handler, id: id)
                    let isShutDown = state.withLock { state in
                        state.all[id] = connection
                        return state.isShutDown
                    }
                    channel.closeFuture.whenComplete { _ in self.closed(connection) }
                    scheduleIdleCheck(connection)
                    if isShutDown {
                        channel.close(promise: nil)
                        completion(.failure(HTTP1TransportError(.shutDown, "the HTTP client was shut down")))
                    } else {
                        completion(.success(connection))
                    }
                case .failure(let error):
                    connectFailed()
                    if let error = error as? ChannelError, case .connectTimeout = error {
                        completion(
                            .failure(
                                HTTP1TransportError(
                                    .connectTimeout, "could not connect to \(origin.host):\(origin.port) in time", underlying: error)))
                    } else {
                        completion(
                            .failure(
                                HTTP1TransportError(
                                    .connectionClosed, "could not connect to \(origin.host):\(origin.port)", underlying: error)))
                    }
                }
            }
    }

    /// Closes `connection` once it has been idle for `idleTimeout` (checked every half of it).
    private func scheduleIdleCheck(_ connection: HTTP1Connection) {
        let idleTimeout = settings.idleTimeout
        let interval = TimeAmount.nanoseconds(max(idleTimeout.nanoseconds / 2, 1_000_000))
        connection.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { task in
            guard connection.channel.isActive else {
                task.cancel()
                return
            }
            let handler = connection.handler
            guard !handler.isBusy, NIODeadline.now() - handler.idleSince >= idleTimeout else { return }
            // Only an idle connection in the pool is closed; one handed out but not yet used stays.
            let removed = self.state.withLock { state -> Bool in
                guard let index = state.idle.firstIndex(where: { $0 === connection }) else { return false }
                state.idle.remove(at: index)
                return true
            }
            if removed {
                task.cancel()
                connection.channel.close(promise: nil)
            }
        }
    }

    /// Closes the idle connections (a request on this pool timed out: the network may have dropped
    /// every connection at once, so the next request should open a fresh one rather than find out).
    func closeIdleConnections() {
        let idle = state.withLock { state -> [HTTP1Connection] in
            let idle = state.idle
            state.idle.removeAll()
            return idle
        }
        for connection in idle { connection.channel.close(promise: nil) }
    }

    /// Closes every connection and fails every waiter; later requests fail with `.shutDown`.
    func shutdown() -> [EventLoopFuture<Void>] {
        let (waiters, connections) = state.withLock { state -> ([Waiter], [HTTP1Connection]) in
            state.isShutDown = true
            let waiters = Array(state.waiters)
            state.waiters.removeAll()
            state.idle.removeAll()
            return (waiters, Array(state.all.values))
        }
        for waiter in waiters {
            waiter.timeout?.cancel()
            waiter.continuation.resume(throwing: HTTP1TransportError(.shutDown, "the HTTP client was shut down"))
        }
        return connections.map { connection in
            connection.abort(id: nil, HTTP1TransportError(.shutDown, "the HTTP client was shut down"))
            return connection.channel.closeFuture
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

extension ClientBootstrap {
    /// TCP keep-alive probes after 30 s of silence, every 10 s, 3 of them: a connection that died
    /// silently (a black hole, a dropped NAT entry) is found in about a minute even when idle, instead of
    /// after the kernel's default two hours. Linux only; elsewhere the system defaults apply.
    func keepAliveProbing() -> ClientBootstrap {
        #if canImport(Glibc)
        let tcp = NIOBSDSocket.OptionLevel(rawValue: CInt(IPPROTO_TCP))
        return
            self
            .channelOption(ChannelOptions.Types.SocketOption(level: tcp, name: .init(rawValue: CInt(TCP_KEEPIDLE))), value: 30)
            .channelOption(ChannelOptions.Types.SocketOption(level: tcp, name: .init(rawValue: CInt(TCP_KEEPINTVL))), value: 10)
            .channelOption(ChannelOptions.Types.SocketOption(level: tcp, name: .init(rawValue: CInt(TCP_KEEPCNT))), value: 3)
        #else
        return self
        #endif
    }
}
