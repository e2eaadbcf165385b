/// One environment variable (or key of the dictionary passed to ``CamundaConfiguration``) the SDK reads.
///
/// ``CamundaConfiguration/variables`` lists every supported variable, so documentation can be
/// generated from code.
public struct ConfigurationVariable: Sendable, Hashable {
    /// The variable's name, for example `CAMUNDA_REST_ADDRESS`.
    public var name: String
    /// Other names accepted for the same setting (for example `ZEEBE_REST_ADDRESS`), checked after ``name``.
    public var aliases: [String]
    /// The value used when the variable is not set anywhere, as text; `nil` when unset means "none".
    public var defaultValue: String?
    /// What the variable means and which values it accepts.
    public var summary: String
    /// Whether the value is a secret: it never appears in descriptions, logs or errors.
    public var isSecret: Bool

    /// Creates a variable description.
    public init(name: String, aliases: [String] = [], defaultValue: String? = nil, summary: String, isSecret: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.defaultValue = defaultValue
        self.summary = summary
        self.isSecret = isSecret
    }
}

extension ConfigurationVariable {
    static let restAddress = Self(
        name: "CAMUNDA_REST_ADDRESS", aliases: ["ZEEBE_REST_ADDRESS"], defaultValue: "http://localhost:8080/v2",
        summary: "Base URL of the Orchestration Cluster REST API; `/v2` is appended when missing.")
    static let authStrategy = Self(
        name: "CAMUNDA_AUTH_STRATEGY",
        summary: "`NONE`, `BASIC` or `OAUTH`. When absent it is inferred from the credentials given "
            + "(client id and secret → OAUTH, user name and password → BASIC, neither → NONE); both kinds at once is an error.")
    static let clientID = Self(name: "CAMUNDA_CLIENT_ID", summary: "OAuth client id (client credentials flow).")
    static let clientSecret = Self(
        name: "CAMUNDA_CLIENT_SECRET", summary: "OAuth client secret (client credentials flow).", isSecret: true)
    static let oauthURL = Self(
        name: "CAMUNDA_OAUTH_URL", defaultValue: "https://login.cloud.camunda.io/oauth/token",
        summary: "URL of the OAuth token endpoint.")
    static let tokenAudience = Self(
        name: "CAMUNDA_TOKEN_AUDIENCE", defaultValue: "zeebe.camunda.io",
        summary: "The `audience` sent with OAuth token requests.")
    static let oauthScope = Self(name: "CAMUNDA_OAUTH_SCOPE", summary: "The `scope` sent with OAuth token requests, if any.")
    static let basicUsername = Self(name: "CAMUNDA_BASIC_AUTH_USERNAME", summary: "User name for HTTP basic authentication.")
    static let basicPassword = Self(
        name: "CAMUNDA_BASIC_AUTH_PASSWORD", summary: "Password for HTTP basic authentication.", isSecret: true)
    static let tenantID = Self(name: "CAMUNDA_TENANT_ID", summary: "Default tenant id, filled into requests that leave their tenant out.")
    static let logLevel = Self(
        name: "CAMUNDA_SDK_LOG_LEVEL",
        summary: "Log level of the SDK's logger: `trace`, `debug`, `info`, `notice`, `warn`/`warning`, `error`, "
            + "`critical` or `silent`. When absent the injected logger's level is kept.")
    static let backpressureProfile = Self(
        name: "CAMUNDA_SDK_BACKPRESSURE_PROFILE", defaultValue: "BALANCED",
        summary: "`BALANCED` (adaptive concurrency limit on backpressure signals) or `LEGACY` (observe only, never wait).")
    static let retryMaxAttempts = Self(
        name: "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS", defaultValue: "3",
        summary: "Total attempts per call (first try included) for retryable failures; `1` disables retries.")
    static let retryBaseDelay = Self(
        name: "CAMUNDA_SDK_HTTP_RETRY_BASE_DELAY_MS", defaultValue: "100",
        summary: "Base delay of the exponential retry backoff, in milliseconds.")
    static let retryMaxDelay = Self(
        name: "CAMUNDA_SDK_HTTP_RETRY_MAX_DELAY_MS", defaultValue: "2000",
        summary: "Cap of the exponential retry backoff, in milliseconds.")
    static let httpRequestTimeout = Self(
        name: "CAMUNDA_SDK_HTTP_REQUEST_TIMEOUT_MS", defaultValue: "60000",
        summary: "Client-side bound of an ordinary API call (everything but job activation and acknowledgements), "
            + "in milliseconds: a request without a complete response by then fails as a timeout and its connection is closed.")
    static let httpAcknowledgementTimeout = Self(
        name: "CAMUNDA_SDK_HTTP_ACK_TIMEOUT_MS", defaultValue: "15000",
        summary: "Client-side bound of a job acknowledgement (complete, fail, throw error; user task completion), in milliseconds.")
    static let longPollMargin = Self(
        name: "CAMUNDA_SDK_HTTP_LONG_POLL_MARGIN_MS", defaultValue: "5000",
        summary: "Added to the `requestTimeout` a job activation sends to make its client-side bound, in milliseconds.")
    static let longPollDefaultTimeout = Self(
        name: "CAMUNDA_SDK_HTTP_LONG_POLL_DEFAULT_MS", defaultValue: "30000",
        summary: "The long poll assumed for a job activation that sends `requestTimeout` 0 (the server's default) "
            + "or none; its client-side bound is this plus the margin, in milliseconds.")
    static let oauthTimeout = Self(
        name: "CAMUNDA_OAUTH_TIMEOUT_MS", defaultValue: "10000",
        summary: "Client-side bound of an OAuth token request, in milliseconds.")
    static let mtlsCertPath = Self(
        name: "CAMUNDA_MTLS_CERT_PATH", summary: "PEM file with the client certificate (chain) for mutual TLS.")
    static let mtlsKeyPath = Self(
        name: "CAMUNDA_MTLS_KEY_PATH", summary: "PEM file with the client certificate's private key for mutual TLS.")
    static let mtlsCAPath = Self(
        name: "CAMUNDA_MTLS_CA_PATH", summary: "PEM file with the CA certificates to trust instead of the system's.")
    static let workerTimeout = Self(
        name: "CAMUNDA_WORKER_TIMEOUT", summary: "Default job lock timeout of job workers, in milliseconds.")
    static let workerMaxConcurrentJobs = Self(
        name: "CAMUNDA_WORKER_MAX_CONCURRENT_JOBS", summary: "Default number of jobs a worker handles at once.")
    static let workerRequestTimeout = Self(
        name: "CAMUNDA_WORKER_REQUEST_TIMEOUT", summary: "Default long-poll timeout of job activation, in milliseconds.")
    static let workerName = Self(name: "CAMUNDA_WORKER_NAME", summary: "Default worker name sent with job activation.")
    static let workerStartupJitter = Self(
        name: "CAMUNDA_WORKER_STARTUP_JITTER_MAX_SECONDS",
        summary: "Default upper bound of a random delay before a worker's first poll, in seconds.")
}
