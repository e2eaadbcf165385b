import CamundaAPI
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

extension GatewayCore {
    /// Checks the API credentials; returns the 401 answer when they are missing or wrong.
    func authenticate(_ request: GatewayRequest) -> GatewayResponse? {
        switch configuration.authentication.kind {
        case .none:
            return nil
        case .bearer:
            let header = request.headers.first(name: "authorization") ?? ""
            guard header.lowercased().hasPrefix("bearer ") else {
                return unauthorized(request, challenge: "Bearer realm=\"camunda\"", detail: "No bearer token was provided.")
            }
            let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            let now = Self.nowMillis()
            let valid = state.withLock { state in
                guard let expiry = state.tokens[token] else { return false }
                return expiry > now
            }
            if !valid {
                return unauthorized(
                    request, challenge: "Bearer realm=\"camunda\", error=\"invalid_token\"",
                    detail: "The bearer token is not valid or has expired.")
            }
            return nil
        case .basic(let username, let password):
            let header = request.headers.first(name: "authorization") ?? ""
            guard header.lowercased().hasPrefix("basic "),
                let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                String(decoding: decoded, as: UTF8.self) == "\(username):\(password)"
            else {
                return unauthorized(
                    request, challenge: "Basic realm=\"camunda\"", detail: "Missing or wrong basic credentials.")
            }
            return nil
        }
    }

    private func unauthorized(_ request: GatewayRequest, challenge: String, detail: String) -> GatewayResponse {
        .problem(
            status: 401, title: "UNAUTHORIZED", detail: detail, instance: request.path,
            headers: [("www-authenticate", challenge)])
    }

    private struct TokenResponse: Encodable {
        var access_token: String
        var token_type: String
        var expires_in: Int64
        var scope: String?
    }

    private struct TokenError: Encodable {
        var error: String
        var error_description: String
    }

    /// `POST /oauth/token`: the client-credentials grant, form-encoded, with the client in the form
    /// or in a basic `Authorization` header.
    func oauthToken(_ request: GatewayRequest) -> GatewayResponse {
        let failure: Int? = state.withLock { state in
            state.tokenRequestCount += 1
            guard let failure = state.tokenFailure else { return nil }
            if let remaining = failure.remaining {
                state.tokenFailure = remaining <= 1 ? nil : (failure.status, remaining - 1)
            }
            return failure.status
        }
        if let failure {
            return .json(TokenError(error: "server_error", error_description: "Injected token endpoint failure"), status: failure)
        }
        let form = Self.parseForm(String(decoding: request.bodyData, as: UTF8.self))
        var clientID = form["client_id"]
        var clientSecret = form["client_secret"]
        if let header = request.headers.first(name: "authorization"), header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces))
        {
            let pair = String(decoding: decoded, as: UTF8.self).split(separator: ":", maxSplits: 1)
            if pair.count == 2 {
                clientID = (String(pair[0]).removingPercentEncoding ?? String(pair[0]))
                clientSecret = (String(pair[1]).removingPercentEncoding ?? String(pair[1]))
            }
        }
        guard form["grant_type"] == "client_credentials" else {
            return .json(
                TokenError(error: "unsupported_grant_type", error_description: "Only client_credentials is supported"),
                status: 400)
        }
        guard clientID == configuration.oauth.clientID, clientSecret == configuration.oauth.clientSecret else {
            return .json(TokenError(error: "invalid_client", error_description: "Invalid client credentials"), status: 401)
        }
        let expiresIn = configuration.oauth.expiresIn.milliseconds / 1000
        let token = "gw-" + UUID().uuidString.lowercased()
        let now = Self.nowMillis()
        state.withLock { $0.tokens[token] = now + configuration.oauth.expiresIn.milliseconds }
        return .json(TokenResponse(access_token: token, token_type: "Bearer", expires_in: expiresIn, scope: form["scope"]))
    }

    static func parseForm(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let rawName = parts.first else { continue }
            let decode = { (raw: Substring) in
                String(raw).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(raw)
            }
            result[decode(rawName)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }
}
