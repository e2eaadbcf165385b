import Logging
import NIOCore

extension EmbeddedGateway {
    /// How the gateway is started and how it behaves.
    public struct Configuration: Sendable {
        /// The address to listen on. Default `127.0.0.1`.
        public var host: String
        /// The port to listen on; 0 (the default) picks a free ephemeral port.
        public var port: Int
        /// How long an activation request waits for jobs when its `requestTimeout` is 0 or absent.
        /// Default 10 seconds.
        public var defaultRequestTimeout: Duration
        /// Which credentials the API (`/v2/...`) requires. Default: none.
        public var authentication: Authentication
        /// The OAuth token endpoint's settings (`POST /oauth/token`).
        public var oauth: OAuth
        /// How many requests ``EmbeddedGateway/requests()`` keeps (the oldest are dropped). Default 10 000;
        /// 0 records nothing (for benchmarks).
        public var recordedRequestLimit: Int
        /// How many body bytes a ``RecordedRequest`` keeps. Default 16 KiB.
        public var recordedBodyLimit: Int
        /// Whether the control routes under `/_gateway/` are served (used by the `camunda-test-gateway`
        /// executable). Default `false`.
        public var controlRoutes: Bool
        /// The event loop group to run on; `nil` (the default) uses NIO's shared singleton group.
        public var eventLoopGroup: (any EventLoopGroup)?
        /// The version reported by the topology endpoint.
        public var gatewayVersion: String
        /// The logger for the gateway's own messages (routine work at debug and trace).
        public var logger: Logger

        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            defaultRequestTimeout: Duration = .seconds(10),
            authentication: Authentication = .none,
            oauth: OAuth = OAuth(),
            recordedRequestLimit: Int = 10_000,
            recordedBodyLimit: Int = 16_384,
            controlRoutes: Bool = false,
            eventLoopGroup: (any EventLoopGroup)? = nil,
            gatewayVersion: String = "8.10.0",
            logger: Logger = Logger(label: "camunda.testing.gateway", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.host = host
            self.port = port
            self.defaultRequestTimeout = defaultRequestTimeout
            self.authentication = authentication
            self.oauth = oauth
            self.recordedRequestLimit = recordedRequestLimit
            self.recordedBodyLimit = recordedBodyLimit
            self.controlRoutes = controlRoutes
            self.eventLoopGroup = eventLoopGroup
            self.gatewayVersion = gatewayVersion
            self.logger = logger
        }
    }

    /// Which credentials the gateway requires on the API. Requests without them get
    /// `401` with a `WWW-Authenticate` header and a problem detail.
    public struct Authentication: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable {
            case none
            case bearer
            case basic(username: String, password: String)
        }

        let kind: Kind

        /// No credentials needed.
        public static let none = Authentication(kind: .none)
        /// A bearer token issued by the gateway's own OAuth endpoint (`POST /oauth/token`) and not expired.
        public static let oauth = Authentication(kind: .bearer)
        /// HTTP basic authentication with this user name and password.
        public static func basic(username: String, password: String) -> Authentication {
            Authentication(kind: .basic(username: username, password: password))
        }

        /// The mode's name; never the password.
        public var description: String {
            switch kind {
            case .none: "none"
            case .bearer: "oauth"
            case .basic(let username, _): "basic(\(username))"
            }
        }
    }

    /// The settings of the OAuth token endpoint `POST /oauth/token` (client-credentials grant, form-encoded).
    public struct OAuth: Hashable, Sendable {
        /// The accepted client id. Default `test-client`.
        public var clientID: String
        /// The accepted client secret. Default `test-secret`.
        public var clientSecret: String
        /// The lifetime of issued tokens, sent as `expires_in`. Default 3600 seconds.
        public var expiresIn: Duration

        /// Creates the endpoint's settings.
        public init(clientID: String = "test-client", clientSecret: String = "test-secret", expiresIn: Duration = .seconds(3600)) {
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.expiresIn = expiresIn
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
