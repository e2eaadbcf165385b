import Foundation

/// Fills in the default tenant (`CAMUNDA_TENANT_ID`) where a request leaves it out, for the same
/// operations as Camunda's official SDKs, which the generator marks: `tenantId` of the commands that
/// start or address work in a tenant (``OperationTraits/defaultsTenant``), and `tenantIds` of job
/// activation (``OperationTraits/defaultsTenants``). A tenant the caller sets is never changed.
enum DefaultTenant {
    /// `request` with the default tenant filled in where it applies and is missing.
    static func apply(_ tenant: String, to request: OperationRequest) -> OperationRequest {
        let single = request.traits.contains(.defaultsTenant)
        guard single || request.traits.contains(.defaultsTenants), let body = request.body else { return request }
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
