import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import Synchronization

/// The name used in Camunda's documentation for the asynchronous client.
public typealias CamundaAsyncClient = CamundaClient

/// A client of the Camunda 8 Orchestration Cluster REST API: every operation of the spec is an
/// `async throws` method (from `CamundaOperations`), with authentication, retries of transient
/// failures and adaptive backpressure built in.
///
/// ```swift
/// let client = try CamundaClient()          // reads CAMUNDA_* from the environment
/// let topology = try await client.getTopology()
/// try await client.shutdown()
/// ```
///
/// Requests go through a chain of `ClientMiddleware`s: retries, backpressure, authentication, then
/// yours, then the transport (`AsyncHTTPClientTransport` unless you pass one). Failures are thrown as
/// `CamundaError`.
public final class CamundaClient: CamundaOperations, Sendable {
    /// The effective configuration.
    public let configuration: CamundaConfiguration
    /// The logger the client and its workers use.
    public let logger: Logger
    /// The job workers created on this client, run by `runWorkers()`.
    package let workers = JobWorkerRegistry()

    private let transport: any ClientTransport
    private let middlewares: [any ClientMiddleware]
    private let backpressureController: BackpressureController
    /// The OAuth token provider, when the authentication is OAuth.
    package let tokenProvider: OAuthTokenProvider?
    private let httpClient: HTTPClient?
    private let isShutDown = Mutex(false)

    /// The `User-Agent` sent with every request.
    package static let userAgent = "camunda-swift-sdk/0.1"

    /// Creates a client from variables and the environment.
    ///
    /// - Parameters:
    ///   - configuration: Variables that win over the environment (see ``CamundaConfiguration/variables``).
    ///   - environment: The environment to read; defaults to the process environment.
    ///   - transport: The HTTP transport; by default an `AsyncHTTPClientTransport` over a new `HTTPClient`.
    ///   - middlewares: Your middlewares, run after the SDK's (closest to the transport).
    ///   - logger: The logger to use; its level is set from `CAMUNDA_SDK_LOG_LEVEL` when given.
    /// - Throws: ``CamundaConfigurationError`` when the configuration is malformed or conflicting.
    public convenience init(
        configuration: [String: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: (any ClientTransport)? = nil,
        middlewares: [any ClientMiddleware] = [],
        logger: Logger = Logger(label: "camunda")
    ) throws {
        try self.init(
            CamundaConfiguration(configuration, environment: environment), transport: transport,
            middlewares: middlewares, logger: logger)
    }

    /// Creates a client from a configuration.
    ///
    /// - Parameters:
    ///   - configuration: The configuration.
    ///   - transport: The HTTP transport; by default an `AsyncHTTPClientTransport` over a new `HTTPClient`.
    ///   - middlewares: Your middlewares, run after the SDK's (closest to the transport).
    ///   - logger: The logger to use; its level is set from ``CamundaConfiguration/logLevel`` when given.
    /// - Throws: ``CamundaConfigurationError`` when the configuration cannot work (for example unreadable TLS files).
    public convenience init(
        _ configuration: CamundaConfiguration,
        transport: (any ClientTransport)? = nil,
        middlewares: [any ClientMiddleware] = [],
        logger: Logger = Logger(label: "camunda")
    ) throws {
        try self.init(configuration, transport: transport, middlewares: middlewares, logger: logger, hooks: RuntimeHooks())
    }

    /// Time and randomness used by the runtime, replaceable in tests.
    package struct RuntimeHooks: Sendable {
        package var now: @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
        package var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
        package var jitter: @Sendable () -> Double = { Double.random(in: 0...1) }
        package var wallClock: @Sendable () -> Date = { Date() }
        package init() {}
    }

    /// Creates a client with injected time and randomness (for tests).
    package init(
        _ configuration: CamundaConfiguration,
        transport: (any ClientTransport)?,
        middlewares: [any ClientMiddleware],
        logger: Logger,
        hooks: RuntimeHooks
    ) throws {
        try configuration.validate()
        var logger = logger
        if let level = configuration.logLevel { logger.logLevel = level }
        self.configuration = configuration
        self.logger = logger

        let resolvedTransport: any ClientTransport
        if let transport {
            resolvedTransport = transport
            self.httpClient = nil
        } else {
            let client = try Self.makeHTTPClient(configuration)
            self.httpClient = client
            resolvedTransport = AsyncHTTPClientTransport(
                configuration: .init(client: client, timeout: .init(configuration.http.requestTimeout)))
        }
        self.transport = resolvedTransport

        self.backpressureController = BackpressureController(
            profile: configuration.backpressure, logger: logger, now: hooks.now, sleep: hooks.sleep)
        var chain: [any ClientMiddleware] = [
            RetryMiddleware(
                policy: configuration.retry, logger: logger, sleep: hooks.sleep, jitter: hooks.jitter, now: hooks.wallClock),
            BackpressureMiddleware(controller: backpressureController),
        ]
        switch configuration.authentication {
        case .none:
            self.tokenProvider = nil
        case .basic(let credentials):
            self.tokenProvider = nil
            chain.append(StaticAuthorizationMiddleware(basic: credentials, restAddress: configuration.restAddress))
        case .bearer(let token):
            self.tokenProvider = nil
            chain.append(StaticAuthorizationMiddleware(bearerToken: token, restAddress: configuration.restAddress))
        case .oauth(let credentials):
            let provider = OAuthTokenProvider(
                credentials: credentials, transport: resolvedTransport, logger: logger, now: hooks.now)
            self.tokenProvider = provider
            chain.append(OAuthMiddleware(provider: provider, restAddress: configuration.restAddress))
        }
        self.middlewares = chain + middlewares
        logger.debug("Created Camunda client", metadata: ["camunda.configuration": "\(configuration)"])
    }

    deinit {
        if let httpClient, !isShutDown.withLock({ $0 }) {
            // Non-blocking: the HTTP client stays alive until its shutdown completes.
            _ = httpClient.shutdown()
        }
    }

    /// Closes the HTTP client the client created (not a transport you passed). Safe to call more than once.
    ///
    /// - Throws: An error of the HTTP client's shutdown.
    public func shutdown() async throws {
        let first = isShutDown.withLock { shutDown in
            defer { shutDown = true }
            return !shutDown
        }
        guard first, let httpClient else { return }
        logger.debug("Shutting down the Camunda client's HTTP client")
        try await httpClient.shutdown()
    }

    /// The adaptive backpressure state: permits, calls in flight and waiting, signals.
    public var backpressureState: BackpressureState { backpressureController.state }

    /// A blocking view of this client, for code running on threads of its own.
    public var blocking: CamundaBlockingClient { CamundaBlockingClient(asyncOperations: self) }

    // MARK: Sending

    /// Sends one request through the middlewares and the transport and collects the response.
    ///
    /// - Throws: `CamundaError` of kind `.transport`, `.timeout` or `.cancelled` when no response arrives;
    ///   statuses are returned, not thrown.
    public func send(_ request: OperationRequest) async throws -> OperationResponse {
        let operationID = request.operationID
        do {
            try Task.checkCancellation()
            let (httpRequest, body) = try Self.makeHTTPRequest(request)
            let baseURL = request.server == .api ? configuration.restAddress : configuration.rootAddress
            logger.trace(
                "Sending Camunda request",
                metadata: ["camunda.operation": "\(operationID)", "camunda.method": "\(request.method)", "camunda.path": "\(request.path)"])
            let (response, responseBody) = try await Self.run(
                middlewares, transport: transport, request: httpRequest, body: body, baseURL: baseURL,
                operationID: operationID)
            var data = Data()
            if let responseBody {
                do {
                    data = try await Data(collecting: responseBody, upTo: configuration.http.maxResponseBodyBytes)
                } catch where !ResponseClassification.isCancellation(error) {
                    throw CamundaError(
                        operationID: operationID, kind: .transport, status: response.status.code,
                        cause: error,
                        message: "could not read the response body (limit \(configuration.http.maxResponseBodyBytes) bytes)")
                }
            }
            var headers: [String: String] = [:]
            for field in response.headerFields {
                let name = field.name.canonicalName
                headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
            }
            logger.debug(
                "Camunda response",
                metadata: ["camunda.operation": "\(operationID)", "camunda.status": "\(response.status.code)", "camunda.bytes": "\(data.count)"])
            return OperationResponse(status: response.status.code, headers: headers, body: data)
        } catch {
            let wrapped = Self.wrap(error, operationID: operationID)
            logger.debug(
                "Camunda request failed", metadata: ["camunda.operation": "\(operationID)", "camunda.error": "\(wrapped)"])
            throw wrapped
        }
    }

    /// Runs the middlewares in order, the transport last.
    static func run(
        _ middlewares: [any ClientMiddleware], transport: any ClientTransport, request: HTTPRequest, body: HTTPBody?,
        baseURL: URL, operationID: String
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?) = {
            try await transport.send($0, body: $1, baseURL: $2, operationID: operationID)
        }
        for middleware in middlewares.reversed() {
            let following = next
            next = {
                try await middleware.intercept($0, body: $1, baseURL: $2, operationID: operationID, next: following)
            }
        }
        return try await next(request, body, baseURL)
    }

    /// Builds the HTTP request and a replayable body for an operation request.
    static func makeHTTPRequest(_ request: OperationRequest) throws -> (HTTPRequest, HTTPBody?) {
        guard let method = HTTPRequest.Method(request.method.uppercased()) else {
            throw CamundaError(operationID: request.operationID, kind: .encoding, message: "invalid HTTP method \(request.method)")
        }
        var path = request.path.hasPrefix("/") ? request.path : "/" + request.path
        if !request.query.isEmpty {
            var components = URLComponents()
            components.queryItems = request.query
            if let query = components.percentEncodedQuery {
                path += "?" + query.replacingOccurrences(of: "+", with: "%2B")
            }
        }
        var fields = HTTPFields()
        fields[.accept] = request.accept
        fields[.userAgent] = userAgent
        if let contentType = request.contentType { fields[.contentType] = contentType }
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            guard let fieldName = HTTPField.Name(name) else {
                throw CamundaError(operationID: request.operationID, kind: .encoding, message: "invalid header name \(name)")
            }
            fields[fieldName] = value
        }
        let httpRequest = HTTPRequest(method: method, scheme: nil, authority: nil, path: path, headerFields: fields)
        return (httpRequest, request.bodyData.map { HTTPBody($0) })
    }

    /// Turns any error into a `CamundaError` (once: `CamundaError`s pass unchanged).
    static func wrap(_ error: any Error, operationID: String) -> CamundaError {
        if let error = error as? CamundaError { return error }
        if ResponseClassification.isCancellation(error) {
            return CamundaError(operationID: operationID, kind: .cancelled, cause: error)
        }
        if let httpError = error as? HTTPClientError {
            if httpError == .cancelled { return CamundaError(operationID: operationID, kind: .cancelled, cause: error) }
            if httpError == .deadlineExceeded || httpError == .readTimeout || httpError == .connectTimeout {
                return CamundaError(operationID: operationID, kind: .timeout, cause: error)
            }
        }
        return CamundaError(operationID: operationID, kind: .transport, cause: error)
    }
}

/// A blocking view of a ``CamundaClient``: every API operation as a synchronous method.
///
/// Use it only from threads of your own (such as `.thread` job handlers), never from async code.
public struct CamundaBlockingClient: CamundaBlockingOperations {
    /// The client the blocking methods forward to.
    public let asyncOperations: CamundaClient

    /// Creates a blocking view of `asyncOperations`.
    public init(asyncOperations: CamundaClient) {
        self.asyncOperations = asyncOperations
    }
}
