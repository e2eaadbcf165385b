import Foundation

// The default tenant (`CAMUNDA_TENANT_ID`), filled in where a request leaves it out, for the same
// operations as Camunda's official SDKs, which the generator marks: `tenantId` of the commands that
// start or address work in a tenant (``OperationTraits/defaultsTenant``, including the `tenantId`
// form field of a deployment), and `tenantIds` of job activation (``OperationTraits/defaultsTenants``).
// A tenant the caller sets is never changed.
//
// It is applied to the typed body, before the generated method encodes it (no JSON is parsed). A
// request built by hand and passed to `send(_:)` directly is sent as it is: set its tenant yourself.
extension CamundaClient {
    /// Fills in the configured default tenant where the operation's traits say so and the body leaves it out.
    public func prepare<Body: OperationBody>(_ request: inout OperationRequest, body: inout Body) {
        guard let tenant = configuration.tenantID else { return }
        if request.traits.contains(.defaultsTenant) { body.applyDefaultTenant(tenant) }
        if request.traits.contains(.defaultsTenants) { body.applyDefaultTenants(tenant) }
    }
}
