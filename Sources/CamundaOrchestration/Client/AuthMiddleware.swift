import Foundation
import HTTPTypes
import OpenAPIRuntime

/// The scheme, host and port of a URL, to decide whether credentials may be sent to it.
struct Origin: Hashable, Sendable {
    var scheme: String
    var host: String
    var port: Int

    init?(_ url: URL) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = url.port ?? (scheme == "https" ? 443 : 80)
    }
}

/// Adds a fixed `Authorization` header (HTTP basic or a static bearer token) to requests for the
/// configured REST address, and to no other host.
public struct StaticAuthorizationMiddleware: ClientMiddleware {
    private let headerValue: String
    private let origin: Origin?

    /// Authenticates with HTTP basic credentials.
    ///
    /// - Parameters:
    ///   - credentials: The user name and password.
    ///   - restAddress: The only address the credentials are sent to.
    public init(basic credentials: CamundaConfiguration.BasicCredentials, restAddress: URL) {
        let raw = Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString()
        self.headerValue = "Basic \(raw)"
        self.origin = Origin(restAddress)
    }

    /// Authenticates with a fixed bearer token.
    ///
    /// - Parameters:
    ///   - token: The token.
    ///   - restAddress: The only address the token is sent to.
    public init(bearerToken token: String, restAddress: URL) {
        self.headerValue = "Bearer \(token)"
        self.origin = Origin(restAddress)
    }

    /// Adds the header when the request goes to the configured address.
    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let origin, Origin(baseURL) == origin else { return try await next(request, body, baseURL) }
        var request = request
        request.headerFields[.authorization] = headerValue
        return try await next(request, body, baseURL)
    }
}

/// Authenticates requests with OAuth 2 client-credentials tokens from an ``OAuthTokenProvider``.
///
/// The token is only sent to the configured REST address. When the API answers 401, the token is
/// dropped, a new one fetched and the call retried once.
public struct OAuthMiddleware: ClientMiddleware {
    let provider: OAuthTokenProvider
    private let origin: Origin?

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - provider: Fetches and caches the tokens.
    ///   - restAddress: The only address tokens are sent to.
    public init(provider: OAuthTokenProvider, restAddress: URL) {
        self.provider = provider
        self.origin = Origin(restAddress)
    }

    /// Adds a bearer token, and on a 401 refreshes it and retries once.
    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let origin, Origin(baseURL) == origin else { return try await next(request, body, baseURL) }
        let token = try await provider.token(operationID: operationID)
        var authorized = request
        authorized.headerFields[.authorization] = "Bearer \(token)"
        let (response, responseBody) = try await next(authorized, body, baseURL)
        guard response.status.code == 401, body.map({ $0.iterationBehavior == .multiple }) ?? true else {
            return (response, responseBody)
        }
        await ResponseClassification.discard(responseBody)
        provider.invalidate(token: token, operationID: operationID)
        let fresh = try await provider.token(operationID: operationID)
        authorized.headerFields[.authorization] = "Bearer \(fresh)"
        return try await next(authorized, body, baseURL)
    }
}
