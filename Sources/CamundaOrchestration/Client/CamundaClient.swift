import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
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
/// Each request goes through retries, adaptive backpressure and authentication, then your
/// `ClientMiddleware`s, then the transport (the SDK's own HTTP/1.1 client on SwiftNIO unless you pass a
/// `ClientTransport`). Failures are thrown as `CamundaError`.
public final class CamundaClient: CamundaOperations, Sendable {
    /// The effective configuration.
    public let configuration: CamundaConfiguration
    /// The logger the client and its workers use.
    public let logger: Logger
    /// The job workers created on this client, run by `runWorkers()`.
    package let workers = JobWorkerRegistry()

    /// How requests reach the server (see `RequestExchange.swift`).
    let exchanger: any RequestExchange
    /// The exchanger when it is the SDK's own transport used directly.
    let directExchange: DirectExchange?
    let authorizer: Authorizer
    let backpressureController: BackpressureController
    /// Time and randomness of the client and its workers.
    let hooks: RuntimeHooks
    /// The OAuth token provider, when the authentication is OAuth.
    package let tokenProvider: OAuthTokenProvider?
    /// The transport the client created (none when you passed one).
    let ownTransport: HTTP1Transport?
    private let isShutDown = Mutex(false)

    /// The `User-Agent` sent with every request.
    package static let userAgent = "camunda-swift-sdk/0.1"

    /// Creates a client from variables and the environment.
    ///
    /// - Parameters:
    ///   - configuration: Variables that win over the environment (see ``CamundaConfiguration/variables``).
    ///   - environment: The environment to read; defaults to the process environment.
    ///   - transport: The HTTP transport; by default the SDK sends with its own HTTP/1.1 client on SwiftNIO.
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
    ///   - transport: The HTTP transport; by default the SDK sends with its own HTTP/1.1 client on SwiftNIO.
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

    /// Creates a client with injected time and randomness (for tests); its job workers use the same.
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

        self.hooks = hooks

        let resolvedTransport: any ClientTransport
        let ownTransport: HTTP1Transport?
        if let transport {
            resolvedTransport = transport
            ownTransport = nil
        } else {
            let own = try Self.makeHTTP1Transport(configuration)
            ownTransport = own
            resolvedTransport = HTTP1ClientTransport(transport: own, configuration: configuration)
        }
        self.ownTransport = ownTransport
        if let ownTransport, middlewares.isEmpty {
            let direct = try DirectExchange(transport: ownTransport, configuration: configuration)
            self.directExchange = direct
            self.exchanger = direct
        } else {
            self.directExchange = nil
            self.exchanger = MiddlewareExchange(
                middlewares: middlewares, transport: resolvedTransport, apiURL: configuration.restAddress,
                rootURL: configuration.rootAddress)
        }

        self.backpressureController = BackpressureController(
            profile: configuration.backpressure, logger: logger, clock: hooks.clock)
        switch configuration.authentication {
        case .none:
            self.tokenProvider = nil
            self.authorizer = .none
        case .basic(let credentials):
            self.tokenProvider = nil
            let raw = Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString()
            self.authorizer = .fixed("Basic \(raw)")
        case .bearer(let token):
            self.tokenProvider = nil
            self.authorizer = .fixed("Bearer \(token)")
        case .oauth(let credentials):
            // Token requests go straight to the transport, not through the user's middlewares.
            let provider = OAuthTokenProvider(
                credentials: credentials, transport: resolvedTransport, logger: logger, clock: hooks.clock,
                timeout: configuration.http.tokenTimeout,
                onTimeout: { _ in ownTransport?.closeIdleConnections() })
            self.tokenProvider = provider
            self.authorizer = .oauth(provider)
        }
        logger.debug("Created Camunda client", metadata: ["camunda.configuration": "\(configuration)"])
    }

    deinit {
        if let ownTransport, !isShutDown.withLock({ $0 }) {
            // Non-blocking: the connections close on their event loop.
            ownTransport.shutdownNow()
        }
    }

    /// Closes the connections of the transport the client created (not a transport you passed); requests
    /// still under way fail. Safe to call more than once.
    ///
    /// - Throws: Nothing today; kept throwing so that shutdown errors can be reported.
    public func shutdown() async throws {
        let first = isShutDown.withLock { shutDown in
            defer { shutDown = true }
            return !shutDown
        }
        guard first, let ownTransport else { return }
        logger.debug("Shutting down the Camunda client's HTTP transport")
        await ownTransport.shutdown()
    }

    /// The adaptive backpressure state: permits, calls in flight and waiting, signals.
    public var backpressureState: BackpressureState { backpressureController.state }

    /// A blocking view of this client, for code running on threads of its own.
    public var blocking: CamundaBlockingClient { CamundaBlockingClient(asyncOperations: self) }

    // MARK: Sending

    /// Sends one request (with retries, backpressure and authentication) and collects the response.
    ///
    /// The request is sent as it is: the default tenant is filled in by ``prepare(_:body:)``, which
    /// the generated methods call on the typed body before encoding it, so a request you build by
    /// hand gets no default tenant.
    ///
    /// - Throws: `CamundaError` of kind `.transport`, `.timeout` or `.cancelled` when no response arrives;
    ///   statuses are returned, not thrown.
    public func send(_ request: OperationRequest) async throws -> OperationResponse {
        do {
            try Task.checkCancellation()
            let prepared = try PreparedRequest(request, userAgent: Self.userAgent, http: configuration.http)
            logger.trace(
                "Sending Camunda request",
                metadata: [
                    "camunda.operation": "\(request.operationID)", "camunda.method": "\(prepared.method.rawValue)",
                    "camunda.path": "\(prepared.target)",
                ])
            let response = try await sendRetrying(prepared)
            logger.debug(
                "Camunda response",
                metadata: [
                    "camunda.operation": "\(request.operationID)", "camunda.status": "\(response.status)",
                    "camunda.bytes": "\(response.body.count)",
                ])
            return response
        } catch {
            let wrapped = Self.wrap(error, operationID: request.operationID)
            logger.debug(
                "Camunda request failed", metadata: ["camunda.operation": "\(request.operationID)", "camunda.error": "\(wrapped)"])
            throw wrapped
        }
    }

    /// Turns any error into a `CamundaError` (once: `CamundaError`s pass unchanged).
    static func wrap(_ error: any Error, operationID: String) -> CamundaError {
        if let error = error as? CamundaError { return error }
        switch FailureClass.of(error) {
        case .timeout:
            if let timeout = error as? RequestTimedOut {
                return CamundaError(operationID: operationID, kind: .timeout, message: timeout.description)
            }
            return CamundaError(operationID: operationID, kind: .timeout, cause: error)
        case .cancelled:
            return CamundaError(operationID: operationID, kind: .cancelled, cause: error)
        default:
            return CamundaError(operationID: operationID, kind: .transport, cause: error)
        }
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
