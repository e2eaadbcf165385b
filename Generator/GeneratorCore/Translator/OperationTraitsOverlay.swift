/// The traits of an operation (`OperationTraits` in the generated code): what the runtime needs to
/// know about it, derived from the spec where the spec says it and from this overlay where it does not.
///
/// - `acknowledgement`: a `POST` to `…/{key}/completion`, `…/{key}/failure` or `…/{key}/error`
///   (reporting the outcome of a job or user task): from the path.
/// - `leaseFenced`: the request body has a property of the `JobLeaseToken` semantic type: from the schema.
/// - `eventuallyConsistent`: `x-eventually-consistent: true`.
/// - `longPoll`, `defaultsTenant`, `defaultsTenants`: the spec has no marker for these; the overlay
///   below names the operations, as Camunda's official SDKs do (job activation long-polls; the
///   commands that start or address work in a tenant take the configured default tenant). An
///   operation named here that a spec lacks is ignored; one whose body has no such property gets no trait.
enum OperationTraitsOverlay {
    static let longPoll: Set<String> = ["activateJobs"]
    static let defaultsTenant: Set<String> = [
        "broadcastSignal", "correlateMessage", "createDeployment", "createProcessInstance", "evaluateConditionals",
        "evaluateDecision", "evaluateExpression", "publishMessage",
    ]
    static let defaultsTenants: Set<String> = ["activateJobs"]

    static let acknowledgementSuffixes: Set<String> = ["completion", "failure", "error"]

    /// The traits of `op`, whose request body properties (flattened, by wire name and resolved type) are given.
    static func traits(of op: Operation, bodyProperties: [(name: String, schema: Schema)]) -> [String] {
        var traits: [String] = []
        let segments = op.path.split(separator: "/")
        if op.method == "POST", segments.count >= 2, acknowledgementSuffixes.contains(String(segments.last!)),
            segments[segments.count - 2].hasPrefix("{")
        {
            traits.append("acknowledgement")
        }
        if longPoll.contains(op.operationID) { traits.append("longPoll") }
        let names = Set(bodyProperties.map(\.name))
        if defaultsTenant.contains(op.operationID), names.contains("tenantId") { traits.append("defaultsTenant") }
        if defaultsTenants.contains(op.operationID), names.contains("tenantIds") { traits.append("defaultsTenants") }
        if bodyProperties.contains(where: { isOfSemanticType("JobLeaseToken", $0.schema) }) { traits.append("leaseFenced") }
        if op.eventuallyConsistent { traits.append("eventuallyConsistent") }
        return traits
    }

    /// Whether a property schema is of the semantic type `semantic`, however the spec writes it.
    static func isOfSemanticType(_ semantic: String, _ schema: Schema) -> Bool {
        schema.ref == semantic || schema.semanticType == semantic || schema.format == semantic
            || schema.allOf.contains { isOfSemanticType(semantic, $0) }
    }
}
