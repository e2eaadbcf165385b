import Foundation

/// Fills in the default tenant (`CAMUNDA_TENANT_ID`) where a request leaves it out, for the same
/// operations as Camunda's official SDKs: `tenantId` of the commands that start or address work in a
/// tenant, and `tenantIds` of job activation. A tenant the caller sets is never changed.
enum DefaultTenant {
    /// Operations whose request body has a `tenantId` that defaults to the configured tenant.
    static let tenantIDOperations: Set<String> = [
        "broadcastSignal", "correlateMessage", "createDeployment", "createProcessInstance", "evaluateConditionals",
        "evaluateDecision", "evaluateExpression", "publishMessage",
    ]
    /// Operations whose request body has a `tenantIds` list that defaults to `[tenant]`.
    static let tenantIDsOperations: Set<String> = ["activateJobs"]

    /// `request` with the default tenant filled in where it applies and is missing.
    static func apply(_ tenant: String, to request: OperationRequest) -> OperationRequest {
        let single = tenantIDOperations.contains(request.operationID)
        guard single || tenantIDsOperations.contains(request.operationID), let body = request.body else { return request }
        var request = request
        switch body {
        case .multipart(var form):
            guard single, !form.parts.contains(where: { $0.name == "tenantId" }) else { return request }
            form.parts.append(MultipartForm.Part(name: "tenantId", data: Data(tenant.utf8)))
            request.body = .multipart(form)
        case .json(let data):
            // Bodies the SDK did not encode as an object are left to the server to judge.
            guard var object = try? CamundaJSON.decode([String: JSONValue].self, from: data) else { return request }
            if single {
                guard object["tenantId"] == nil || object["tenantId"] == .null else { return request }
                object["tenantId"] = .string(tenant)
            } else {
                switch object["tenantIds"] {
                case nil, .null?, .array([])?: object["tenantIds"] = .array([.string(tenant)])
                default: return request
                }
            }
            guard let encoded = try? CamundaJSON.encode(object) else { return request }
            request.body = .json(encoded)
        case .raw:
            return request
        }
        return request
    }
}
