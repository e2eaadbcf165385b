import Foundation
import Logging

/// How a ``CamundaClient`` reaches and authenticates with a cluster, and how it retries and limits its calls.
///
/// Values come, in order of precedence, from properties you set explicitly, a `[String: String]`
/// passed to the initializer, the process environment, and the documented defaults
/// (see ``variables`` for every variable with its default and meaning):
///
/// ```swift
/// var configuration = try CamundaConfiguration(["CAMUNDA_REST_ADDRESS": "http://localhost:8080"])
/// configuration.retry.maxAttempts = 5            // explicit values win
/// let client = CamundaClient(configuration)
/// ```
///
/// Its ``description`` is safe to log: secrets are redacted.
public struct CamundaConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The REST API base URL, ending in `/v2` (`CAMUNDA_REST_ADDRESS`, alias `ZEEBE_REST_ADDRESS`).
    public var restAddress: URL
    /// How requests are authenticated.
    public var authentication: Authentication
    /// The default tenant id (`CAMUNDA_TENANT_ID`), if any: the client puts it into requests that leave their
    /// tenant out (`tenantId` of process instance creation, deployment, message publication and correlation,
    /// signal broadcast, decision/expression/conditional evaluation; `tenantIds` of job activation).
    public var tenantID: String?
    /// The level the client sets on its logger (`CAMUNDA_SDK_LOG_LEVEL`); `nil` keeps the injected logger's level.
    public var logLevel: Logger.Level?
    /// The adaptive backpressure profile (`CAMUNDA_SDK_BACKPRESSURE_PROFILE`).
    public var backpressure: BackpressureProfile
    /// The retry policy for transient failures (`CAMUNDA_SDK_HTTP_RETRY_*`).
    public var retry: RetryPolicy
    /// TLS files for a custom CA and mutual TLS (`CAMUNDA_MTLS_*`), used by the default transport.
    public var tls: TLS
    /// Settings of the default HTTP transport (explicit values only).
    public var http: HTTP
    /// Defaults for job workers (`CAMUNDA_WORKER_*`).
    public var worker: WorkerDefaults
    /// The merged raw values (dictionary over environment), keyed by canonical variable name.
    ///
    /// Only `CAMUNDA_*` and `ZEEBE_*` variables of the environment are kept. May contain secrets:
    /// never log it; ``description`` redacts it.
    public let values: [String: String]

    /// The server root: ``restAddress`` without its trailing `/v2` (base of the `/cluster/v2/...` operations).
    public var rootAddress: URL {
        var text = restAddress.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix("/v2") { text.removeLast(3) }
        return URL(string: text) ?? restAddress
    }

    /// Reads the configuration from `values` and the environment.
    ///
    /// - Parameters:
    ///   - values: Variables that win over the environment (same names as the environment variables).
    ///   - environment: The environment to read; defaults to the process environment.
    /// - Throws: ``CamundaConfigurationError`` naming the variable when a value is malformed or conflicts with another.
    public init(
        _ values: [String: String] = [:], environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let source = Source(values: values, environment: environment)
        self.values = source.merged
        self.restAddress = try source.restAddress()
        self.authentication = try source.authentication()
        self.tenantID = source.string(.tenantID)
        self.logLevel = try source.logLevel()
        self.backpressure = try source.backpressureProfile()
        self.retry = try source.retryPolicy()
        self.tls = try source.tls()
        self.http = try source.http()
        self.worker = try source.workerDefaults()
    }

    /// Every variable the SDK reads, with its default and meaning.
    public static let variables: [ConfigurationVariable] = [
        .restAddress, .authStrategy, .clientID, .clientSecret, .oauthURL, .tokenAudience, .oauthScope,
        .basicUsername, .basicPassword, .tenantID, .logLevel, .backpressureProfile,
        .retryMaxAttempts, .retryBaseDelay, .retryMaxDelay,
        .httpRequestTimeout, .httpAcknowledgementTimeout, .longPollMargin, .longPollDefaultTimeout, .oauthTimeout,
        .mtlsCertPath, .mtlsKeyPath, .mtlsCAPath,
        .workerTimeout, .workerMaxConcurrentJobs, .workerRequestTimeout, .workerName, .workerStartupJitter,
    ]

    /// Checks values that may have been set explicitly after reading (called by `CamundaClient`).
    ///
    /// - Throws: ``CamundaConfigurationError`` when a value cannot work.
    public func validate() throws {
        guard let scheme = restAddress.scheme?.lowercased(), scheme == "http" || scheme == "https",
            restAddress.host?.isEmpty == false
        else {
            throw CamundaConfigurationError(
                variable: ConfigurationVariable.restAddress.name,
                reason: "expected an http or https URL with a host, got \"\(restAddress.absoluteString)\"")
        }
        if case .oauth(let oauth) = authentication {
            guard let scheme = oauth.tokenURL.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
                throw CamundaConfigurationError(
                    variable: ConfigurationVariable.oauthURL.name, reason: "expected an http or https URL")
            }
        }
        try retry.validate()
        try http.validate()
        if (tls.certificatePath == nil) != (tls.privateKeyPath == nil) {
            throw CamundaConfigurationError(
                variable: tls.certificatePath == nil
                    ? ConfigurationVariable.mtlsCertPath.name : ConfigurationVariable.mtlsKeyPath.name,
                reason: "mutual TLS needs both a certificate and a private key")
        }
    }

    /// A redacted, single-line summary of the effective configuration, safe to log.
    public var description: String {
        var parts = [
            "restAddress: \(restAddress.absoluteString)",
            "authentication: \(authentication)",
        ]
        if let tenantID { parts.append("tenantID: \(tenantID)") }
        if let logLevel { parts.append("logLevel: \(logLevel)") }
        parts.append("backpressure: \(backpressure)")
        parts.append(
            "retry: \(retry.maxAttempts) attempts, base \(retry.baseDelay.camundaMilliseconds) ms, "
                + "max \(retry.maxDelay.camundaMilliseconds) ms")
        if tls.certificatePath != nil || tls.privateKeyPath != nil || tls.trustRootsPath != nil {
            parts.append(
                "tls: cert \(tls.certificatePath ?? "-"), key \(tls.privateKeyPath ?? "-"), ca \(tls.trustRootsPath ?? "-")")
        }
        var workerParts: [String] = []
        if let v = worker.timeoutMilliseconds { workerParts.append("timeout \(v) ms") }
        if let v = worker.maxConcurrentJobs { workerParts.append("maxConcurrentJobs \(v)") }
        if let v = worker.requestTimeoutMilliseconds { workerParts.append("requestTimeout \(v) ms") }
        if let v = worker.name { workerParts.append("name \(v)") }
        if let v = worker.startupJitterMaxSeconds { workerParts.append("startupJitterMax \(v) s") }
        if !workerParts.isEmpty { parts.append("worker: " + workerParts.joined(separator: ", ")) }
        return "CamundaConfiguration(" + parts.joined(separator: "; ") + ")"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without secrets (used by `dump` and debuggers).
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "restAddress": restAddress, "authentication": authentication, "tenantID": tenantID as Any,
                "logLevel": logLevel as Any, "backpressure": backpressure, "retry": retry, "tls": tls, "http": http,
                "worker": worker, "values": Self.redacted(values),
            ], displayStyle: .struct)
    }

    /// `values` with the values of secret variables replaced by `<redacted>`.
    static func redacted(_ values: [String: String]) -> [String: String] {
        var result = values
        for (key, _) in values where Self.isSecret(key) { result[key] = "<redacted>" }
        return result
    }

    static func isSecret(_ name: String) -> Bool {
        if variables.contains(where: { $0.isSecret && ($0.name == name || $0.aliases.contains(name)) }) { return true }
        let upper = name.uppercased()
        return ["SECRET", "PASSWORD", "TOKEN", "CREDENTIAL", "KEY_PASSPHRASE"].contains { upper.contains($0) }
            && !["CAMUNDA_TOKEN_AUDIENCE", "CAMUNDA_OAUTH_URL"].contains(upper)
    }
}

// MARK: - Nested value types

extension CamundaConfiguration {
    /// How requests are authenticated.
    public enum Authentication: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        /// No credentials are sent.
        case none
        /// HTTP basic authentication.
        case basic(BasicCredentials)
        /// OAuth 2 client credentials; a bearer token is fetched, cached and refreshed.
        case oauth(OAuthCredentials)
        /// A fixed bearer token (explicit configuration only).
        case bearer(token: String)

        /// The strategy's name (`NONE`, `BASIC`, `OAUTH`, `BEARER`).
        public var strategy: String {
            switch self {
            case .none: "NONE"
            case .basic: "BASIC"
            case .oauth: "OAUTH"
            case .bearer: "BEARER"
            }
        }

        /// The strategy and non-secret details; secrets are redacted.
        public var description: String {
            switch self {
            case .none: "NONE"
            case .basic(let credentials): "BASIC(\(credentials))"
            case .oauth(let credentials): "OAUTH(\(credentials))"
            case .bearer: "BEARER(token: <redacted>)"
            }
        }

        /// Same as ``description``.
        public var debugDescription: String { description }

        /// A mirror without secrets.
        public var customMirror: Mirror { Mirror(self, children: ["strategy": description]) }
    }

    /// A user name and password for HTTP basic authentication.
    public struct BasicCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        /// The user name (`CAMUNDA_BASIC_AUTH_USERNAME`).
        public var username: String
        /// The password (`CAMUNDA_BASIC_AUTH_PASSWORD`); never logged.
        public var password: String

        /// Creates credentials.
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        /// The user name; the password is redacted.
        public var description: String { "username: \(username), password: <redacted>" }
        /// Same as ``description``.
        public var debugDescription: String { description }
        /// A mirror without the password.
        public var customMirror: Mirror { Mirror(self, children: ["username": username, "password": "<redacted>"]) }
    }

    /// OAuth 2 client credentials.
    public struct OAuthCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        /// The client id (`CAMUNDA_CLIENT_ID`).
        public var clientID: String
        /// The client secret (`CAMUNDA_CLIENT_SECRET`); never logged.
        public var clientSecret: String
        /// The token endpoint (`CAMUNDA_OAUTH_URL`).
        public var tokenURL: URL
        /// The `audience` parameter (`CAMUNDA_TOKEN_AUDIENCE`).
        public var audience: String?
        /// The `scope` parameter (`CAMUNDA_OAUTH_SCOPE`).
        public var scope: String?

        /// Creates credentials.
        public init(clientID: String, clientSecret: String, tokenURL: URL, audience: String? = nil, scope: String? = nil) {
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.tokenURL = tokenURL
            self.audience = audience
            self.scope = scope
        }

        /// Client id, token URL, audience and scope; the secret is redacted.
        public var description: String {
            var text = "clientID: \(clientID), clientSecret: <redacted>, tokenURL: \(tokenURL.absoluteString)"
            if let audience { text += ", audience: \(audience)" }
            if let scope { text += ", scope: \(scope)" }
            return text
        }
        /// Same as ``description``.
        public var debugDescription: String { description }
        /// A mirror without the secret.
        public var customMirror: Mirror {
            Mirror(
                self,
                children: [
                    "clientID": clientID, "clientSecret": "<redacted>", "tokenURL": tokenURL,
                    "audience": audience as Any, "scope": scope as Any,
                ])
        }
    }

    /// The adaptive backpressure profile.
    public enum BackpressureProfile: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Adaptive concurrency limit: shrinks on backpressure signals and recovers when quiet (the default).
        case balanced = "BALANCED"
        /// Observe only: signals are recorded but calls never wait for a permit.
        case legacy = "LEGACY"

        /// The profile's name.
        public var description: String { rawValue }
    }

    /// Which failures are retried, how often and how long to wait between attempts.
    public struct RetryPolicy: Sendable, Hashable {
        /// Total attempts per call, the first one included (`CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS`, default 3). `1` disables retries.
        public var maxAttempts: Int
        /// Base of the exponential backoff (`CAMUNDA_SDK_HTTP_RETRY_BASE_DELAY_MS`, default 100 ms).
        public var baseDelay: Duration
        /// Cap of the exponential backoff (`CAMUNDA_SDK_HTTP_RETRY_MAX_DELAY_MS`, default 2 s).
        public var maxDelay: Duration
        /// Cap on a server's `Retry-After` (default 30 s).
        public var maxRetryAfter: Duration

        /// Creates a policy; the defaults are those of the official SDKs.
        public init(
            maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(2),
            maxRetryAfter: Duration = .seconds(30)
        ) {
            self.maxAttempts = maxAttempts
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.maxRetryAfter = maxRetryAfter
        }

        func validate() throws {
            if maxAttempts < 1 {
                throw CamundaConfigurationError(
                    variable: ConfigurationVariable.retryMaxAttempts.name, reason: "must be at least 1")
            }
            if baseDelay < .zero {
                throw CamundaConfigurationError(
                    variable: ConfigurationVariable.retryBaseDelay.name, reason: "must not be negative")
            }
            if maxDelay < baseDelay {
                throw CamundaConfigurationError(
                    variable: ConfigurationVariable.retryMaxDelay.name,
                    reason: "must not be smaller than CAMUNDA_SDK_HTTP_RETRY_BASE_DELAY_MS")
            }
        }
    }

    /// TLS files used by the default transport. Certificate verification always stays on.
    public struct TLS: Sendable, Hashable {
        /// PEM client certificate (chain) for mutual TLS (`CAMUNDA_MTLS_CERT_PATH`).
        public var certificatePath: String?
        /// PEM private key of the client certificate (`CAMUNDA_MTLS_KEY_PATH`).
        public var privateKeyPath: String?
        /// PEM CA certificates to trust instead of the system's (`CAMUNDA_MTLS_CA_PATH`).
        public var trustRootsPath: String?

        /// Creates TLS settings; every file defaults to none.
        public init(certificatePath: String? = nil, privateKeyPath: String? = nil, trustRootsPath: String? = nil) {
            self.certificatePath = certificatePath
            self.privateKeyPath = privateKeyPath
            self.trustRootsPath = trustRootsPath
        }
    }

    /// Settings of the HTTP transport, and the client-side bound of every request.
    ///
    /// Every request has a bound: a request without a complete response (head and body) by then fails
    /// as a ``CamundaError`` of kind `.timeout`, its connection is closed and not reused, and the SDK's
    /// own connection pool is replaced (idle connections opened before the timeout may be just as
    /// dead, so none of them is used again). The bound depends on the kind of request:
    ///
    /// | request | bound | variable |
    /// |---|---|---|
    /// | job activation (long poll) | its `requestTimeout` + ``longPollMargin`` (5 s); ``longPollDefault`` (30 s) + margin when it sends 0 or none | `CAMUNDA_SDK_HTTP_LONG_POLL_MARGIN_MS`, `CAMUNDA_SDK_HTTP_LONG_POLL_DEFAULT_MS` |
    /// | acknowledgement (complete, fail, throw error, complete a user task) | ``acknowledgementTimeout`` (15 s) | `CAMUNDA_SDK_HTTP_ACK_TIMEOUT_MS` |
    /// | OAuth token request | ``tokenTimeout`` (10 s) | `CAMUNDA_OAUTH_TIMEOUT_MS` |
    /// | every other call | ``requestTimeout`` (60 s) | `CAMUNDA_SDK_HTTP_REQUEST_TIMEOUT_MS` |
    ///
    /// Timed-out ordinary calls are retried like connection errors (``RetryPolicy``); timed-out job
    /// activations and acknowledgements are not retried by the client: job workers poll again after
    /// a back-off, and retry an acknowledgement only while the job's lock holds.
    public struct HTTP: Sendable, Hashable {
        /// Bound of an ordinary call, response body included (`CAMUNDA_SDK_HTTP_REQUEST_TIMEOUT_MS`, default 60 s).
        public var requestTimeout: Duration
        /// Bound of an acknowledgement (`CAMUNDA_SDK_HTTP_ACK_TIMEOUT_MS`, default 15 s).
        public var acknowledgementTimeout: Duration
        /// Added to a job activation's `requestTimeout` to make its bound (`CAMUNDA_SDK_HTTP_LONG_POLL_MARGIN_MS`, default 5 s).
        public var longPollMargin: Duration
        /// The long poll assumed when a job activation sends `requestTimeout` 0 or none, i.e. the
        /// server's default (`CAMUNDA_SDK_HTTP_LONG_POLL_DEFAULT_MS`, default 30 s). Keep it at or above
        /// the server's default long-poll timeout, or healthy long polls are cut off.
        public var longPollDefault: Duration
        /// Bound of an OAuth token request (`CAMUNDA_OAUTH_TIMEOUT_MS`, default 10 s).
        public var tokenTimeout: Duration
        /// Time allowed to establish a connection (default 10 s).
        public var connectTimeout: Duration
        /// Soft limit of concurrent HTTP/1.1 connections per host (default 64).
        public var maxConnectionsPerHost: Int
        /// The largest response body the client collects (default 64 MiB); larger bodies fail with a transport error.
        public var maxResponseBodyBytes: Int

        /// Creates transport settings with the documented defaults.
        public init(
            requestTimeout: Duration = .seconds(60), acknowledgementTimeout: Duration = .seconds(15),
            longPollMargin: Duration = .seconds(5), longPollDefault: Duration = .seconds(30),
            tokenTimeout: Duration = .seconds(10), connectTimeout: Duration = .seconds(10),
            maxConnectionsPerHost: Int = 64, maxResponseBodyBytes: Int = 64 * 1024 * 1024
        ) {
            self.requestTimeout = requestTimeout
            self.acknowledgementTimeout = acknowledgementTimeout
            self.longPollMargin = longPollMargin
            self.longPollDefault = longPollDefault
            self.tokenTimeout = tokenTimeout
            self.connectTimeout = connectTimeout
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxResponseBodyBytes = maxResponseBodyBytes
        }

        /// The bound of a job activation that sends `requestTimeout` (milliseconds; `nil` when it sends none).
        public func longPollBound(requestTimeoutMilliseconds: Int64?) -> Duration {
            guard let requested = requestTimeoutMilliseconds else { return longPollDefault + longPollMargin }
            if requested == 0 { return longPollDefault + longPollMargin }
            if requested < 0 { return longPollMargin }  // long polling disabled: the server answers at once
            return .milliseconds(requested) + longPollMargin
        }

        func validate() throws {
            let checks: [(Duration, ConfigurationVariable, Bool)] = [
                (requestTimeout, .httpRequestTimeout, true), (acknowledgementTimeout, .httpAcknowledgementTimeout, true),
                (longPollMargin, .longPollMargin, false), (longPollDefault, .longPollDefaultTimeout, false),
                (tokenTimeout, .oauthTimeout, true),
            ]
            for (value, variable, positive) in checks where positive ? value <= .zero : value < .zero {
                throw CamundaConfigurationError(
                    variable: variable.name, reason: positive ? "must be positive" : "must not be negative")
            }
        }
    }

    /// The type of ``CamundaConfiguration/worker``.
    public typealias WorkerDefaults = CamundaOrchestration.WorkerDefaults
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var camundaMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Seconds as a floating-point number.
    var camundaSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
