import Foundation
import Logging

extension CamundaConfiguration {
    /// The merged variables and the parsers that turn them into settings.
    struct Source {
        /// Canonical name → value, dictionary over environment, aliases resolved; empty values dropped.
        let merged: [String: String]

        init(values: [String: String], environment: [String: String]) {
            func relevant(_ key: String) -> Bool { key.hasPrefix("CAMUNDA_") || key.hasPrefix("ZEEBE_") }
            var merged: [String: String] = [:]
            for (key, value) in environment where relevant(key) && !value.isEmpty { merged[key] = value }
            for (key, value) in values where !value.isEmpty { merged[key] = value }
            // Resolve aliases per source so that the dictionary wins over the environment whatever name it uses.
            for variable in CamundaConfiguration.variables where !variable.aliases.isEmpty {
                let names = [variable.name] + variable.aliases
                let fromValues = names.lazy.compactMap { values[$0].flatMap { $0.isEmpty ? nil : $0 } }.first
                let fromEnvironment = names.lazy.compactMap { environment[$0].flatMap { $0.isEmpty ? nil : $0 } }.first
                if let value = fromValues ?? fromEnvironment { merged[variable.name] = value }
            }
            self.merged = merged
        }

        func string(_ variable: ConfigurationVariable) -> String? {
            merged[variable.name]?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        }

        func failure(_ variable: ConfigurationVariable, _ reason: String) -> CamundaConfigurationError {
            CamundaConfigurationError(variable: variable.name, reason: reason)
        }

        /// A quoted value for error messages, or nothing for secrets.
        func shown(_ variable: ConfigurationVariable, _ value: String) -> String {
            variable.isSecret ? "" : ", got \"\(value)\""
        }

        func integer<T: FixedWidthInteger>(_ variable: ConfigurationVariable, _ type: T.Type, minimum: T) throws -> T? {
            guard let text = string(variable) else { return nil }
            guard let value = T(text), value >= minimum else {
                throw failure(variable, "expected an integer ≥ \(minimum)\(shown(variable, text))")
            }
            return value
        }

        func url(_ variable: ConfigurationVariable, _ text: String) throws -> URL {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host?.isEmpty == false
            else {
                throw failure(variable, "expected an http or https URL with a host\(shown(variable, text))")
            }
            return url
        }

        func restAddress() throws -> URL {
            let variable = ConfigurationVariable.restAddress
            var text = string(variable) ?? variable.defaultValue!
            _ = try url(variable, text)
            while text.hasSuffix("/") { text.removeLast() }
            if !text.hasSuffix("/v2") { text += "/v2" }
            return try url(variable, text)
        }

        func authentication() throws -> Authentication {
            let clientID = string(.clientID)
            let clientSecret = string(.clientSecret)
            let username = string(.basicUsername)
            let password = string(.basicPassword)
            let hasOAuth = clientID != nil || clientSecret != nil
            let hasBasic = username != nil || password != nil

            let strategy: String
            if let given = string(.authStrategy) {
                strategy = given.uppercased()
                guard ["NONE", "BASIC", "OAUTH"].contains(strategy) else {
                    throw failure(.authStrategy, "expected NONE, BASIC or OAUTH, got \"\(given)\"")
                }
            } else if hasOAuth && hasBasic {
                throw CamundaConfigurationError(
                    variable: ConfigurationVariable.authStrategy.name,
                    reason: "both OAuth client credentials (CAMUNDA_CLIENT_ID/CAMUNDA_CLIENT_SECRET) and basic "
                        + "credentials (CAMUNDA_BASIC_AUTH_USERNAME/CAMUNDA_BASIC_AUTH_PASSWORD) are set; "
                        + "set CAMUNDA_AUTH_STRATEGY or remove one kind")
            } else {
                strategy = hasOAuth ? "OAUTH" : hasBasic ? "BASIC" : "NONE"
            }

            switch strategy {
            case "OAUTH":
                guard let clientID else { throw failure(.clientID, "required when the auth strategy is OAUTH") }
                guard let clientSecret else {
                    throw failure(.clientSecret, "required when the auth strategy is OAUTH")
                }
                let tokenURL = try url(.oauthURL, string(.oauthURL) ?? ConfigurationVariable.oauthURL.defaultValue!)
                return .oauth(
                    OAuthCredentials(
                        clientID: clientID, clientSecret: clientSecret, tokenURL: tokenURL,
                        audience: string(.tokenAudience) ?? ConfigurationVariable.tokenAudience.defaultValue,
                        scope: string(.oauthScope)))
            case "BASIC":
                guard let username else {
                    throw failure(.basicUsername, "required when the auth strategy is BASIC")
                }
                guard let password else {
                    throw failure(.basicPassword, "required when the auth strategy is BASIC")
                }
                return .basic(BasicCredentials(username: username, password: password))
            default:
                return .none
            }
        }

        func logLevel() throws -> Logger.Level? {
            guard let text = string(.logLevel) else { return nil }
            switch text.lowercased() {
            case "trace": return .trace
            case "debug": return .debug
            case "info": return .info
            case "notice": return .notice
            case "warn", "warning": return .warning
            case "error": return .error
            case "critical", "silent", "none", "off": return .critical
            default:
                throw failure(
                    .logLevel, "expected trace, debug, info, notice, warn, error, critical or silent, got \"\(text)\"")
            }
        }

        func backpressureProfile() throws -> BackpressureProfile {
            guard let text = string(.backpressureProfile) else { return .balanced }
            guard let profile = BackpressureProfile(rawValue: text.uppercased()) else {
                throw failure(.backpressureProfile, "expected BALANCED or LEGACY, got \"\(text)\"")
            }
            return profile
        }

        func retryPolicy() throws -> RetryPolicy {
            var policy = RetryPolicy()
            if let attempts = try integer(.retryMaxAttempts, Int.self, minimum: 1) { policy.maxAttempts = attempts }
            if let base = try integer(.retryBaseDelay, Int64.self, minimum: 0) { policy.baseDelay = .milliseconds(base) }
            if let max = try integer(.retryMaxDelay, Int64.self, minimum: 0) { policy.maxDelay = .milliseconds(max) }
            try policy.validate()
            return policy
        }

        func http() throws -> HTTP {
            var http = HTTP()
            if let value = try integer(.httpRequestTimeout, Int64.self, minimum: 1) { http.requestTimeout = .milliseconds(value) }
            if let value = try integer(.httpAcknowledgementTimeout, Int64.self, minimum: 1) {
                http.acknowledgementTimeout = .milliseconds(value)
            }
            if let value = try integer(.longPollMargin, Int64.self, minimum: 0) { http.longPollMargin = .milliseconds(value) }
            if let value = try integer(.longPollDefaultTimeout, Int64.self, minimum: 0) { http.longPollDefault = .milliseconds(value) }
            if let value = try integer(.oauthTimeout, Int64.self, minimum: 1) { http.tokenTimeout = .milliseconds(value) }
            return http
        }

        func tls() throws -> TLS {
            let tls = TLS(
                certificatePath: string(.mtlsCertPath), privateKeyPath: string(.mtlsKeyPath),
                trustRootsPath: string(.mtlsCAPath))
            if tls.certificatePath != nil, tls.privateKeyPath == nil {
                throw failure(.mtlsKeyPath, "required when CAMUNDA_MTLS_CERT_PATH is set")
            }
            if tls.privateKeyPath != nil, tls.certificatePath == nil {
                throw failure(.mtlsCertPath, "required when CAMUNDA_MTLS_KEY_PATH is set")
            }
            return tls
        }

        func workerDefaults() throws -> WorkerDefaults {
            var defaults = WorkerDefaults()
            defaults.timeoutMilliseconds = try integer(.workerTimeout, Int64.self, minimum: 1)
            defaults.maxConcurrentJobs = try integer(.workerMaxConcurrentJobs, Int.self, minimum: 1)
            defaults.requestTimeoutMilliseconds = try integer(.workerRequestTimeout, Int64.self, minimum: 0)
            defaults.name = string(.workerName)
            if let text = string(.workerStartupJitter) {
                guard let value = Double(text), value.isFinite, value >= 0 else {
                    throw failure(.workerStartupJitter, "expected a number of seconds ≥ 0, got \"\(text)\"")
                }
                defaults.startupJitterMaxSeconds = value
            }
            return defaults
        }
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
