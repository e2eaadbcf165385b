/// A fault the ``EmbeddedGateway`` injects into matching requests, to test retries, back-off and
/// connection handling.
///
/// ```swift
/// // Half of the activation requests answer 503 with a RESOURCE_EXHAUSTED problem detail.
/// gateway.inject(Fault(.activateJobs, .status(503, retryAfter: "1"), rate: 0.5))
/// // The next three completions are delayed by 200 ms.
/// gateway.inject(Fault(.completeJob, .delay(milliseconds: 200), limit: 3))
/// // Every request's connection is closed without a response, once.
/// gateway.inject(Fault(.all, .dropConnection, limit: 1))
/// ```
///
/// Faults are checked in the order they were injected; the first one that matches a request and
/// whose rate draw succeeds applies. Rates draw from a random generator seeded with ``seed``, so a
/// run is reproducible.
public struct Fault: Hashable, Sendable {
    /// Which requests a fault applies to.
    public struct Target: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable {
            case all
            case operation(String)
            case pathPrefix(String, method: String?)
        }

        let kind: Kind

        /// Every request, including the OAuth token endpoint.
        public static let all = Target(kind: .all)
        /// Requests of one API operation, by its `operationId` (only operations the gateway implements).
        public static func operation(_ operationID: String) -> Target { Target(kind: .operation(operationID)) }
        /// Requests whose path (with `/v2`) starts with `prefix`, optionally only with this method.
        public static func pathPrefix(_ prefix: String, method: String? = nil) -> Target {
            Target(kind: .pathPrefix(prefix, method: method?.uppercased()))
        }

        /// `POST /v2/jobs/activation`.
        public static let activateJobs = operation("activateJobs")
        /// `POST /v2/jobs/{jobKey}/completion`.
        public static let completeJob = operation("completeJob")
        /// `POST /v2/jobs/{jobKey}/failure`.
        public static let failJob = operation("failJob")
        /// `POST /v2/jobs/{jobKey}/error`.
        public static let throwJobError = operation("throwJobError")
        /// `PATCH /v2/jobs/{jobKey}`.
        public static let updateJob = operation("updateJob")
        /// `POST /v2/messages/publication`.
        public static let publishMessage = operation("publishMessage")
        /// `GET /v2/topology`.
        public static let getTopology = operation("getTopology")
        /// `POST /v2/deployments`.
        public static let createDeployment = operation("createDeployment")
        /// `POST /v2/process-instances`.
        public static let createProcessInstance = operation("createProcessInstance")
        /// `POST /oauth/token`.
        public static let oauthToken = operation("oauthToken")

        /// A readable form, for logs.
        public var description: String {
            switch kind {
            case .all: "all"
            case .operation(let id): id
            case .pathPrefix(let prefix, let method): (method.map { "\($0) " } ?? "") + prefix + "*"
            }
        }

        func matches(method: String, path: String, operationID: String?) -> Bool {
            switch kind {
            case .all: true
            case .operation(let id): operationID == id
            case .pathPrefix(let prefix, let wanted): path.hasPrefix(prefix) && (wanted == nil || wanted == method)
            }
        }
    }

    /// What happens to a matching request.
    public struct Action: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable {
            case status(Int, retryAfter: String?, title: String?, detail: String?)
            case delay(milliseconds: Int)
            case drop
        }

        let kind: Kind

        /// Answers with `status` and a problem detail instead of handling the request.
        ///
        /// The title defaults to Camunda's: `RESOURCE_EXHAUSTED` for 429 and 503, `INTERNAL` for 500,
        /// `UNAUTHORIZED` for 401, `FORBIDDEN` for 403, `NOT_FOUND` for 404, `INVALID_STATE` for 409.
        /// - Parameters:
        ///   - status: The HTTP status.
        ///   - retryAfter: A `Retry-After` header value to send, such as `"2"`.
        ///   - title: The problem title, when not the default.
        ///   - detail: The problem detail, when not the default.
        public static func status(
            _ status: Int, retryAfter: String? = nil, title: String? = nil, detail: String? = nil
        ) -> Action {
            Action(kind: .status(status, retryAfter: retryAfter, title: title, detail: detail))
        }

        /// Handles the request normally, after waiting `milliseconds`.
        public static func delay(milliseconds: Int) -> Action { Action(kind: .delay(milliseconds: milliseconds)) }

        /// Closes the connection without answering (the client sees a reset or an early end of stream).
        public static let dropConnection = Action(kind: .drop)

        /// A readable form, for logs.
        public var description: String {
            switch kind {
            case .status(let status, let retryAfter, _, _):
                "status \(status)" + (retryAfter.map { " (Retry-After: \($0))" } ?? "")
            case .delay(let ms): "delay \(ms) ms"
            case .drop: "drop connection"
            }
        }
    }

    /// Which requests the fault applies to.
    public var target: Target
    /// What happens to them.
    public var action: Action
    /// The probability (0...1) that a matching request is hit.
    public var rate: Double
    /// How many requests the fault hits at most; `nil` for no limit.
    public var limit: Int?
    /// The seed of the random generator used for ``rate``.
    public var seed: UInt64

    /// Creates a fault.
    /// - Parameters:
    ///   - target: Which requests the fault applies to.
    ///   - action: What happens to them.
    ///   - rate: The probability (0...1) that a matching request is hit; 1 by default.
    ///   - limit: How many requests the fault hits at most; no limit by default.
    ///   - seed: The seed of the random generator for `rate`.
    public init(_ target: Target, _ action: Action, rate: Double = 1, limit: Int? = nil, seed: UInt64 = 0x5EED) {
        self.target = target
        self.action = action
        self.rate = Swift.min(Swift.max(rate, 0), 1)
        self.limit = limit
        self.seed = seed
    }
}
