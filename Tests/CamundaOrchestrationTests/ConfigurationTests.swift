import CamundaOrchestration
import Foundation
import Logging
import Testing

@Suite("CamundaConfiguration")
struct ConfigurationTests {
    @Test func defaultsWithEmptyEnvironment() throws {
        let configuration = try CamundaConfiguration(environment: [:])
        #expect(configuration.restAddress.absoluteString == "http://localhost:8080/v2")
        #expect(configuration.rootAddress.absoluteString == "http://localhost:8080")
        #expect(configuration.authentication == .none)
        #expect(configuration.retry == .init(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(2)))
        #expect(configuration.backpressure == .balanced)
        #expect(configuration.worker == WorkerDefaults())
        #expect(configuration.logLevel == nil)
        #expect(configuration.tenantID == nil)
        #expect(configuration.values.isEmpty)
    }

    @Test func dictionaryWinsOverEnvironmentAndExplicitWinsOverBoth() throws {
        var configuration = try CamundaConfiguration(
            ["CAMUNDA_REST_ADDRESS": "http://dict:2", "CAMUNDA_TENANT_ID": "from-dict"],
            environment: [
                "CAMUNDA_REST_ADDRESS": "http://env:1", "CAMUNDA_TENANT_ID": "from-env",
                "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "7", "PATH": "/usr/bin",
            ])
        #expect(configuration.restAddress.absoluteString == "http://dict:2/v2")
        #expect(configuration.tenantID == "from-dict")
        #expect(configuration.retry.maxAttempts == 7)  // only in the environment
        #expect(configuration.values["PATH"] == nil)  // unrelated environment is not kept
        configuration.tenantID = "explicit"
        configuration.retry.maxAttempts = 9
        #expect(configuration.tenantID == "explicit")
        let client = try CamundaClient(configuration, transport: StubTransport { _, _ in okJSON })
        #expect(client.configuration.retry.maxAttempts == 9)
    }

    @Test func restAddressAlias() throws {
        let fromAlias = try CamundaConfiguration(environment: ["ZEEBE_REST_ADDRESS": "http://zeebe:8088"])
        #expect(fromAlias.restAddress.absoluteString == "http://zeebe:8088/v2")
        let canonicalFirst = try CamundaConfiguration(
            environment: ["ZEEBE_REST_ADDRESS": "http://zeebe:1", "CAMUNDA_REST_ADDRESS": "http://camunda:2"])
        #expect(canonicalFirst.restAddress.absoluteString == "http://camunda:2/v2")
        let dictionaryAliasBeatsEnvironment = try CamundaConfiguration(
            ["ZEEBE_REST_ADDRESS": "http://dict:3"], environment: ["CAMUNDA_REST_ADDRESS": "http://env:4"])
        #expect(dictionaryAliasBeatsEnvironment.restAddress.absoluteString == "http://dict:3/v2")
        #expect(dictionaryAliasBeatsEnvironment.values["CAMUNDA_REST_ADDRESS"] == "http://dict:3")
    }

    @Test(arguments: [
        ("http://host:8080", "http://host:8080/v2", "http://host:8080"),
        ("http://host:8080/", "http://host:8080/v2", "http://host:8080"),
        ("http://host:8080/v2", "http://host:8080/v2", "http://host:8080"),
        ("https://host/v2/", "https://host/v2", "https://host"),
        ("https://cluster.example.com/abc-123", "https://cluster.example.com/abc-123/v2", "https://cluster.example.com/abc-123"),
    ])
    func v2IsAppendedWhenMissing(input: String, rest: String, root: String) throws {
        let configuration = try CamundaConfiguration(["CAMUNDA_REST_ADDRESS": input], environment: [:])
        #expect(configuration.restAddress.absoluteString == rest)
        #expect(configuration.rootAddress.absoluteString == root)
    }

    @Test func inferredOAuthWithDefaults() throws {
        let configuration = try CamundaConfiguration(
            environment: ["CAMUNDA_CLIENT_ID": "id", "CAMUNDA_CLIENT_SECRET": "secret"])
        guard case .oauth(let oauth) = configuration.authentication else {
            Issue.record("expected OAuth, got \(configuration.authentication)")
            return
        }
        #expect(oauth.clientID == "id")
        #expect(oauth.clientSecret == "secret")
        #expect(oauth.tokenURL.absoluteString == "https://login.cloud.camunda.io/oauth/token")
        #expect(oauth.audience == "zeebe.camunda.io")
        #expect(oauth.scope == nil)
    }

    @Test func inferredBasicAndNone() throws {
        let basic = try CamundaConfiguration(
            environment: ["CAMUNDA_BASIC_AUTH_USERNAME": "demo", "CAMUNDA_BASIC_AUTH_PASSWORD": "pw"])
        #expect(basic.authentication == .basic(.init(username: "demo", password: "pw")))
        let none = try CamundaConfiguration(environment: ["CAMUNDA_TENANT_ID": "t"])
        #expect(none.authentication == .none)
        let explicitNone = try CamundaConfiguration(
            ["CAMUNDA_AUTH_STRATEGY": "none"], environment: ["CAMUNDA_CLIENT_ID": "id", "CAMUNDA_CLIENT_SECRET": "s"])
        #expect(explicitNone.authentication == .none)
        let explicitOAuth = try CamundaConfiguration(
            ["CAMUNDA_AUTH_STRATEGY": "OAUTH", "CAMUNDA_CLIENT_ID": "id", "CAMUNDA_CLIENT_SECRET": "s",
             "CAMUNDA_OAUTH_URL": "http://127.0.0.1:1/token", "CAMUNDA_OAUTH_SCOPE": "api", "CAMUNDA_TOKEN_AUDIENCE": "aud",
             "CAMUNDA_BASIC_AUTH_USERNAME": "ignored", "CAMUNDA_BASIC_AUTH_PASSWORD": "ignored"],
            environment: [:])
        #expect(
            explicitOAuth.authentication
                == .oauth(.init(clientID: "id", clientSecret: "s", tokenURL: URL(string: "http://127.0.0.1:1/token")!,
                                audience: "aud", scope: "api")))
    }

    @Test func bothKindsOfCredentialsConflict() throws {
        let error = try #require(throws: CamundaConfigurationError.self) {
            try CamundaConfiguration(
                ["CAMUNDA_CLIENT_ID": "id", "CAMUNDA_CLIENT_SECRET": "top-secret-1"],
                environment: ["CAMUNDA_BASIC_AUTH_USERNAME": "u", "CAMUNDA_BASIC_AUTH_PASSWORD": "top-secret-2"])
        }
        #expect(error.variable == "CAMUNDA_AUTH_STRATEGY")
        #expect(!error.description.contains("top-secret"))
    }

    @Test(arguments: [
        (["CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "abc"], "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS"),
        (["CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "0"], "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS"),
        (["CAMUNDA_SDK_HTTP_RETRY_BASE_DELAY_MS": "-1"], "CAMUNDA_SDK_HTTP_RETRY_BASE_DELAY_MS"),
        (["CAMUNDA_SDK_HTTP_RETRY_MAX_DELAY_MS": "2s"], "CAMUNDA_SDK_HTTP_RETRY_MAX_DELAY_MS"),
        (["CAMUNDA_SDK_HTTP_RETRY_BASE_DELAY_MS": "500", "CAMUNDA_SDK_HTTP_RETRY_MAX_DELAY_MS": "100"],
         "CAMUNDA_SDK_HTTP_RETRY_MAX_DELAY_MS"),
        (["CAMUNDA_SDK_BACKPRESSURE_PROFILE": "FAST"], "CAMUNDA_SDK_BACKPRESSURE_PROFILE"),
        (["CAMUNDA_SDK_LOG_LEVEL": "loud"], "CAMUNDA_SDK_LOG_LEVEL"),
        (["CAMUNDA_AUTH_STRATEGY": "KERBEROS"], "CAMUNDA_AUTH_STRATEGY"),
        (["CAMUNDA_REST_ADDRESS": "not a url"], "CAMUNDA_REST_ADDRESS"),
        (["CAMUNDA_REST_ADDRESS": "ftp://host"], "CAMUNDA_REST_ADDRESS"),
        (["ZEEBE_REST_ADDRESS": "localhost"], "CAMUNDA_REST_ADDRESS"),
        (["CAMUNDA_AUTH_STRATEGY": "OAUTH", "CAMUNDA_CLIENT_SECRET": "s"], "CAMUNDA_CLIENT_ID"),
        (["CAMUNDA_CLIENT_ID": "id"], "CAMUNDA_CLIENT_SECRET"),
        (["CAMUNDA_AUTH_STRATEGY": "BASIC", "CAMUNDA_BASIC_AUTH_USERNAME": "u"], "CAMUNDA_BASIC_AUTH_PASSWORD"),
        (["CAMUNDA_BASIC_AUTH_PASSWORD": "p"], "CAMUNDA_BASIC_AUTH_USERNAME"),
        (["CAMUNDA_CLIENT_ID": "id", "CAMUNDA_CLIENT_SECRET": "s", "CAMUNDA_OAUTH_URL": "::"], "CAMUNDA_OAUTH_URL"),
        (["CAMUNDA_MTLS_CERT_PATH": "/tmp/cert.pem"], "CAMUNDA_MTLS_KEY_PATH"),
        (["CAMUNDA_MTLS_KEY_PATH": "/tmp/key.pem"], "CAMUNDA_MTLS_CERT_PATH"),
        (["CAMUNDA_WORKER_TIMEOUT": "soon"], "CAMUNDA_WORKER_TIMEOUT"),
        (["CAMUNDA_WORKER_MAX_CONCURRENT_JOBS": "0"], "CAMUNDA_WORKER_MAX_CONCURRENT_JOBS"),
        (["CAMUNDA_WORKER_REQUEST_TIMEOUT": "1.5"], "CAMUNDA_WORKER_REQUEST_TIMEOUT"),
        (["CAMUNDA_WORKER_STARTUP_JITTER_MAX_SECONDS": "-1"], "CAMUNDA_WORKER_STARTUP_JITTER_MAX_SECONDS"),
    ])
    func malformedValuesNameTheVariable(values: [String: String], variable: String) throws {
        let error = try #require(throws: CamundaConfigurationError.self) {
            try CamundaConfiguration(values, environment: [:])
        }
        #expect(error.variable == variable)
        #expect(error.description.contains(variable))
    }

    @Test func malformedEnvironmentValueIsReportedToo() throws {
        let error = try #require(throws: CamundaConfigurationError.self) {
            try CamundaConfiguration(environment: ["CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "many"])
        }
        #expect(error.variable == "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS")
        #expect(error.description.contains("\"many\""))
    }

    @Test func emptyValuesCountAsUnset() throws {
        let configuration = try CamundaConfiguration(
            ["CAMUNDA_REST_ADDRESS": ""], environment: ["CAMUNDA_REST_ADDRESS": "http://env:9", "CAMUNDA_CLIENT_ID": ""])
        #expect(configuration.restAddress.absoluteString == "http://env:9/v2")
        #expect(configuration.authentication == .none)
    }

    @Test func workerDefaultsAndOtherSettings() throws {
        let configuration = try CamundaConfiguration(
            [
                "CAMUNDA_WORKER_TIMEOUT": "30000", "CAMUNDA_WORKER_MAX_CONCURRENT_JOBS": "8",
                "CAMUNDA_WORKER_REQUEST_TIMEOUT": "20000", "CAMUNDA_WORKER_NAME": "billing",
                "CAMUNDA_WORKER_STARTUP_JITTER_MAX_SECONDS": "2.5", "CAMUNDA_SDK_LOG_LEVEL": "warn",
                "CAMUNDA_SDK_BACKPRESSURE_PROFILE": "legacy", "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "5",
                "CAMUNDA_SDK_HTTP_RETRY_BASE_DELAY_MS": "50", "CAMUNDA_SDK_HTTP_RETRY_MAX_DELAY_MS": "800",
                "CAMUNDA_TENANT_ID": "tenant-a", "CAMUNDA_MTLS_CA_PATH": "/etc/ca.pem",
            ], environment: [:])
        #expect(
            configuration.worker
                == WorkerDefaults(
                    timeoutMilliseconds: 30000, maxConcurrentJobs: 8, requestTimeoutMilliseconds: 20000, name: "billing",
                    startupJitterMaxSeconds: 2.5))
        #expect(configuration.logLevel == .warning)
        #expect(configuration.backpressure == .legacy)
        #expect(configuration.retry.maxAttempts == 5)
        #expect(configuration.retry.baseDelay == .milliseconds(50))
        #expect(configuration.retry.maxDelay == .milliseconds(800))
        #expect(configuration.tenantID == "tenant-a")
        #expect(configuration.tls.trustRootsPath == "/etc/ca.pem")
    }

    @Test func descriptionAndMirrorRedactSecrets() throws {
        let oauth = try CamundaConfiguration(
            ["CAMUNDA_CLIENT_ID": "my-client", "CAMUNDA_CLIENT_SECRET": "s3cr3t-oauth"], environment: [:])
        let basic = try CamundaConfiguration(
            ["CAMUNDA_BASIC_AUTH_USERNAME": "demo", "CAMUNDA_BASIC_AUTH_PASSWORD": "s3cr3t-basic"], environment: [:])
        var bearer = try CamundaConfiguration(environment: [:])
        bearer.authentication = .bearer(token: "s3cr3t-bearer")
        for configuration in [oauth, basic, bearer] {
            var dumped = ""
            dump(configuration, to: &dumped)
            for text in [configuration.description, String(reflecting: configuration), "\(configuration)", dumped] {
                #expect(!text.contains("s3cr3t"), "leaked in: \(text)")
            }
        }
        #expect(oauth.description.contains("my-client"))
        #expect(oauth.description.contains("<redacted>"))
        #expect(basic.description.contains("demo"))
        #expect(oauth.values["CAMUNDA_CLIENT_SECRET"] == "s3cr3t-oauth")  // raw values stay available
    }

    @Test func variablesListEverySupportedName() {
        let names = CamundaConfiguration.variables.map(\.name)
        #expect(Set(names).count == names.count)
        for name in [
            "CAMUNDA_REST_ADDRESS", "CAMUNDA_AUTH_STRATEGY", "CAMUNDA_CLIENT_ID", "CAMUNDA_CLIENT_SECRET",
            "CAMUNDA_OAUTH_URL", "CAMUNDA_TOKEN_AUDIENCE", "CAMUNDA_OAUTH_SCOPE", "CAMUNDA_BASIC_AUTH_USERNAME",
            "CAMUNDA_BASIC_AUTH_PASSWORD", "CAMUNDA_TENANT_ID", "CAMUNDA_SDK_LOG_LEVEL", "CAMUNDA_SDK_BACKPRESSURE_PROFILE",
            "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS", "CAMUNDA_SDK_HTTP_RETRY_BASE_DELAY_MS", "CAMUNDA_SDK_HTTP_RETRY_MAX_DELAY_MS",
            "CAMUNDA_MTLS_CERT_PATH", "CAMUNDA_MTLS_KEY_PATH", "CAMUNDA_MTLS_CA_PATH", "CAMUNDA_WORKER_TIMEOUT",
            "CAMUNDA_WORKER_MAX_CONCURRENT_JOBS", "CAMUNDA_WORKER_REQUEST_TIMEOUT", "CAMUNDA_WORKER_NAME",
            "CAMUNDA_WORKER_STARTUP_JITTER_MAX_SECONDS",
        ] {
            #expect(names.contains(name), "\(name) missing")
        }
        #expect(CamundaConfiguration.variables.allSatisfy { !$0.summary.isEmpty })
        #expect(CamundaConfiguration.variables.first { $0.name == "CAMUNDA_REST_ADDRESS" }?.aliases == ["ZEEBE_REST_ADDRESS"])
        #expect(Set(CamundaConfiguration.variables.filter(\.isSecret).map(\.name))
            == ["CAMUNDA_CLIENT_SECRET", "CAMUNDA_BASIC_AUTH_PASSWORD"])
    }

    @Test func unreadableTLSFilesFailAtClientConstruction() throws {
        let configuration = try CamundaConfiguration(
            ["CAMUNDA_MTLS_CA_PATH": "/nonexistent/ca.pem"], environment: [:])
        let error = try #require(throws: CamundaConfigurationError.self) { try CamundaClient(configuration) }
        #expect(error.variable == "CAMUNDA_MTLS_CA_PATH")
    }

    @Test func explicitValuesAreValidatedByTheClient() throws {
        var configuration = try CamundaConfiguration(environment: [:])
        configuration.retry.maxAttempts = 0
        let error = try #require(throws: CamundaConfigurationError.self) {
            try CamundaClient(configuration, transport: StubTransport { _, _ in okJSON })
        }
        #expect(error.variable == "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS")
    }
}
