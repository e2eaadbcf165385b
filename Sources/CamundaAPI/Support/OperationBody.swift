import Foundation

/// A request body as the generated client methods hand it to ``CamundaOperations/prepare(_:body:)``
/// before encoding it: the typed value, with the changes the runtime may make to it.
///
/// The generator conforms every struct and union JSON request body type of the spec; this file
/// conforms `Optional` of one (for operations whose body is optional), ``JSONValue``, free-form maps
/// and arrays, and ``FormTenant`` (for a multipart `tenantId` field). Each
/// requirement is a no-op unless the type has the property it names; the generator emits an
/// implementation only where the schema has it. The runtime calls them only where the operation's
/// ``OperationTraits`` say so.
///
/// Tenants and tokens are passed as their raw strings (the generated conformances wrap them in
/// `TenantId` and `JobLeaseToken`), so this support code compiles with every spec version the
/// generator accepts, including those without those types.
public protocol OperationBody {
    /// Sets `tenantId` to `tenant` when the body has that property and it is not set; a tenant
    /// already set is never changed. (``OperationTraits/defaultsTenant``.)
    mutating func applyDefaultTenant(_ tenant: String)
    /// Sets `tenantIds` to `[tenant]` when the body has that property and it is unset or empty; tenants
    /// already set are never changed. (``OperationTraits/defaultsTenants``.)
    mutating func applyDefaultTenants(_ tenant: String)
    /// Sets `jobLeaseToken` to `token` when the body has that property. (``OperationTraits/leaseFenced``.)
    mutating func applyLeaseToken(_ token: String)
    /// A body carrying nothing but `token` as its `jobLeaseToken`, when the type has that property and
    /// no other required one; `nil` otherwise. Used to fence an operation called without its optional body.
    static func leaseTokenOnly(_ token: String) -> Self?
}

extension OperationBody {
    public mutating func applyDefaultTenant(_ tenant: String) {}
    public mutating func applyDefaultTenants(_ tenant: String) {}
    public mutating func applyLeaseToken(_ token: String) {}
    public static func leaseTokenOnly(_ token: String) -> Self? { nil }
}

/// The optional body of an operation (`completeJob(jobKey:_:)` without a body): the tenant defaults
/// apply to a body that is there (as they would on the wire: no body, nothing to default); a lease
/// token creates the body when there is none (see ``OperationBody/leaseTokenOnly(_:)``).
extension Optional: OperationBody where Wrapped: OperationBody {
    public mutating func applyDefaultTenant(_ tenant: String) { self?.applyDefaultTenant(tenant) }
    public mutating func applyDefaultTenants(_ tenant: String) { self?.applyDefaultTenants(tenant) }
    public mutating func applyLeaseToken(_ token: String) {
        guard self != nil else {
            self = Wrapped.leaseTokenOnly(token)
            return
        }
        self?.applyLeaseToken(token)
    }
    public static func leaseTokenOnly(_ token: String) -> Self? { Wrapped.leaseTokenOnly(token).map { .some($0) } }
}

/// A free-form JSON body: its `tenantId`, `tenantIds` or `jobLeaseToken` member when it is an
/// object (the generated unions use it for payloads this SDK version does not recognise).
extension JSONValue: OperationBody {
    public mutating func applyDefaultTenant(_ tenant: String) {
        guard case .object(var object) = self, object["tenantId"] == nil || object["tenantId"] == .null else { return }
        object["tenantId"] = .string(tenant)
        self = .object(object)
    }

    public mutating func applyDefaultTenants(_ tenant: String) {
        guard case .object(var object) = self else { return }
        switch object["tenantIds"] {
        case nil, .null?, .array([])?: object["tenantIds"] = .array([.string(tenant)])
        default: return
        }
        self = .object(object)
    }

    public mutating func applyLeaseToken(_ token: String) {
        guard case .object(var object) = self else { return }
        object["jobLeaseToken"] = .string(token)
        self = .object(object)
    }
}

/// The `tenantId` field of a `multipart/form-data` operation (`createDeployment`), handed to
/// ``CamundaOperations/prepare(_:body:)`` before the form is built, so the default tenant applies
/// to it as to a JSON body's `tenantId`.
public struct FormTenant: OperationBody, Hashable, Sendable {
    /// The form's `tenantId` field (its text); `nil` sends no such part.
    public var tenantId: String?

    /// Creates the field.
    public init(tenantId: String?) { self.tenantId = tenantId }

    public mutating func applyDefaultTenant(_ tenant: String) {
        if tenantId == nil { tenantId = tenant }
    }
}

/// A body the spec types as a free-form map (`SecretListRequest`): no hooks.
extension Dictionary: OperationBody where Key == String, Value: Encodable {}

/// A body the spec types as an array: no hooks.
extension Array: OperationBody where Element: Encodable {}
