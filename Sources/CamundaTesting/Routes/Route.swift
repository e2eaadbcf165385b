/// The routes the gateway implements, parsed from method and path.
enum Route: Sendable {
    case activateJobs
    case searchJobs
    case updateJob(String)
    case completeJob(String)
    case failJob(String)
    case throwJobError(String)
    case publishMessage
    case correlateMessage
    case topology
    case status
    case createDeployment
    case resource(String)
    case resourceContentBinary(String)
    case processDefinition(String)
    case processDefinitionXML(String)
    case createProcessInstance
    case searchProcessInstances
    case getProcessInstance(String)
    case oauthToken
    case control([Substring])
    case unknown

    /// The spec's `operationId`, or `oauthToken` for the token endpoint.
    var operationID: String? {
        switch self {
        case .activateJobs: "activateJobs"
        case .searchJobs: "searchJobs"
        case .updateJob: "updateJob"
        case .completeJob: "completeJob"
        case .failJob: "failJob"
        case .throwJobError: "throwJobError"
        case .publishMessage: "publishMessage"
        case .correlateMessage: "correlateMessage"
        case .topology: "getTopology"
        case .status: "getStatus"
        case .createDeployment: "createDeployment"
        case .resource: "getResource"
        case .resourceContentBinary: "getResourceContentBinary"
        case .processDefinition: "getProcessDefinition"
        case .processDefinitionXML: "getProcessDefinitionXML"
        case .createProcessInstance: "createProcessInstance"
        case .searchProcessInstances: "searchProcessInstances"
        case .getProcessInstance: "getProcessInstance"
        case .oauthToken: "oauthToken"
        case .control, .unknown: nil
        }
    }

    /// Whether the route belongs to the API (and so is subject to authentication).
    var isAPI: Bool {
        switch self {
        case .oauthToken, .control: false
        default: true
        }
    }

    init(method: String, path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let first = parts.first else {
            self = .unknown
            return
        }
        if first == "oauth", parts.count == 2, parts[1] == "token", method == "POST" {
            self = .oauthToken
            return
        }
        if first == "_gateway" {
            self = .control(Array(parts.dropFirst()))
            return
        }
        guard first == "v2" else {
            self = .unknown
            return
        }
        let rest = parts.dropFirst()
        let segments = Array(rest)
        switch (method, segments.count) {
        case ("POST", 2) where segments[0] == "jobs" && segments[1] == "activation": self = .activateJobs
        case ("POST", 2) where segments[0] == "jobs" && segments[1] == "search": self = .searchJobs
        case ("PATCH", 2) where segments[0] == "jobs": self = .updateJob(String(segments[1]))
        case ("POST", 3) where segments[0] == "jobs" && segments[2] == "completion": self = .completeJob(String(segments[1]))
        case ("POST", 3) where segments[0] == "jobs" && segments[2] == "failure": self = .failJob(String(segments[1]))
        case ("POST", 3) where segments[0] == "jobs" && segments[2] == "error": self = .throwJobError(String(segments[1]))
        case ("POST", 2) where segments[0] == "messages" && segments[1] == "publication": self = .publishMessage
        case ("POST", 2) where segments[0] == "messages" && segments[1] == "correlation": self = .correlateMessage
        case ("GET", 1) where segments[0] == "topology": self = .topology
        case ("GET", 1) where segments[0] == "status": self = .status
        case ("POST", 1) where segments[0] == "deployments": self = .createDeployment
        case ("GET", 2) where segments[0] == "resources": self = .resource(String(segments[1]))
        case ("GET", 4) where segments[0] == "resources" && segments[2] == "content" && segments[3] == "binary":
            self = .resourceContentBinary(String(segments[1]))
        case ("GET", 2) where segments[0] == "process-definitions": self = .processDefinition(String(segments[1]))
        case ("GET", 3) where segments[0] == "process-definitions" && segments[2] == "xml":
            self = .processDefinitionXML(String(segments[1]))
        case ("POST", 1) where segments[0] == "process-instances": self = .createProcessInstance
        case ("POST", 2) where segments[0] == "process-instances" && segments[1] == "search": self = .searchProcessInstances
        case ("GET", 2) where segments[0] == "process-instances": self = .getProcessInstance(String(segments[1]))
        default: self = .unknown
        }
    }
}
