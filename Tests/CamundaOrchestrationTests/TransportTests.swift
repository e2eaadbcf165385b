@testable import CamundaOrchestration
import CamundaTesting
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import Testing

/// The SDK's own HTTP/1.1 transport (issue 14) over loopback: keep-alive reuse, pool bounds,
/// `Connection: close`, chunked and close-delimited bodies, the body limit, deadlines and
/// cancellation closing the connection, dropped idle connections, TLS and mutual TLS.
@Suite("HTTP/1.1 transport", .serialized)
struct TransportTests {
    static func transport(
        maxConnections: Int = 8, connectTimeout: TimeAmount = .seconds(2), idleTimeout: TimeAmount = .seconds(60),
        tls: TLSConfiguration = .makeClientConfiguration()
    ) -> HTTP1Transport {
        HTTP1Transport(
            tls: tls, settings: .init(maxConnections: maxConnections, connectTimeout: connectTimeout, idleTimeout: idleTimeout))
    }

    /// Sends one request to `server` (`POST /v2/echo` with a small body unless told otherwise).
    static func send(
        _ transport: HTTP1Transport, _ url: String, method: HTTPMethod = .POST, target: String = "/echo",
        timeout: TimeAmount = .seconds(10), limit: Int = 1 << 20
    ) async throws -> HTTP1Response {
        let endpoint = try HTTP1Endpoint(URL(string: url)!)
        let pool = try transport.pool(for: endpoint.origin)
        let request = HTTP1Request(
            method: method, target: target, headers: [("Content-Type", "application/json")],
            body: method == .POST ? ByteBuffer(string: #"{"a":1}"#) : nil)
        return try await transport.execute(request, endpoint: endpoint, pool: pool, deadline: .now() + timeout, limit: limit)
    }

    static func text(_ response: HTTP1Response) -> String { String(buffer: response.body) }

    @Test func keepAliveReusesOneConnectionAndSendsOneWellFormedRequest() async throws {
        let server = try await ScriptedServer.start { request in
            .respond(status: .ok, body: "\(request.method) \(request.uri) \(request.host ?? "-") \(request.body)")
        }
        let transport = Self.transport()
        for index in 0..<20 {
            let response = try await Self.send(transport, "http://127.0.0.1:\(server.port)/v2", target: "/echo?i=\(index)")
            #expect(response.status == 200)
            #expect(Self.text(response) == #"POST /v2/echo?i=\#(index) 127.0.0.1:\#(server.port) {"a":1}"#)
        }
        #expect(server.connectionsAccepted == 1)
        #expect(try transport.pool(for: HTTP1Endpoint(URL(string: "http://127.0.0.1:\(server.port)")!).origin).connectionsOpened == 1)
        await transport.shutdown()
        try await server.stop()
    }

    @Test func concurrentRequestsStayWithinTheConnectionLimit() async throws {
        let server = try await ScriptedServer.start { _ in .respond(status: .ok, body: "ok", delay: .milliseconds(20)) }
        let transport = Self.transport(maxConnections: 3)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<24 {
                group.addTask { try await Self.send(transport, "http://127.0.0.1:\(server.port)/v2").status }
            }
            for try await status in group { #expect(status == 200) }
        }
        #expect(server.connectionsAccepted <= 3)
        #expect(server.peakOpenConnections <= 3)
        await transport.shutdown()
        try await server.stop()
    }

    @Test func connectionCloseIsHonoured() async throws {
        let server = try await ScriptedServer.start { _ in .respond(status: .ok, body: "bye", close: true) }
        let transport = Self.transport()
        for _ in 0..<3 {
            let response = try await Self.send(transport, "http://127.0.0.1:\(server.port)")
            #expect(Self.text(response) == "bye")
        }
        #expect(server.connectionsAccepted == 3)
        await transport.shutdown()
        try await server.stop()
    }

    @Test func chunkedAndCloseDelimitedBodiesAreCollected() async throws {
        let server = try await ScriptedServer.start { request in
            request.uri.hasSuffix("chunked")
                ? .respond(status: .ok, chunks: ["first,", "second,", "third"])
                : .raw("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", thenClose: true)
        }
        let transport = Self.transport()
        let chunked = try await Self.send(transport, "http://127.0.0.1:\(server.port)", target: "/chunked")
        #expect(Self.text(chunked) == "first,second,third")
        let again = try await Self.send(transport, "http://127.0.0.1:\(server.port)", target: "/chunked")
        #expect(Self.text(again) == "first,second,third")
        #expect(server.connectionsAccepted == 1)  // a chunked response keeps the connection
        let delimited = try await Self.send(transport, "http://127.0.0.1:\(server.port)", target: "/delimited")
        #expect(Self.text(delimited) == "until the end")
        await transport.shutdown()
        try await server.stop()
    }

    @Test func aHeadResponseHasNoBodyAndKeepsTheConnection() async throws {
        let server = try await ScriptedServer.start { request in
            // The server's encoder sends `Content-Length: 1000` and, the request being HEAD, no body.
            .respond(status: .ok, body: request.method == "HEAD" ? String(repeating: "x", count: 1000) : "after")
        }
        let transport = Self.transport()
        let head = try await Self.send(transport, "http://127.0.0.1:\(server.port)", method: .HEAD, target: "/x")
        #expect(head.status == 200 && head.body.readableBytes == 0)
        let next = try await Self.send(transport, "http://127.0.0.1:\(server.port)", method: .GET, target: "/y")
        #expect(Self.text(next) == "after")
        #expect(server.connectionsAccepted == 1)
        await transport.shutdown()
        try await server.stop()
    }

    @Test(arguments: ["content-length", "chunked"])
    func aBodyAboveTheLimitFailsAndClosesTheConnection(framing: String) async throws {
        let big = String(repeating: "x", count: 4096)
        let server = try await ScriptedServer.start { request in
            if request.uri.hasSuffix("small") { return .respond(status: .ok, body: "small") }
            return framing == "chunked"
                ? .respond(status: .ok, chunks: [big, big]) : .respond(status: .ok, body: big + big)
        }
        let transport = Self.transport()
        let url = "http://127.0.0.1:\(server.port)"
        _ = try await Self.send(transport, url, target: "/small", limit: 5000)
        let error = await #expect(throws: HTTP1TransportError.self) {
            try await Self.send(transport, url, target: "/big", limit: 5000)
        }
        #expect(error?.kind == .responseTooLarge(status: 200))
        try await server.waitForClosedConnections(1)
        // The next request needs a new connection.
        _ = try await Self.send(transport, url, target: "/small", limit: 5000)
        #expect(server.connectionsAccepted == 2)
        await transport.shutdown()
        try await server.stop()
    }

    @Test func aRequestPastItsDeadlineFailsAndItsConnectionIsClosed() async throws {
        let server = try await ScriptedServer.start { request in
            request.uri.hasSuffix("slow") ? .hang : .respond(status: .ok, body: "fast")
        }
        let transport = Self.transport()
        let url = "http://127.0.0.1:\(server.port)"
        _ = try await Self.send(transport, url, target: "/fast")
        let started = ContinuousClock.now
        let error = await #expect(throws: HTTP1TransportError.self) {
            try await Self.send(transport, url, target: "/slow", timeout: .milliseconds(200))
        }
        #expect(error?.kind == .deadlineExceeded)
        #expect(ContinuousClock.now - started < .seconds(5))
        try await server.waitForClosedConnections(1)
        let response = try await Self.send(transport, url, target: "/fast")
        #expect(Self.text(response) == "fast")
        #expect(server.connectionsAccepted == 2)
        await transport.shutdown()
        try await server.stop()
    }

    @Test func aCamundaClientRequestPastItsTimeoutIsATimeoutError() async throws {
        let server = try await ScriptedServer.start { _ in .hang }
        var configuration = try CamundaConfiguration(
            ["CAMUNDA_REST_ADDRESS": "http://127.0.0.1:\(server.port)/v2", "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "1"],
            environment: [:])
        configuration.http.requestTimeout = .milliseconds(300)
        let client = try CamundaClient(configuration, logger: quietLogger)
        let error = await #expect(throws: CamundaError.self) { try await client.getTopology() }
        #expect(error?.kind == .timeout)
        try await server.waitForClosedConnections(1)
        try await client.shutdown()
        try await server.stop()
    }

    @Test func cancellingARequestClosesItsConnection() async throws {
        let server = try await ScriptedServer.start { request in
            request.uri.hasSuffix("slow") ? .hang : .respond(status: .ok, body: "fast")
        }
        let transport = Self.transport()
        let url = "http://127.0.0.1:\(server.port)"
        let task = Task { try await Self.send(transport, url, target: "/slow", timeout: .seconds(60)) }
        try await server.waitForRequests(1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        try await server.waitForClosedConnections(1)
        #expect(Self.text(try await Self.send(transport, url, target: "/fast")) == "fast")
        await transport.shutdown()
        try await server.stop()
    }

    /// Waits (up to 5 s) until `pool` holds no connection: it lets go of one in the channel's close callback.
    static func waitUntilEmpty(_ pool: HTTP1ConnectionPool) async throws {
        let limit = ContinuousClock.now + .seconds(5)
        while pool.connectionCount > 0, ContinuousClock.now < limit { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test func anIdleConnectionClosedByTheServerIsDropped() async throws {
        let server = try await ScriptedServer.start { _ in .respond(status: .ok, body: "ok", closeAfter: .milliseconds(50)) }
        let transport = Self.transport()
        let url = "http://127.0.0.1:\(server.port)"
        let pool = try transport.pool(for: HTTP1Endpoint(URL(string: url)!).origin)
        for round in 1...3 {
            _ = try await Self.send(transport, url)
            #expect(pool.idleCount == 1)
            // The server closes the idle connection: the pool lets go of it without being asked.
            try await Self.waitUntilEmpty(pool)
            #expect(pool.connectionCount == 0 && pool.idleCount == 0)
            #expect(server.connectionsAccepted == round)
        }
        await transport.shutdown()
        try await server.stop()
    }

    @Test func idleConnectionsCloseAfterTheIdleTimeout() async throws {
        let server = try await ScriptedServer.start { _ in .respond(status: .ok, body: "ok") }
        let transport = Self.transport(idleTimeout: .milliseconds(100))
        let url = "http://127.0.0.1:\(server.port)"
        _ = try await Self.send(transport, url)
        try await server.waitForClosedConnections(1)
        let pool = try transport.pool(for: HTTP1Endpoint(URL(string: url)!).origin)
        // The server can see the close before the client's close callback has updated the pool.
        try await Self.waitUntilEmpty(pool)
        #expect(pool.connectionCount == 0 && pool.idleCount == 0)
        #expect(server.connectionsAccepted == 1)
        await transport.shutdown()
        try await server.stop()
    }

    @Test func aRefusedConnectionFailsQuickly() async throws {
        let server = try await ScriptedServer.start { _ in .respond(status: .ok, body: "ok") }
        let port = server.port
        try await server.stop()
        let transport = Self.transport()
        let error = await #expect(throws: HTTP1TransportError.self) {
            try await Self.send(transport, "http://127.0.0.1:\(port)")
        }
        #expect(error?.kind == .connectionClosed)
        await transport.shutdown()
    }

    @Test func headerValuesThatWouldBreakTheFramingAreRefused() async throws {
        let server = try await ScriptedServer.start { _ in .respond(status: .ok, body: "ok") }
        let transport = Self.transport()
        let endpoint = try HTTP1Endpoint(URL(string: "http://127.0.0.1:\(server.port)")!)
        let request = HTTP1Request(method: .GET, target: "/x", headers: [("X-Test", "a\r\nInjected: yes")])
        let error = await #expect(throws: HTTP1TransportError.self) {
            try await transport.execute(
                request, endpoint: endpoint, pool: try transport.pool(for: endpoint.origin), deadline: .now() + .seconds(5),
                limit: 1000)
        }
        #expect(error?.kind == .invalidRequest)
        #expect(server.requestsSeen == 0)
        await transport.shutdown()
        try await server.stop()
    }

    @Test func theClientTalksToTheEmbeddedGatewayOverOneConnection() async throws {
        let gateway = try await EmbeddedGateway.start()
        let client = try CamundaClient(
            configuration: ["CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString], environment: [:], logger: quietLogger)
        for _ in 0..<10 { _ = try await client.getTopology() }
        guard let direct = client.directExchange else {
            Issue.record("the client does not use its own transport directly")
            return
        }
        #expect(direct.apiPool.connectionsOpened == 1)
        try await client.shutdown()
        try await gateway.shutdown()
    }

    // MARK: TLS

    @Test func tlsVerifiesTheServerAndSendsAClientCertificateForMutualTLS() async throws {
        let serverCertificate = try await SecurityTests.SelfSigned.make()
        let clientCertificate = try await SecurityTests.SelfSigned.make()
        defer {
            serverCertificate.remove()
            clientCertificate.remove()
        }
        var serverTLS = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(serverCertificate.certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: serverCertificate.keyPath, format: .pem)))
        serverTLS.certificateVerification = .noHostnameVerification
        serverTLS.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCertificate.certificatePath))
        let server = try await ScriptedServer.start(tls: serverTLS) { _ in .respond(status: .ok, body: "secure") }
        let url = "https://127.0.0.1:\(server.port)/v2"

        // With the CA and the client certificate: verified both ways.
        let mutual = CamundaConfiguration.TLS(
            certificatePath: clientCertificate.certificatePath, privateKeyPath: clientCertificate.keyPath,
            trustRootsPath: serverCertificate.certificatePath)
        let transport = Self.transport(tls: try CamundaClient.makeTLSConfiguration(mutual))
        #expect(Self.text(try await Self.send(transport, url)) == "secure")
        #expect(Self.text(try await Self.send(transport, url)) == "secure")
        #expect(server.connectionsAccepted == 1)
        await transport.shutdown()

        // Without the client certificate the server refuses the handshake.
        let oneWay = CamundaConfiguration.TLS(trustRootsPath: serverCertificate.certificatePath)
        let refused = Self.transport(tls: try CamundaClient.makeTLSConfiguration(oneWay))
        await #expect(throws: HTTP1TransportError.self) { try await Self.send(refused, url) }
        await refused.shutdown()

        // Without the CA the client refuses the server.
        let untrusting = Self.transport(tls: try CamundaClient.makeTLSConfiguration(mutual.withoutTrustRoots))
        let error = await #expect(throws: HTTP1TransportError.self) { try await Self.send(untrusting, url) }
        #expect(error.map { String(describing: $0) }?.contains("CERTIFICATE_VERIFY_FAILED") == true)
        await untrusting.shutdown()
        #expect(server.requestsSeen == 2)
        try await server.stop()
    }

    @Test func tlsChecksTheHostName() async throws {
        // The certificate names 127.0.0.1 and localhost, not 127.0.0.2.
        let certificate = try await SecurityTests.SelfSigned.make()
        defer { certificate.remove() }
        let serverTLS = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate.certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: certificate.keyPath, format: .pem)))
        let server = try await ScriptedServer.start(tls: serverTLS) { _ in .respond(status: .ok, body: "ok") }
        let elsewhere = try await ScriptedServer.start(tls: serverTLS, host: "127.0.0.2") { _ in .respond(status: .ok, body: "ok") }
        let transport = Self.transport(
            tls: try CamundaClient.makeTLSConfiguration(.init(trustRootsPath: certificate.certificatePath)))
        #expect(Self.text(try await Self.send(transport, "https://localhost:\(server.port)")) == "ok")
        #expect(Self.text(try await Self.send(transport, "https://127.0.0.1:\(server.port)")) == "ok")
        await #expect(throws: HTTP1TransportError.self) { try await Self.send(transport, "https://127.0.0.2:\(elsewhere.port)") }
        #expect(elsewhere.requestsSeen == 0)
        try await elsewhere.stop()
        await transport.shutdown()
        try await server.stop()
    }
}

extension CamundaConfiguration.TLS {
    var withoutTrustRoots: Self {
        var copy = self
        copy.trustRootsPath = nil
        return copy
    }
}

/// A small HTTP/1.1 server on loopback whose replies are scripted per request, and which counts
/// connections (accepted, open, closed) and requests.
final class ScriptedServer: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var host: String?
        var body: String
    }

    enum Reply: Sendable {
        /// A response with a `Content-Length` body, or chunked when `chunks` is given.
        case respond(
            status: HTTPResponseStatus, body: String = "", chunks: [String]? = nil, close: Bool = false,
            delay: TimeAmount? = nil, closeAfter: TimeAmount? = nil)
        /// These bytes as they are, then optionally close.
        case raw(String, thenClose: Bool)
        /// No reply at all.
        case hang
    }

    private struct Counts {
        var accepted = 0
        var open = 0
        var peakOpen = 0
        var closed = 0
        var requests = 0
    }

    let port: Int
    private let channel: any Channel
    private let counts = Mutex(Counts())

    var connectionsAccepted: Int { counts.withLock { $0.accepted } }
    var peakOpenConnections: Int { counts.withLock { $0.peakOpen } }
    var connectionsClosed: Int { counts.withLock { $0.closed } }
    var requestsSeen: Int { counts.withLock { $0.requests } }

    private init(channel: any Channel) {
        self.channel = channel
        port = channel.localAddress?.port ?? 0
    }

    static func start(
        tls: TLSConfiguration? = nil, host: String = "127.0.0.1", _ reply: @escaping @Sendable (Request) -> Reply
    ) async throws -> ScriptedServer {
        let sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        let box = Mutex<ScriptedServer?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let server = box.withLock { $0 }
                server?.counts.withLock { counts in
                    counts.accepted += 1
                    counts.open += 1
                    counts.peakOpen = max(counts.peakOpen, counts.open)
                }
                channel.closeFuture.whenComplete { _ in
                    server?.counts.withLock { counts in
                        counts.open -= 1
                        counts.closed += 1
                    }
                }
                return channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false)
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(reply: reply, onRequest: { server?.counts.withLock { $0.requests += 1 } }))
                }
            }
            .bind(host: host, port: 0)
            .get()
        let server = ScriptedServer(channel: channel)
        box.withLock { $0 = server }
        return server
    }

    func stop() async throws { try await channel.close() }

    /// Waits (up to 5 s) until at least `count` connections have closed.
    func waitForClosedConnections(_ count: Int) async throws {
        try await waitUntil { self.connectionsClosed >= count }
    }

    /// Waits (up to 5 s) until at least `count` requests have arrived.
    func waitForRequests(_ count: Int) async throws {
        try await waitUntil { self.requestsSeen >= count }
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        let limit = ContinuousClock.now + .seconds(5)
        while !condition() {
            guard ContinuousClock.now < limit else { throw SecurityTestError("timed out waiting for the server") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        // @unchecked: touched on its channel's event loop only.
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let reply: @Sendable (Request) -> Reply
        let onRequest: @Sendable () -> Void
        private var head: HTTPRequestHead?
        private var body = ""

        init(reply: @escaping @Sendable (Request) -> Reply, onRequest: @escaping @Sendable () -> Void) {
            self.reply = reply
            self.onRequest = onRequest
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let requestHead):
                head = requestHead
                body = ""
            case .body(let buffer):
                body += String(buffer: buffer)
            case .end:
                guard let head else { return }
                onRequest()
                let request = Request(method: head.method.rawValue, uri: head.uri, host: head.headers.first(name: "Host"), body: body)
                answer(reply(request), context: context)
            }
        }

        private func answer(_ reply: Reply, context: ChannelHandlerContext) {
            switch reply {
            case .hang:
                return
            case .raw(let text, let thenClose):
                // Below the HTTP encoder: the bytes go out as they are.
                let channel = context.channel
                channel.pipeline.context(handlerType: HTTPResponseEncoder.self).whenSuccess { encoderContext in
                    encoderContext.writeAndFlush(NIOAny(ByteBuffer(string: text))).whenComplete { _ in
                        if thenClose { channel.close(promise: nil) }
                    }
                }
            case .respond(let status, let body, let chunks, let close, let delay, let closeAfter):
                let send = {
                    var headers = HTTPHeaders()
                    if let chunks {
                        headers.add(name: "Transfer-Encoding", value: "chunked")
                        context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
                        for chunk in chunks {
                            context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: chunk)))), promise: nil)
                        }
                    } else {
                        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
                        if close { headers.add(name: "Connection", value: "close") }
                        context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
                        if !body.isEmpty {
                            context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                        }
                    }
                    let channel = context.channel
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in
                        if close { channel.close(promise: nil) }
                        if let closeAfter {
                            channel.eventLoop.scheduleTask(in: closeAfter) { channel.close(promise: nil) }
                        }
                    }
                }
                if let delay {
                    context.eventLoop.assumeIsolated().scheduleTask(in: delay) { send() }
                } else {
                    send()
                }
            }
        }
    }
}
