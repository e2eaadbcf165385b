import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOSSL
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import Synchronization

/// The SDK's own `HTTPClient`s: one current client (and connection pool) at a time.
///
/// A request that reaches its client-side bound retires the client it was sent on: its connection
/// is closed by the cancellation, and the idle connections of that pool are suspect too (a black hole
/// or a dropped NAT entry silences every connection at once, and AsyncHTTPClient offers no way to
/// set `SO_KEEPALIVE` or to flush idle connections). The next request goes out on a new client, so
/// on a fresh connection; the retired client is shut down once its last request has ended (each one
/// ends at its own bound at the latest), so healthy requests on it are not cut off.
final class HTTPClientPool: Sendable {
    struct Lease: Sendable {
        let client: HTTPClient
        let generation: Int
    }

    private struct State {
        var current: HTTPClient
        var generation = 0
        var inFlight: [Int: Int] = [:]
        /// Retired clients still carrying requests, by generation.
        var retired: [Int: HTTPClient] = [:]
        var isShutDown = false
        var replacements = 0
    }

    private let make: @Sendable () throws -> HTTPClient
    private let state: Mutex<State>

    init(make: @escaping @Sendable () throws -> HTTPClient) throws {
        self.make = make
        state = Mutex(State(current: try make()))
    }

    /// How many times the client was replaced after a timeout.
    var replacements: Int { state.withLock { $0.replacements } }

    /// The current client, counted as carrying one more request until ``release(_:)``.
    func lease() -> Lease {
        state.withLock { state in
            state.inFlight[state.generation, default: 0] += 1
            return Lease(client: state.current, generation: state.generation)
        }
    }

    /// Ends a lease; shuts a retired client down when it carried the last request.
    func release(_ lease: Lease) {
        let idle: HTTPClient? = state.withLock { state in
            let remaining = state.inFlight[lease.generation, default: 1] - 1
            state.inFlight[lease.generation] = remaining > 0 ? remaining : nil
            guard remaining <= 0, let retired = state.retired[lease.generation] else { return nil }
            state.retired[lease.generation] = nil
            return retired
        }
        if let idle { Self.shutDownInBackground(idle) }
    }

    /// The generation of the current client (it grows by one with each replacement).
    var generation: Int { state.withLock { $0.generation } }

    /// Replaces the client of `generation` after one of its requests timed out (once per client:
    /// further timeouts of requests sent on it find it replaced already).
    func retire(generation: Int) {
        guard state.withLock({ !$0.isShutDown && $0.generation == generation }), let fresh = try? make() else { return }
        let (unused, idle): (HTTPClient?, HTTPClient?) = state.withLock { state in
            guard !state.isShutDown, state.generation == generation else { return (fresh, nil) }
            let old = state.current
            let oldGeneration = state.generation
            state.current = fresh
            state.generation += 1
            state.replacements += 1
            if state.inFlight[oldGeneration, default: 0] > 0 {
                state.retired[oldGeneration] = old
                return (nil, nil)
            }
            return (nil, old)
        }
        if let unused { Self.shutDownInBackground(unused) }
        if let idle { Self.shutDownInBackground(idle) }
    }

    /// Shuts every client down (in-flight requests fail).
    func shutdown() async throws {
        let clients = state.withLock { state in
            state.isShutDown = true
            let clients = [state.current] + state.retired.values
            state.retired = [:]
            return clients
        }
        for client in clients { try await client.shutdown() }
    }

    /// Starts shutting every client down without waiting (for `deinit`).
    func shutdownInBackground() {
        let clients = state.withLock { state in
            state.isShutDown = true
            let clients = [state.current] + state.retired.values
            state.retired = [:]
            return clients
        }
        for client in clients { Self.shutDownInBackground(client) }
    }

    private static func shutDownInBackground(_ client: HTTPClient) {
        _ = client.shutdown()
    }
}

/// The default `ClientTransport` (used when the client has middlewares, and for OAuth token
/// requests): AsyncHTTPClient over the current client of the SDK's ``HTTPClientPool``, with the
/// request's deadline (``RequestBound/deadline``) as AsyncHTTPClient's deadline. The response body is
/// collected before the lease ends, so a retired client is never shut down under a body still streaming.
struct PooledHTTPTransport: ClientTransport {
    let pool: HTTPClientPool
    let maxBodyBytes: Int

    func send(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let lease = pool.lease()
        defer { pool.release(lease) }
        let remaining = RequestBound.deadline.map { max($0 - ContinuousClock.now, .milliseconds(1)) } ?? .seconds(3600)
        let transport = AsyncHTTPClientTransport(configuration: .init(client: lease.client, timeout: .init(remaining)))
        do {
            let (response, responseBody) = try await transport.send(request, body: body, baseURL: baseURL, operationID: operationID)
            guard let responseBody else { return (response, nil) }
            let data = try await Data(collecting: responseBody, upTo: maxBodyBytes)
            return (response, HTTPBody(data))
        } catch where RequestBound.deadline.map({ ContinuousClock.now >= $0 }) ?? false {
            // AsyncHTTPClient's own deadline fired first: the same timeout as the runtime's bound.
            pool.retire(generation: lease.generation)
            throw error
        }
    }
}

extension CamundaClient {
    /// The `HTTPClient` of the default transport: a connection pool sized for workers, no read timeout
    /// (job activation long-polls; every request has a client-side bound instead, see
    /// ``CamundaConfiguration/HTTP``), redirects refused (so credentials never follow them to another
    /// host), and TLS from ``CamundaConfiguration/tls`` with certificate verification on.
    ///
    /// AsyncHTTPClient has no hook for socket options, so its connections do not set `SO_KEEPALIVE`:
    /// a dead idle connection is found by the bound of the first request sent on it, which then
    /// replaces the whole pool (``HTTPClientPool``). Idle connections are closed after 60 s.
    static func makeHTTPClient(_ configuration: CamundaConfiguration) throws -> HTTPClient {
        var httpConfiguration = HTTPClient.Configuration(
            tlsConfiguration: try makeTLSConfiguration(configuration.tls),
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(configuration.http.connectTimeout), read: nil),
            connectionPool: .init(
                idleTimeout: .seconds(60),
                concurrentHTTP1ConnectionsPerHostSoftLimit: max(configuration.http.maxConnectionsPerHost, 1))
        )
        httpConfiguration.httpVersion = .automatic
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
    }

    /// The client TLS configuration: the system's trust roots unless a CA file is given, and a client
    /// certificate for mutual TLS when one is given. Files are read now, so errors show at construction.
    static func makeTLSConfiguration(_ tls: CamundaConfiguration.TLS) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let path = tls.trustRootsPath {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            } catch {
                throw CamundaConfigurationError(
                    variable: ConfigurationVariable.mtlsCAPath.name,
                    reason: "cannot read PEM certificates from \(path): \(error)")
            }
        }
        if let certificatePath = tls.certificatePath, let keyPath = tls.privateKeyPath {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
                guard !chain.isEmpty else { throw CamundaConfigurationError(variable: nil, reason: "no certificate in file") }
                configuration.certificateChain = chain.map { .certificate($0) }
            } catch {
                throw CamundaConfigurationError(
                    variable: ConfigurationVariable.mtlsCertPath.name,
                    reason: "cannot read a PEM certificate from \(certificatePath): \(error)")
            }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
            } catch {
                throw CamundaConfigurationError(
                    variable: ConfigurationVariable.mtlsKeyPath.name,
                    reason: "cannot read a PEM private key from \(keyPath)")
            }
        }
        return configuration
    }
}
