import Foundation

/// Translates operations into client method declarations.
public final class OperationTranslator {
    let schemas: SchemaTranslator
    /// Top-level types created for inline request/response schemas of operations.
    public private(set) var inlineDeclarations: [Declaration] = []

    public init(schemas: SchemaTranslator) { self.schemas = schemas }

    public func translate(_ op: Operation) throws(Diagnostic) -> OperationDecl {
        let pascal = SafeNames.typeName(op.operationID)
        var parameters: [ParameterDecl] = []
        var nested: [Declaration] = []
        var used: Set<String> = []
        func claim(_ name: String, _ mark: SourceMark) throws(Diagnostic) {
            guard used.insert(name).inserted else {
                throw Diagnostic(mark: mark, context: op.operationID, message: "parameter name '\(name)' used twice")
            }
        }

        for p in op.parameters where p.location == "path" {
            let swiftName = SafeNames.memberName(p.name)
            try claim(swiftName, p.mark)
            let type = try schemas.typeRef(for: p.schema, owner: pascal, property: p.name, nested: &nested)
            parameters.append(
                ParameterDecl(label: nil, swiftName: swiftName, type: type.type, optional: false, role: .path(wireName: p.name), doc: p.description))
        }
        guard op.path.contains("{") == false || parameters.count == op.path.filter({ $0 == "{" }).count else {
            throw Diagnostic(mark: op.mark, context: op.operationID, message: "path template and path parameters disagree")
        }

        if let body = op.requestBody {
            guard body.content.count == 1, let media = body.content.first else {
                throw Diagnostic(mark: op.mark, context: op.operationID, message: "only one request content type is supported")
            }
            switch media.contentType {
            case "application/json":
                if let schema = media.schema {
                    let type = try schemas.typeRef(for: schema, owner: "", property: pascal + "Request", nested: &inlineDeclarations)
                    try claim("body", op.mark)
                    parameters.append(
                        ParameterDecl(label: "_", swiftName: "body", type: type.type, optional: !body.required, role: .jsonBody, doc: body.description))
                }
            case "multipart/form-data":
                guard let schema = media.schema, !schema.properties.isEmpty else {
                    throw Diagnostic(mark: op.mark, context: op.operationID, message: "multipart body without properties")
                }
                for (wireName, propSchema) in schema.properties {
                    let swiftName = SafeNames.memberName(wireName)
                    try claim(swiftName, propSchema.mark)
                    let required = schema.required.contains(wireName)
                    let doc = propSchema.description
                    if propSchema.type == "string", propSchema.format == "binary" {
                        parameters.append(
                            ParameterDecl(label: nil, swiftName: swiftName, type: .named("MultipartFile"), optional: !required,
                                role: .multipartFile(wireName: wireName, multiple: false), doc: doc))
                    } else if propSchema.type == "array", propSchema.items?.format == "binary" {
                        parameters.append(
                            ParameterDecl(label: nil, swiftName: swiftName, type: .array(.named("MultipartFile")), optional: !required,
                                role: .multipartFile(wireName: wireName, multiple: true), doc: doc))
                    } else {
                        let type = try schemas.typeRef(for: propSchema, owner: "", property: pascal + SafeNames.typeName(wireName), nested: &inlineDeclarations)
                        // Text for scalars, identifiers and enums (`tenantId`); JSON for objects and arrays
                        // or when the spec's `encoding` says so (`metadata`).
                        let textPart = try isTextPart(propSchema)
                        let json = media.partContentTypes[wireName]?.contains("json") == true
                            || propSchema.type == "object" || propSchema.type == "array" || !textPart
                        parameters.append(
                            ParameterDecl(label: nil, swiftName: swiftName, type: type.type, optional: !required || type.nullable,
                                role: .multipartField(wireName: wireName, json: json), doc: doc))
                    }
                }
            default:
                throw Diagnostic(mark: op.mark, context: op.operationID, message: "unsupported request content type '\(media.contentType)'")
            }
        }

        for p in op.parameters where p.location == "query" {
            let swiftName = SafeNames.memberName(p.name)
            try claim(swiftName, p.mark)
            let type = try schemas.typeRef(for: p.schema, owner: pascal, property: p.name, nested: &nested)
            parameters.append(
                ParameterDecl(label: nil, swiftName: swiftName, type: type.type, optional: !p.required || type.nullable,
                    role: .query(wireName: p.name), doc: p.description))
        }
        if let unsupported = op.parameters.first(where: { $0.location != "path" && $0.location != "query" }) {
            throw Diagnostic(mark: unsupported.mark, context: op.operationID, message: "\(unsupported.location) parameters are not supported")
        }
        guard nested.isEmpty else {
            throw Diagnostic(mark: op.mark, context: op.operationID, message: "inline enum or object parameters are not supported")
        }

        // Responses
        let successes = op.responses.filter { $0.status.hasPrefix("2") }
        guard !successes.isEmpty else {
            throw Diagnostic(mark: op.mark, context: op.operationID, message: "operation documents no success response")
        }
        let statuses = try successes.map { (r) throws(Diagnostic) -> Int in
            guard let code = Int(r.status) else {
                throw Diagnostic(mark: op.mark, context: op.operationID, message: "unsupported status '\(r.status)'")
            }
            return code
        }
        var result = ResultDecl.none
        var accept = "application/json, application/problem+json"
        let withBody = successes.filter { r in r.content.contains { $0.schema != nil || $0.contentType != "application/json" } && r.status != "204" }
        let optional = successes.count > withBody.count
        if let first = withBody.first {
            let media = first.content.first { $0.contentType == "application/json" } ?? first.content[0]
            switch media.contentType {
            case "application/json":
                guard let schema = media.schema else { break }
                let type = try schemas.typeRef(for: schema, owner: "", property: pascal + "Response", nested: &inlineDeclarations)
                for other in withBody.dropFirst() {
                    guard let otherSchema = other.content.first(where: { $0.contentType == "application/json" })?.schema else { continue }
                    let otherType = try schemas.typeRef(for: otherSchema, owner: "", property: pascal + "Response" + other.status, nested: &inlineDeclarations)
                    guard otherType.type == type.type else {
                        throw Diagnostic(mark: op.mark, context: op.operationID, message: "success responses with different JSON types are not supported")
                    }
                }
                result = .json(type.type, optional: optional)
            case let type where type.hasPrefix("text/"):
                result = .text(optional: optional)
                accept = "\(type), application/problem+json"
            case "application/octet-stream":
                result = .binary
                accept = "application/octet-stream, application/problem+json"
            default:
                throw Diagnostic(mark: op.mark, context: op.operationID, message: "unsupported response content type '\(media.contentType)'")
            }
        }

        var branches: [BodyBranch] = []
        if let body = parameters.first(where: { $0.role == .jsonBody }), !body.optional {
            branches = schemas.bodyUnionBranches(body.type).map { BodyBranch(caseName: $0.caseName, payload: $0.payload) }
        }
        var decl = OperationDecl(
            operationID: op.operationID, methodName: SafeNames.escaped(op.operationID), httpMethod: op.method,
            pathTemplate: op.path, fromRoot: op.servedFromRoot, tag: op.tags.first ?? "Default",
            doc: documentation(op), parameters: parameters, result: result, successStatuses: statuses.sorted(),
            accept: accept, eventuallyConsistent: op.eventuallyConsistent)
        decl.bodyBranches = branches
        return decl
    }

    /// Whether a multipart field is sent as plain text: scalars, and components that are identifiers,
    /// enums or aliases of scalars.
    func isTextPart(_ schema: Schema) throws(Diagnostic) -> Bool {
        guard let ref = schema.ref else { return schema.type != "object" && schema.type != "array" }
        switch try schemas.kind(of: ref, at: schema.mark) {
        case .identifier, .stringEnum: return true
        case .alias:
            let target = try schemas.component(ref, at: schema.mark).schema
            return target.type.map { ["string", "integer", "number", "boolean"].contains($0) } ?? false
        case .structure, .union, .filter: return false
        }
    }

    func isScalar(_ type: TypeRef) -> Bool {
        if case .named(let n) = type { return ["String", "Int", "Int32", "Int64", "Double", "Bool"].contains(n) }
        return false
    }

    func documentation(_ op: Operation) -> Documentation {
        var lines: [String] = []
        if let summary = op.summary { lines.append(summary) }
        if let description = op.description {
            let body = SchemaTranslator.paragraphLines(description)
            if body != [op.summary ?? ""] { lines += [""] + body }
        }
        lines += ["", "- HTTP: `\(op.method) \(op.servedFromRoot ? "" : "/v2")\(op.path)`"]
        let permissions = op.requiredPermissions
        if !permissions.isEmpty {
            lines.append("- Required permissions: " + permissions.map { "`\($0.resourceType)`: `\($0.permissionType)`" }.joined(separator: ", "))
        }
        if let version = op.addedInVersion { lines.append("- Added in: \(version)") }
        if op.eventuallyConsistent {
            lines.append("- Eventually consistent: reads from the secondary store, so recent writes may not show yet.")
        }
        lines.append("- Throws: ``CamundaError`` for any status but \(op.responses.filter { $0.status.hasPrefix("2") }.map(\.status).joined(separator: ", ")).")
        lines.append("- Remark: Generated from operation `\(op.operationID)` in `\(op.file)`.")
        while lines.first == "" { lines.removeFirst() }
        return Documentation(lines: lines, deprecated: op.deprecated)
    }
}
