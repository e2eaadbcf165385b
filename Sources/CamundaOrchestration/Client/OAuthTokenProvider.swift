import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import Synchronization

/// Fetches OAuth 2 access tokens with the client-credentials grant, caches them and refreshes them before expiry.
///
/// - One token request at a time: however many calls need a token, they all wait for the same request.
/// - A token is refreshed when less than ``refreshMargin(expiresIn:)`` of its lifetime is left.
/// - After a failed token request, calls fail fast with the same error until a backoff
///   (0.5 s doubling to 30 s) has passed, so a broken token endpoint is not hammered.
/// - Neither the secret nor the token is ever logged or put in an error.
public final class OAuthTokenProvider: Sendable {
    private struct Token {
        var value: String
        var refreshAt: ContinuousClock.Instant
    }

    private struct State {
        var token: Token?
        var inflight: Task<Token, any Error>?
        var failures = 0
        var retryAt: ContinuousClock.Instant?
        var lastError: CamundaError?
        var fetches = 0
    }

    private let credentials: CamundaConfiguration.OAuthCredentials
    private let transport: any ClientTransport
    private let logger: Logger
    private let clock: RuntimeClock
    /// The client-side bound of one token request (`CAMUNDA_OAUTH_TIMEOUT_MS`).
    private let bound: RequestBound
    private let onTimeout: @Sendable (Int?) -> Void
    private let generation: @Sendable () -> Int?
    private let state = Mutex(State())

    /// Token lifetime assumed when the endpoint sends no `expires_in`.
    static let defaultLifetime: Duration = .seconds(300)

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - credentials: Client id and secret, token URL, audience and scope.
    ///   - transport: Sends the token requests (directly, without the API's middlewares).
    ///   - logger: Receives debug lines about token requests (never the token or secret).
    ///   - timeout: The bound of one token request (`CAMUNDA_OAUTH_TIMEOUT_MS`, default 10 s): a token
    ///     request without a complete response by then is cancelled and fails as a timeout.
    public convenience init(
        credentials: CamundaConfiguration.OAuthCredentials, transport: any ClientTransport,
        logger: Logger = Logger(label: "camunda"), timeout: Duration = .seconds(10)
    ) {
        self.init(credentials: credentials, transport: transport, logger: logger, clock: .continuous, timeout: timeout)
    }

    /// Creates a provider with an injected clock (for tests); `onTimeout` learns of each timed-out
    /// token request, with the connection-pool generation `generation` gave when it started.
    package init(
        credentials: CamundaConfiguration.OAuthCredentials, transport: any ClientTransport, logger: Logger,
        clock: RuntimeClock, timeout: Duration = .seconds(10),
        onTimeout: @escaping @Sendable (Int?) -> Void = { _ in }, generation: @escaping @Sendable () -> Int? = { nil }
    ) {
        self.credentials = credentials
        self.transport = transport
        self.logger = logger
        self.clock = clock
        self.bound = RequestBound(kind: .token, duration: timeout)
        self.onTimeout = onTimeout
        self.generation = generation
    }

    private func now() -> ContinuousClock.Instant { clock.now }

    /// How many token requests have been sent.
    public var tokenRequestCount: Int { state.withLock { $0.fetches } }

    /// How long before expiry a token is refreshed: a quarter of its lifetime, at most 60 s.
    public static func refreshMargin(expiresIn: Duration) -> Duration {
        min(expiresIn / 4, .seconds(60))
    }

    private enum Action {
        case use(String)
        case wait(Task<Token, any Error>)
        case fail(CamundaError)
    }

    /// A valid access token, fetched if needed.
    ///
    /// - Parameter operationID: The operation that needs the token, named in errors.
    /// - Throws: `CamundaError` when the token endpoint fails (kind `.http`, `.transport` or `.decoding`).
    public func token(operationID: String) async throws -> String {
        let instant = now()
        let action: Action = state.withLock { state in
            if let token = state.token, instant < token.refreshAt { return .use(token.value) }
            if let task = state.inflight { return .wait(task) }
            if let retryAt = state.retryAt, instant < retryAt, let error = state.lastError { return .fail(error) }
            state.fetches += 1
            let task = Task { try await self.fetchAndStore() }
            state.inflight = task
            return .wait(task)
        }
        switch action {
        case .use(let token):
            return token
        case .fail(var error):
            error.operationID = operationID
            throw error
        case .wait(let task):
            do {
                return try await task.value.value
            } catch var error as CamundaError {
                error.operationID = operationID
                throw error
            }
        }
    }

    /// Drops `token` if it is still the cached one (after the API rejected it with 401).
    public func invalidate(token: String, operationID: String) {
        let dropped = state.withLock { state in
            guard state.token?.value == token else { return false }
            state.token = nil
            return true
        }
        if dropped {
            logger.debug("OAuth token rejected with 401; fetching a new one", metadata: ["camunda.operation": "\(operationID)"])
        }
    }

    /// One token request within the bound.
    private func boundedFetch() async throws -> (String, Duration) {
        let generation = generation()
        let deadline = ContinuousClock.now + bound.duration
        do {
            return try await bound.enforce(until: deadline) { try await self.fetch() }
        } catch let timeout as RequestTimedOut {
            onTimeout(generation)
            throw CamundaError(
                operationID: "oauthToken", kind: .timeout,
                message: "OAuth token request to \(credentials.tokenURL.absoluteString): \(timeout)")
        }
    }

    private func fetchAndStore() async throws -> Token {
        do {
            let (value, lifetime) = try await boundedFetch()
            let token = Token(value: value, refreshAt: now() + lifetime - Self.refreshMargin(expiresIn: lifetime))
            state.withLock { state in
                state.token = token
                state.inflight = nil
                state.failures = 0
                state.retryAt = nil
                state.lastError = nil
            }
            logger.debug(
                "Fetched OAuth token",
                metadata: ["camunda.oauth.url": "\(credentials.tokenURL.absoluteString)", "camunda.oauth.expires_in_s": "\(lifetime.components.seconds)"])
            return token
        } catch {
            let failure =
                error as? CamundaError
                ?? CamundaError(
                    operationID: "oauthToken", kind: ResponseClassification.isCancellation(error) ? .cancelled : .transport,
                    cause: error, message: "OAuth token request to \(credentials.tokenURL.absoluteString) failed")
            let delay = state.withLock { state in
                state.inflight = nil
                state.failures += 1
                // Backoff after failed token requests: no jitter.
                let delay = Backoff.tokenFailure.ceiling(attempt: state.failures)
                state.retryAt = now() + delay
                state.lastError = failure
                return delay
            }
            logger.debug(
                "OAuth token request failed",
                metadata: ["camunda.oauth.url": "\(credentials.tokenURL.absoluteString)", "camunda.oauth.retry_after_ms": "\(delay.camundaMilliseconds)", "camunda.error": "\(failure.kind)"])
            throw failure
        }
    }

    private func fetch() async throws -> (String, Duration) {
        var form = [("grant_type", "client_credentials"), ("client_id", credentials.clientID), ("client_secret", credentials.clientSecret)]
        if let audience = credentials.audience { form.append(("audience", audience)) }
        if let scope = credentials.scope { form.append(("scope", scope)) }
        let bodyText = form.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")

        let url = credentials.tokenURL
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
            throw CamundaError(operationID: "oauthToken", kind: .configuration, message: "invalid CAMUNDA_OAUTH_URL")
        }
        var path = components.percentEncodedPath
        if path.isEmpty { path = "/" }
        if let query = components.percentEncodedQuery { path += "?\(query)" }
        components.percentEncodedPath = ""
        components.percentEncodedQuery = nil
        components.fragment = nil
        guard let origin = components.url else {
            throw CamundaError(operationID: "oauthToken", kind: .configuration, message: "invalid CAMUNDA_OAUTH_URL")
        }
        var request = HTTPRequest(method: .post, scheme: nil, authority: nil, path: path)
        request.headerFields[.contentType] = "application/x-www-form-urlencoded"
        request.headerFields[.accept] = "application/json"
        request.headerFields[.userAgent] = CamundaClient.userAgent

        logger.trace("Requesting OAuth token", metadata: ["camunda.oauth.url": "\(url.absoluteString)"])
        let (response, responseBody) = try await transport.send(
            request, body: HTTPBody(Data(bodyText.utf8)), baseURL: origin, operationID: "oauthToken")
        let data: Data
        if let responseBody {
            data = try await Data(collecting: responseBody, upTo: 1024 * 1024)
        } else {
            data = Data()
        }
        guard response.status.code == 200 else {
            // The body may echo the request; only the standard OAuth error fields are kept.
            var message = "OAuth token request to \(url.absoluteString) was refused"
            if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                let details = [object["error"], object["error_description"]].compactMap { $0 as? String }
                if !details.isEmpty { message += ": " + details.joined(separator: ": ") }
            }
            throw CamundaError(operationID: "oauthToken", kind: .http, status: response.status.code, message: message)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let token = object["access_token"] as? String, !token.isEmpty
        else {
            throw CamundaError(
                operationID: "oauthToken", kind: .decoding, status: 200,
                message: "the OAuth token response from \(url.absoluteString) has no access_token")
        }
        var lifetime = Self.defaultLifetime
        if let seconds = (object["expires_in"] as? NSNumber)?.doubleValue
            ?? (object["expires_in"] as? String).flatMap(Double.init),
            seconds.isFinite, seconds > 0
        {
            lifetime = .milliseconds(Int64(seconds * 1000))
        }
        return (token, lifetime)
    }

    private static let formAllowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: formAllowed) ?? text
    }
}
