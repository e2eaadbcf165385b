import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The SDK's HTTP/1.1 client, on SwiftNIO: what `CamundaClient` sends with unless you pass a
/// `ClientTransport` of your own.
///
/// - One keep-alive connection pool per origin (scheme, host, port), at most
///   ``CamundaConfiguration/HTTP/maxConnectionsPerHost`` connections, all on one event loop of the
///   shared `MultiThreadedEventLoopGroup`; idle connections close after 60 s, and a connection that
///   closes or fails leaves the pool at once.
/// - TLS with certificate and host name verification (the system's trust roots unless a CA file is
///   given) and client certificates for mutual TLS, from ``CamundaConfiguration/tls``.
/// - A connect timeout; a deadline per request after which the request fails with
///   `HTTP1TransportError.Kind.deadlineExceeded` and its connection is closed (never reused);
///   `SO_KEEPALIVE` on every socket.
/// - Each request's head and body are encoded into one buffer and written with one flush; responses
///   may be content-length framed, chunked or closed-delimited; `Connection: close` is honoured; a
///   body above the limit fails the request and closes the connection.
/// - Redirects are returned as they are, never followed (credentials never go to another host).
/// - HTTP proxies (`HTTP_PROXY`, `HTTPS_PROXY`) are not supported: connections go straight to the
///   configured host. To go through a proxy, pass a `ClientTransport` that does.
final class HTTP1Transport: Sendable {
    let settings: HTTP1ConnectionPool.Settings
    private let group: any EventLoopGroup
    private let tlsConfiguration: TLSConfiguration
    private let pools = Mutex<[HTTP1Endpoint.Origin: HTTP1ConnectionPool]>([:])
    private let sslContextLock = Mutex<NIOSSLContext?>(nil)

    /// Creates a transport; nothing connects until the first request.
    ///
    /// - Parameters:
    ///   - tls: The client TLS configuration (used for `https` origins).
    ///   - settings: Pool size, connect and idle timeouts.
    ///   - group: The event loops connections live on.
    init(
        tls: TLSConfiguration, settings: HTTP1ConnectionPool.Settings,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.tlsConfiguration = tls
        self.settings = settings
        self.group = group
    }

    /// The pool for `origin`, created on first use.
    func pool(for origin: HTTP1Endpoint.Origin) throws -> HTTP1ConnectionPool {
        if let pool = pools.withLock({ $0[origin] }) { return pool }
        let context = origin.isTLS ? try makeSSLContext() : nil
        return pools.withLock { pools in
            if let pool = pools[origin] { return pool }
            let pool = HTTP1ConnectionPool(origin: origin, settings: settings, eventLoop: group.next(), sslContext: context)
            pools[origin] = pool
            return pool
        }
    }

    /// One `NIOSSLContext` for every TLS origin (it holds the trust roots and the client certificate).
    private func makeSSLContext() throws -> NIOSSLContext {
        if let context = sslContextLock.withLock({ $0 }) { return context }
        let context = try NIOSSLContext(configuration: tlsConfiguration)
        return sslContextLock.withLock { stored in
            if let stored { return stored }
            stored = context
            return context
        }
    }

    /// Sends `request` to `endpoint` over a pooled connection and collects the response.
    ///
    /// - Parameters:
    ///   - pool: The endpoint's pool (see ``pool(for:)``), looked up once by the caller.
    ///   - deadline: When the request fails with `.deadlineExceeded`, waiting for a connection included.
    ///   - limit: The largest response body accepted.
    /// - Throws: `HTTP1TransportError`, or `CancellationError` when the task is cancelled (the request's
    ///   connection is then closed).
    func execute(
        _ request: HTTP1Request, endpoint: HTTP1Endpoint, pool: HTTP1ConnectionPool, deadline: NIODeadline, limit: Int
    ) async throws -> HTTP1Response {
        guard HTTP1Request.isSafe(request.target), request.headers.allSatisfy({ HTTP1Request.isSafe($0.value) && HTTP1Request.isSafe($0.name) })
        else { throw HTTP1TransportError(.invalidRequest, "a header field or the target contains CR, LF or NUL") }
        let bytes = request.encode(for: endpoint, allocator: Self.allocator)
        let connection = try await pool.acquire(deadline: deadline)
        let method = request.method
        let id = Self.exchangeIDs.add(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                if Task.isCancelled {
                    pool.release(connection, reusable: true)
                    continuation.resume(throwing: CancellationError())
                    return
                }
                connection.execute(bytes, id: id, method: method, deadline: deadline, limit: limit, continuation: continuation) {
                    pool.release(connection, reusable: $0)
                }
            }
        } onCancel: {
            connection.abort(id: id, CancellationError())
        }
    }

    private static let allocator = ByteBufferAllocator()
    /// Numbers exchanges, so that a late cancellation never aborts the connection's next exchange.
    private static let exchangeIDs = Atomic<Int>(0)

    /// Closes every connection; requests under way fail, later ones fail with `.shutDown`.
    /// Closes the idle connections of every pool (see ``HTTP1ConnectionPool/closeIdleConnections()``).
    func closeIdleConnections() {
        for pool in pools.withLock({ Array($0.values) }) { pool.closeIdleConnections() }
    }

    func shutdown() async {
        let futures = pools.withLock { pools in pools.values.flatMap { $0.shutdown() } }
        for future in futures { try? await future.get() }
    }

    /// Starts closing every connection without waiting.
    func shutdownNow() {
        _ = pools.withLock { pools in pools.values.flatMap { $0.shutdown() } }
    }
}
