@testable import CamundaOrchestration
import CamundaTesting
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import OpenAPIRuntime
import Synchronization
import Testing

/// Security (issue 6, point 5): TLS verification is on by default, secrets never reach the logs or
/// error descriptions, and credentials are never sent to another host on a redirect.
@Suite("Security", .serialized)
struct SecurityTests {
    // MARK: TLS

    /// A self-signed certificate for 127.0.0.1 / localhost, made with `openssl` in a temporary folder.
    struct SelfSigned {
        let directory: URL
        var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
        var keyPath: String { directory.appendingPathComponent("key.pem").path }

        static func make() async throws -> SelfSigned {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("camunda-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let result = SelfSigned(directory: directory)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", result.keyPath, "-out",
                result.certificatePath,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait off Swift's cooperative pool (2 threads here): blocking it stalls every other test's tasks.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    process.waitUntilExit()
                    continuation.resume()
                }
            }
            guard process.terminationStatus == 0 else { throw SecurityTestError("openssl failed to make a certificate") }
            return result
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    /// A client with default TLS settings but a short connect timeout and no retries: with the defaults
    /// (10 s connect timeout, 3 attempts), a refused handshake only surfaces after about 30 s, because
    /// AsyncHTTPClient keeps retrying the connection until the connect timeout.
    static func tlsClient(_ values: [String: String], environment: [String: String] = [:]) throws -> CamundaClient {
        var all = values
        all["CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS"] = "1"
        var configuration = try CamundaConfiguration(all, environment: environment)
        configuration.http.connectTimeout = .seconds(2)
        return try CamundaClient(configuration, logger: quietLogger)
    }

    @Test func httpsWithAnUntrustedCertificateIsRefusedByDefault() async throws {
        let certificate = try await SelfSigned.make()
        defer { certificate.remove() }
        let server = try await LoopbackHTTPServer.start(tls: certificate) { _ in .init(status: .noContent) }
        let client = try Self.tlsClient(["CAMUNDA_REST_ADDRESS": "https://127.0.0.1:\(server.port)/v2"])
        #expect(client.configuration.tls.trustRootsPath == nil)
        let error = await #expect(throws: CamundaError.self) { try await client.getStatus() }
        // The error says why: the certificate did not verify.
        #expect(error.map { String(describing: $0) }?.contains("CERTIFICATE_VERIFY_FAILED") == true)
        // The handshake failed: no HTTP request reached the server.
        #expect(server.requests.isEmpty)
        try await client.shutdown()
        try await server.stop()
    }

    @Test(arguments: ["environment", "configuration"])
    func httpsWorksWhenTheUserSuppliesTheCA(source: String) async throws {
        let certificate = try await SelfSigned.make()
        defer { certificate.remove() }
        let server = try await LoopbackHTTPServer.start(tls: certificate) { _ in .init(status: .noContent) }
        var values = ["CAMUNDA_REST_ADDRESS": "https://127.0.0.1:\(server.port)/v2"]
        var environment: [String: String] = [:]
        if source == "environment" {
            environment["CAMUNDA_MTLS_CA_PATH"] = certificate.certificatePath
        } else {
            values["CAMUNDA_MTLS_CA_PATH"] = certificate.certificatePath
        }
        let client = try Self.tlsClient(values, environment: environment)
        try await client.getStatus()
        #expect(server.requests.map(\.uri) == ["/v2/status"])
        try await client.shutdown()
        try await server.stop()
    }

    @Test func aCAThatDidNotSignTheServerCertificateIsRefused() async throws {
        let certificate = try await SelfSigned.make()
        let other = try await SelfSigned.make()
        defer {
            certificate.remove()
            other.remove()
        }
        let server = try await LoopbackHTTPServer.start(tls: certificate) { _ in .init(status: .noContent) }
        let client = try Self.tlsClient([
            "CAMUNDA_REST_ADDRESS": "https://127.0.0.1:\(server.port)/v2", "CAMUNDA_MTLS_CA_PATH": other.certificatePath,
        ])
        await #expect(throws: CamundaError.self) { try await client.getStatus() }
        #expect(server.requests.isEmpty)
        try await client.shutdown()
        try await server.stop()
    }

    // MARK: Secrets in logs

    @Test func oauthFlowAndItsErrorsNeverLogTheSecretOrTheToken() async throws {
        let secret = "oauth-secret-\(UUID().uuidString)"
        let gateway = try await EmbeddedGateway.start(
            EmbeddedGateway.Configuration(
                authentication: .oauth, oauth: .init(clientID: "security-client", clientSecret: secret)))
        let capture = LogCapture()
        let tokens = AuthorizationRecorder()
        let values = [
            "CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString, "CAMUNDA_CLIENT_ID": "security-client",
            "CAMUNDA_CLIENT_SECRET": secret, "CAMUNDA_OAUTH_URL": gateway.oauthTokenURL.absoluteString,
            "CAMUNDA_SDK_LOG_LEVEL": "trace", "CAMUNDA_SDK_HTTP_RETRY_BASE_DELAY_MS": "1",
            "CAMUNDA_SDK_HTTP_RETRY_MAX_DELAY_MS": "2",
        ]
        let client = try CamundaClient(
            configuration: values, environment: [:], middlewares: [tokens], logger: capture.logger())
        var errors: [String] = []

        // A full flow: token, calls, a revoked token (401, refresh), a worker completing a job.
        _ = try await client.getTopology()
        gateway.revokeTokens()
        _ = try await client.getTopology()
        gateway.seedJobs(type: "security", count: 2)
        try client.createJobWorker(
            config: WorkerConfig(jobType: "security", jobTimeoutMilliseconds: 10_000, requestTimeoutMilliseconds: 200)
        ) { (job: ConnectedJobContext) async throws -> [String: JSONValue] in
            job.log.info("handling \(job.jobKey)")
            return ["ok": true]
        }
        let workers = Task { try await client.runWorkers() }
        try await gateway.waitUntil(type: "security") { $0.completed == 2 }
        workers.cancel()
        try await workers.value

        // Errors: the token endpoint refuses (401, then 503), and a rejected command.
        gateway.revokeTokens()
        gateway.failTokenRequests(status: 401)
        do {
            _ = try await client.getTopology()
            Issue.record("expected the token request to fail")
        } catch {
            errors.append(String(describing: error))
            errors.append(String(reflecting: error))
        }
        gateway.failTokenRequests(status: 503)
        do {
            _ = try await client.getTopology()
            Issue.record("expected the token request to fail")
        } catch {
            errors.append(String(describing: error))
        }
        gateway.clearTokenFailures()
        do {
            try await client.completeJob(jobKey: "999999")
        } catch {
            errors.append(String(describing: error))
        }
        errors.append(String(describing: client.configuration))
        errors.append(String(reflecting: client.configuration))
        try await client.shutdown()
        try await gateway.shutdown()

        let seenTokens = tokens.values.compactMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        #expect(Set(seenTokens).count >= 2, "the flow should have used at least two tokens")
        let text = (capture.lines + errors).joined(separator: "\n")
        #expect(capture.lines.count > 10, "expected trace logging from the flow")
        #expect(!text.contains(secret), "the client secret appears in a log line or error")
        for token in Set(seenTokens) {
            #expect(!text.contains(token), "an access token appears in a log line or error")
        }
        #expect(!text.contains(secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret))
    }

    @Test func basicAuthenticationNeverLogsThePassword() async throws {
        let password = "basic-password-\(UUID().uuidString)"
        let gateway = try await EmbeddedGateway.start(
            EmbeddedGateway.Configuration(authentication: .basic(username: "demo", password: password)))
        let capture = LogCapture()
        var errors: [String] = []
        for candidate in [password, "wrong-\(password)"] {
            let client = try CamundaClient(
                configuration: [
                    "CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString, "CAMUNDA_BASIC_AUTH_USERNAME": "demo",
                    "CAMUNDA_BASIC_AUTH_PASSWORD": candidate, "CAMUNDA_SDK_LOG_LEVEL": "trace",
                ], environment: [:], logger: capture.logger())
            do {
                _ = try await client.getTopology()
            } catch {
                errors.append(String(describing: error))
            }
            errors.append(String(describing: client.configuration))
            try await client.shutdown()
        }
        try await gateway.shutdown()
        #expect(errors.contains { $0.contains("401") }, "the wrong password should have been refused")
        let text = (capture.lines + errors).joined(separator: "\n")
        let encoded = Data("demo:\(password)".utf8).base64EncodedString()
        #expect(!text.contains(password))
        #expect(!text.contains(encoded))
    }

    // MARK: Redirects

    @Test(arguments: ["oauth", "basic"])
    func credentialsAreNeverSentToAnotherHostOnARedirect(mode: String) async throws {
        let gateway = try await EmbeddedGateway.start()  // the OAuth token endpoint only
        let elsewhere = try await LoopbackHTTPServer.start { _ in .init(status: .noContent) }
        let redirecting = try await LoopbackHTTPServer.start { request in
            .init(
                status: .temporaryRedirect,
                headers: [("Location", "http://127.0.0.1:\(elsewhere.port)\(request.uri)")])
        }
        var values = ["CAMUNDA_REST_ADDRESS": "http://127.0.0.1:\(redirecting.port)/v2"]
        if mode == "oauth" {
            values["CAMUNDA_CLIENT_ID"] = "test-client"
            values["CAMUNDA_CLIENT_SECRET"] = "test-secret"
            values["CAMUNDA_OAUTH_URL"] = gateway.oauthTokenURL.absoluteString
        } else {
            values["CAMUNDA_BASIC_AUTH_USERNAME"] = "demo"
            values["CAMUNDA_BASIC_AUTH_PASSWORD"] = "demo-password"
        }
        let client = try CamundaClient(configuration: values, environment: [:], logger: quietLogger)
        await #expect(throws: CamundaError.self) { try await client.getStatus() }
        await #expect(throws: CamundaError.self) {
            try await client.publishMessage(MessagePublicationRequest(name: "m", correlationKey: "k"))
        }
        try await client.shutdown()
        // The configured address got the credentials; the other host got nothing at all.
        #expect(!redirecting.requests.isEmpty)
        #expect(redirecting.requests.allSatisfy { $0.authorization != nil })
        #expect(elsewhere.requests.isEmpty, "followed a redirect: \(elsewhere.requests.map(\.uri))")
        #expect(elsewhere.requests.allSatisfy { $0.authorization == nil })
        try await redirecting.stop()
        try await elsewhere.stop()
        try await gateway.shutdown()
    }
}

struct SecurityTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Records the `Authorization` header of every request (as the transport receives it).
final class AuthorizationRecorder: ClientMiddleware, Sendable {
    private let storage = Mutex<[String]>([])
    var values: [String] { storage.withLock { $0 } }

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if let value = request.headerFields[.authorization] { storage.withLock { $0.append(value) } }
        return try await next(request, body, baseURL)
    }
}

/// A minimal HTTP/1.1 server on 127.0.0.1 (optionally TLS) that answers with a closure and records requests.
final class LoopbackHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var authorization: String?
    }

    struct Response: Sendable {
        var status: HTTPResponseStatus
        var headers: [(String, String)] = []
        var body: String = ""
    }

    let port: Int
    private let channel: any Channel
    private let recorded = Mutex<[Request]>([])

    var requests: [Request] { recorded.withLock { $0 } }

    private init(channel: any Channel) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    static func start(
        tls: SecurityTests.SelfSigned? = nil, _ respond: @escaping @Sendable (Request) -> Response
    ) async throws -> LoopbackHTTPServer {
        let sslContext: NIOSSLContext? = try tls.map { files in
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(files.certificatePath).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: files.keyPath, format: .pem)))
            return try NIOSSLContext(configuration: configuration)
        }
        let box = Mutex<LoopbackHTTPServer?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(respond: respond, record: { request in box.withLock { $0 }?.record(request) }))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = LoopbackHTTPServer(channel: channel)
        box.withLock { $0 = server }
        return server
    }

    private func record(_ request: Request) { recorded.withLock { $0.append(request) } }

    func stop() async throws { try await channel.close() }

    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let respond: @Sendable (Request) -> Response
        let record: @Sendable (Request) -> Void
        private let head = Mutex<HTTPRequestHead?>(nil)

        init(respond: @escaping @Sendable (Request) -> Response, record: @escaping @Sendable (Request) -> Void) {
            self.respond = respond
            self.record = record
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let requestHead):
                head.withLock { $0 = requestHead }
            case .body:
                break
            case .end:
                guard let requestHead = head.withLock({ $0 }) else { return }
                let request = Request(
                    method: requestHead.method.rawValue, uri: requestHead.uri,
                    authorization: requestHead.headers.first(name: "Authorization"))
                record(request)
                let response = respond(request)
                var headers = HTTPHeaders(response.headers)
                headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.utf8.count)")
                context.write(
                    wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))),
                    promise: nil)
                if !response.body.isEmpty {
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
