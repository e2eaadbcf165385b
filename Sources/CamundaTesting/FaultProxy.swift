import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy on 127.0.0.1 that forwards to a gateway and fails the way networks fail: silently.
///
/// Point the client at the proxy's ``restAddress`` instead of the gateway's, then switch its
/// ``Mode`` while the workers run, and ``heal()`` it:
///
/// ```swift
/// let gateway = try await EmbeddedGateway.start()
/// let proxy = try await FaultProxy.start(upstreamPort: gateway.port)
/// let client = try CamundaClient(configuration: ["CAMUNDA_REST_ADDRESS": proxy.restAddress.absoluteString])
/// proxy.setMode(.blackHole)        // every open connection goes silent, and so does every new one
/// try await Task.sleep(for: .seconds(5))
/// proxy.heal()                     // new connections work again; the silenced ones stay silent
/// ```
///
/// The faults are those of NATs, firewalls and load balancers that drop connection state, of peers
/// that vanish without a FIN, and of servers that stall: nothing is ever closed or reset (except by
/// ``kill()``), so a client only notices through its own timeouts.
public final class FaultProxy: Sendable {
    /// What the proxy does to connections.
    public enum Mode: Sendable, Hashable, CustomStringConvertible {
        /// Forward bytes both ways (the healthy network).
        case forward
        /// A black hole: every connection open now, and every one accepted until the proxy heals, stops
        /// forwarding in both directions for good and is never closed; bytes sent into it vanish. (A
        /// NAT or firewall that dropped the connection state: healing does not revive these
        /// connections, only new ones work.)
        case blackHole
        /// Half-open connections: every connection open now, and every one accepted until the proxy
        /// heals, loses its server side (the proxy closes it) while the client side stays open and
        /// silent for good, as when the peer vanished without a FIN.
        case halfOpen
        /// Stalled responses: the next response on every connection gets its head and first body
        /// byte through, then nothing more, ever, on that connection (requests still reach the server).
        case stall
        /// Slow trickle: responses are delivered one byte per `interval` while the mode lasts.
        case trickle(interval: Duration)

        /// The mode's name.
        public var description: String {
            switch self {
            case .forward: "forward"
            case .blackHole: "black hole"
            case .halfOpen: "half-open"
            case .stall: "stall"
            case .trickle(let interval): "trickle (1 byte per \(interval))"
            }
        }
    }

    /// Counters since the proxy started.
    public struct Statistics: Sendable, Hashable {
        /// Client connections accepted.
        public var accepted = 0
        /// Client connections open now (silenced ones included).
        public var open = 0
        /// Connections silenced for good (black hole, half-open, stall).
        public var silenced = 0
        /// Bytes forwarded from the clients to the server.
        public var bytesToServer = 0
        /// Bytes forwarded from the server to the clients.
        public var bytesToClients = 0
    }

    private struct State {
        var mode: Mode = .forward
        var server: (any Channel)?
        var connections: [ObjectIdentifier: ProxyConnection] = [:]
        var statistics = Statistics()
        var isShutDown = false
        /// Between ``kill()`` and ``restart()``.
        var isDown = false
    }

    /// The port the proxy listens on.
    public let port: Int
    /// The upstream the proxy forwards to.
    public let upstreamHost: String
    public let upstreamPort: Int
    let group: any EventLoopGroup
    private let state = Mutex(State())

    /// `http://127.0.0.1:<port>`.
    public var rootAddress: URL { URL(string: "http://127.0.0.1:\(port)")! }
    /// `http://127.0.0.1:<port>/v2`: what to give the client as `CAMUNDA_REST_ADDRESS`.
    public var restAddress: URL { rootAddress.appendingPathComponent("v2") }

    private init(port: Int, upstreamHost: String, upstreamPort: Int, group: any EventLoopGroup) {
        self.port = port
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
        self.group = group
    }

    /// Starts a proxy on 127.0.0.1 forwarding to `upstreamHost:upstreamPort`.
    ///
    /// - Parameters:
    ///   - upstreamHost: The server's host (default 127.0.0.1).
    ///   - upstreamPort: The server's port, for example ``EmbeddedGateway/port``.
    ///   - port: The port to listen on; 0 picks a free one.
    ///   - group: The event loops to use; NIO's shared group by default.
    public static func start(
        upstreamHost: String = "127.0.0.1", upstreamPort: Int, port: Int = 0,
        group: (any EventLoopGroup)? = nil
    ) async throws -> FaultProxy {
        let group = group ?? MultiThreadedEventLoopGroup.singleton
        let box = ProxyBox()
        let server = try await Self.bind(port: port, group: group) { channel in box.proxy.withLock { $0 }?.accepted(channel) }
        let proxy = FaultProxy(
            port: server.localAddress?.port ?? port, upstreamHost: upstreamHost, upstreamPort: upstreamPort, group: group)
        box.proxy.withLock { $0 = proxy }
        proxy.state.withLock { $0.server = server }
        return proxy
    }

    private static func bind(
        port: Int, group: any EventLoopGroup, accept: @escaping @Sendable (any Channel) -> ProxyConnection?
    ) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let connection = accept(channel) else {
                        channel.close(promise: nil)
                        return
                    }
                    try channel.pipeline.syncOperations.addHandler(DownstreamHandler(connection: connection))
                    connection.begin()
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
    }

    /// The current mode.
    public var mode: Mode { state.withLock { $0.mode } }

    /// The counters.
    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Switches the mode; it applies at once to every open connection and to new ones.
    public func setMode(_ mode: Mode) {
        let connections = state.withLock { state in
            state.mode = mode
            return Array(state.connections.values)
        }
        for connection in connections { connection.apply(mode) }
    }

    /// Ends the fault: back to ``Mode/forward``. Connections silenced for good stay silent (the
    /// client must give up on them); new connections and trickled ones work normally.
    public func heal() { setMode(.forward) }

    /// Kills the "server", as when the gateway process dies: every open connection is closed, and
    /// until ``restart()`` every new connection is closed as soon as it is accepted. (The listening
    /// socket itself stays open: re-binding a port whose closed connections linger in `TIME_WAIT`
    /// can fail, and a test must not lose its port.)
    public func kill() async throws {
        let connections = state.withLock { state in
            state.isDown = true
            defer {
                state.connections = [:]
                state.statistics.open = 0
            }
            return Array(state.connections.values)
        }
        for connection in connections { connection.reset() }
    }

    /// Ends ``kill()``: new connections are forwarded again (mode ``Mode/forward``).
    public func restart() async throws {
        state.withLock { state in
            state.isDown = false
            state.mode = .forward
        }
    }

    /// Stops listening and closes every connection.
    public func shutdown() async throws {
        let (server, connections) = state.withLock { state in
            state.isShutDown = true
            defer {
                state.server = nil
                state.connections = [:]
            }
            return (state.server, Array(state.connections.values))
        }
        try? await server?.close()
        for connection in connections { connection.close() }
    }

    // MARK: Connections

    private func accepted(_ channel: any Channel) -> ProxyConnection? {
        let connection = ProxyConnection(downstream: channel, proxy: self)
        let mode: Mode? = state.withLock { state in
            guard !state.isShutDown, !state.isDown else { return nil }
            state.connections[ObjectIdentifier(connection)] = connection
            state.statistics.accepted += 1
            state.statistics.open += 1
            return state.mode
        }
        guard let mode else { return nil }
        connection.initialMode = mode
        return connection
    }

    func closed(_ connection: ProxyConnection) {
        state.withLock { state in
            if state.connections.removeValue(forKey: ObjectIdentifier(connection)) != nil { state.statistics.open -= 1 }
        }
    }

    func count(toServer: Int = 0, toClients: Int = 0, silenced: Int = 0) {
        state.withLock { state in
            state.statistics.bytesToServer += toServer
            state.statistics.bytesToClients += toClients
            state.statistics.silenced += silenced
        }
    }
}

/// Holds the proxy for the accept callback bound before the proxy exists.
private final class ProxyBox: Sendable {
    let proxy = Mutex<FaultProxy?>(nil)
}

/// One proxied connection. Every mutable field is touched only on the downstream channel's event
/// loop (the upstream channel uses the same loop), hence `@unchecked Sendable`.
final class ProxyConnection: @unchecked Sendable {
    let downstream: any Channel
    let eventLoop: any EventLoop
    weak var proxy: FaultProxy?
    private var upstream: (any Channel)?
    private var connecting = false
    /// Client bytes waiting for the upstream connection.
    private var pendingToServer: [ByteBuffer] = []
    /// Silenced for good: nothing is forwarded either way.
    private var silenced = false
    /// Stall the next response after its head (and one body byte).
    private var stallArmed = false
    /// The last bytes of the response stream scanned for the end of a head.
    private var scanTail: [UInt8] = []
    private var headEnded = false
    /// Trickle: response bytes waiting, the interval, and whether a byte is scheduled.
    private var trickleInterval: TimeAmount?
    private var trickleQueue = ByteBuffer()
    private var trickleScheduled = false
    private var isClosed = false

    init(downstream: any Channel, proxy: FaultProxy) {
        self.downstream = downstream
        self.eventLoop = downstream.eventLoop
        self.proxy = proxy
    }

    /// The proxy's mode when the connection was accepted.
    var initialMode: FaultProxy.Mode = .forward

    /// Called on the event loop from the accepting channel's initializer, after the handler is added.
    func begin() {
        switch initialMode {
        case .blackHole, .halfOpen:
            silence()
        default:
            applyOnLoop(initialMode)
            connectUpstream()
        }
    }

    func apply(_ mode: FaultProxy.Mode) {
        eventLoop.execute { self.applyOnLoop(mode) }
    }

    private func applyOnLoop(_ mode: FaultProxy.Mode) {
        switch mode {
        case .forward:
            stallArmed = false
            if trickleInterval != nil {
                trickleInterval = nil
                flushTrickle()
            }
        case .blackHole:
            silence()
        case .halfOpen:
            silence()
            upstream?.close(promise: nil)
        case .stall:
            trickleInterval = nil
            flushTrickle()
            if !silenced {
                stallArmed = true
                headEnded = false
                scanTail = []
            }
        case .trickle(let interval):
            stallArmed = false
            trickleInterval = .nanoseconds(Int64(interval.camundaNanoseconds))
        }
    }

    private func silence() {
        guard !silenced else { return }
        silenced = true
        pendingToServer = []
        trickleQueue.clear()
        proxy?.count(silenced: 1)
    }

    private func connectUpstream() {
        guard let proxy, !connecting, upstream == nil, !silenced else { return }
        connecting = true
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler(connection: self))
                }
            }
            .connect(host: proxy.upstreamHost, port: proxy.upstreamPort)
            .whenComplete { result in
                self.connecting = false
                switch result {
                case .success(let channel):
                    if self.isClosed {
                        channel.close(promise: nil)
                        return
                    }
                    self.upstream = channel
                    if self.silenced { return }
                    for buffer in self.pendingToServer { channel.write(buffer, promise: nil) }
                    self.pendingToServer = []
                    channel.flush()
                case .failure:
                    // The server is down: the client sees its connection closed, as with a refusal.
                    self.close()
                }
            }
    }

    /// Client → server.
    func fromClient(_ buffer: ByteBuffer) {
        guard !silenced else { return }
        proxy?.count(toServer: buffer.readableBytes)
        if let upstream {
            upstream.writeAndFlush(buffer, promise: nil)
        } else {
            pendingToServer.append(buffer)
            connectUpstream()
        }
    }

    /// Server → client.
    func fromServer(_ buffer: ByteBuffer) {
        guard !silenced else { return }
            if stallArmed {
            var forward = 0
            var stallNow = false
            for byte in buffer.readableBytesView {
                forward += 1
                if headEnded {
                    stallNow = true  // the first body byte goes through, then nothing
                    break
                }
                scanTail.append(byte)
                if scanTail.count > 4 { scanTail.removeFirst() }
                if scanTail == [13, 10, 13, 10] { headEnded = true }
            }
            send(buffer.getSlice(at: buffer.readerIndex, length: forward) ?? ByteBuffer())
            if stallNow { silence() }
            return
        }
        if trickleInterval != nil {
            trickleQueue.writeImmutableBuffer(buffer)
            scheduleTrickle()
            return
        }
        send(buffer)
    }

    private func send(_ buffer: ByteBuffer) {
        guard buffer.readableBytes > 0 else { return }
        proxy?.count(toClients: buffer.readableBytes)
        downstream.writeAndFlush(buffer, promise: nil)
    }

    private func scheduleTrickle() {
        guard !trickleScheduled, let interval = trickleInterval, trickleQueue.readableBytes > 0 else { return }
        trickleScheduled = true
        eventLoop.scheduleTask(in: interval) {
            self.trickleScheduled = false
            guard !self.silenced, !self.isClosed else { return }
            if self.trickleInterval == nil {
                self.flushTrickle()
                return
            }
            if let byte = self.trickleQueue.readSlice(length: 1) { self.send(byte) }
            self.scheduleTrickle()
        }
    }

    private func flushTrickle() {
        guard trickleQueue.readableBytes > 0 else { return }
        let rest = trickleQueue
        trickleQueue = ByteBuffer()
        send(rest)
    }

    /// The server closed its side.
    func serverClosed() {
        upstream = nil
        if silenced { return }  // half-open: the client side stays open and silent
        if trickleQueue.readableBytes > 0 {
            flushTrickle()
        }
        downstream.close(promise: nil)
    }

    /// The client closed its side.
    func clientClosed() {
        isClosed = true
        upstream?.close(promise: nil)
        upstream = nil
        proxy?.closed(self)
    }

    /// Closes both sides, as the kernel does for the sockets of a process that dies.
    func reset() {
        eventLoop.execute {
            self.silenced = true
            self.isClosed = true
            self.downstream.close(promise: nil)
            self.upstream?.close(promise: nil)
        }
    }

    func close() {
        eventLoop.execute {
            self.isClosed = true
            self.downstream.close(promise: nil)
            self.upstream?.close(promise: nil)
        }
    }
}

private final class DownstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let connection: ProxyConnection

    init(connection: ProxyConnection) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.fromClient(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.clientClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

private final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let connection: ProxyConnection

    init(connection: ProxyConnection) { self.connection = connection }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.fromServer(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.serverClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension Duration {
    fileprivate var camundaNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
