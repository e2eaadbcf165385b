/// The `OperationBody` conformances of the JSON request body types: which of the runtime's typed
/// hooks (default tenant, default tenants, lease token) each body type implements, from its properties.
///
/// - `applyDefaultTenant`: an optional `tenantId` property (wire name) of type `TenantId` or `String`.
/// - `applyDefaultTenants`: a `tenantIds` property of type `[TenantId]` or `[String]`.
/// - `applyLeaseToken`: a property of type `JobLeaseToken` (the semantic type the `leaseFenced` trait
///   is derived from); `leaseTokenOnly` as well when every other property is optional.
/// - A union implements a hook when one of its payloads does, by forwarding to the payload (and to
///   `JSONValue` for payloads the SDK does not recognise).
///
/// Deprecated properties are left alone (their stored name is private to the type).
public struct OperationBodyDecl: Hashable {
    /// How a hook sets a property from the raw string it is given.
    public enum Assignment: Hashable {
        /// The property's type is the semantic type (`TenantId`, `JobLeaseToken`): the string is wrapped.
        case typed
        /// The property is a plain `String`: the string is assigned.
        case raw
    }

    public enum Kind: Hashable {
        case structure(tenant: Property?, tenants: Property?, lease: Property?, leaseOnly: Bool)
        /// The union's cases, each with the hooks its payload implements.
        case union(cases: [UnionCase])
    }

    public struct Property: Hashable {
        public var swiftName: String
        public var optional: Bool
        public var assignment: Assignment
    }

    public struct UnionCase: Hashable {
        public var swiftName: String
        public var tenant: Bool
        public var tenants: Bool
        public var lease: Bool
    }

    public var typeName: String
    public var kind: Kind

    /// The body types of `operations` (JSON bodies, and the payloads of union bodies) that have a
    /// struct or union declaration among `declarations` (aliases followed), in name order. The others
    /// (`JSONValue`, free-form maps, arrays) conform in the support code, without hooks.
    static func collect(operations: [OperationDecl], declarations: [String: Declaration]) -> [OperationBodyDecl] {
        var result: [String: OperationBodyDecl] = [:]

        func resolve(_ name: String) -> Declaration? {
            var name = name
            var seen: Set<String> = []
            while let decl = declarations[name], seen.insert(name).inserted {
                guard case .alias(let alias) = decl else { return decl }
                guard case .named(let target) = alias.target else { return nil }
                name = target
            }
            return nil
        }

        @discardableResult
        func visit(_ type: TypeRef) -> OperationBodyDecl? {
            guard case .named(let name) = type, let decl = resolve(name) else { return nil }
            if let done = result[decl.name] { return done }
            switch decl {
            case .structure(let s):
                let body = OperationBodyDecl(typeName: s.name, kind: structure(s))
                result[s.name] = body
                return body
            case .union(let u):
                var cases: [UnionCase] = []
                for c in u.cases {
                    let payload = visit(c.payload)
                    cases.append(
                        UnionCase(
                            swiftName: c.swiftName, tenant: payload?.hasTenant ?? false, tenants: payload?.hasTenants ?? false,
                            lease: payload?.hasLease ?? false))
                }
                let body = OperationBodyDecl(typeName: u.name, kind: .union(cases: cases))
                result[u.name] = body
                return body
            case .stringEnum, .identifier, .alias:
                return nil
            }
        }

        for op in operations {
            for p in op.parameters where p.role == .jsonBody { visit(p.type) }
        }
        return result.keys.sorted().map { result[$0]! }
    }

    static func structure(_ s: StructDecl) -> Kind {
        func property(wire: String, named types: [String: Assignment], array: Bool) -> Property? {
            guard let p = s.properties.first(where: { $0.wireName == wire }), !p.doc.deprecated else { return nil }
            var type = p.type
            if array {
                guard case .array(let element) = type else { return nil }
                type = element
            }
            guard case .named(let name) = type, let assignment = types[name] else { return nil }
            return Property(swiftName: p.swiftName, optional: p.optional, assignment: assignment)
        }
        var tenant = property(wire: "tenantId", named: ["TenantId": .typed, "String": .raw], array: false)
        if tenant?.optional == false { tenant = nil }  // always set by the caller
        let tenants = property(wire: "tenantIds", named: ["TenantId": .typed, "String": .raw], array: true)
        var lease: Property?
        var leaseOnly = false
        if let p = s.properties.first(where: { $0.type == .named("JobLeaseToken") && !$0.doc.deprecated }) {
            lease = Property(swiftName: p.swiftName, optional: p.optional, assignment: .typed)
            leaseOnly = s.properties.allSatisfy { $0 == p || $0.defaultsToNil }
        }
        return .structure(tenant: tenant, tenants: tenants, lease: lease, leaseOnly: leaseOnly)
    }

    var hasTenant: Bool {
        switch kind {
        case .structure(let tenant, _, _, _): tenant != nil
        case .union(let cases): cases.contains { $0.tenant }
        }
    }

    var hasTenants: Bool {
        switch kind {
        case .structure(_, let tenants, _, _): tenants != nil
        case .union(let cases): cases.contains { $0.tenants }
        }
    }

    var hasLease: Bool {
        switch kind {
        case .structure(_, _, let lease, _): lease != nil
        case .union(let cases): cases.contains { $0.lease }
        }
    }

    /// The long-poll hold property (`requestTimeout`) of a struct body type, for `OperationRequest.serverHoldMilliseconds`.
    static func serverHold(of type: TypeRef, declarations: [String: Declaration]) -> ServerHold? {
        guard case .named(let name) = type, case .structure(let s)? = declarations[name],
            let p = s.properties.first(where: { $0.wireName == "requestTimeout" }), !p.doc.deprecated,
            case .named(let typeName) = p.type, ["Int64", "Int32", "Int"].contains(typeName)
        else { return nil }
        return ServerHold(property: p.swiftName, optional: p.optional, int64: typeName == "Int64")
    }
}
