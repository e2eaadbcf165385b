import Foundation

/// Translates operations into client method declarations.
public final class OperationTranslator {
    let schemas: SchemaTranslator
    /// Top-level types created for inline request/response schemas of operations.
    public private(set) var inlineDeclarations: [Declaration] = []
    /// Valid constructs mapped approximately, each naming its operation.
    public private(set) var warnings: [Diagnostic] = []

    func warn(_ mark: SourceMark, _ context: String, _ message: String) {
        warnings.append(Diagnostic(severity: .warning, mark: mark, context: context, message: message))
    }

    /// The media type a request body is sent as, the most specific the SDK supports first.
    static func preferredContent(_ content: [MediaType]) -> MediaType? {
        content.first { isJSON($0.contentType) } ?? content.first { $0.contentType == "multipart/form-data" } ?? content.first
    }

    static func isJSON(_ contentType: String) -> Bool {
        contentType == "application/json" || (contentType.hasPrefix("application/") && contentType.hasSuffix("+json"))
    }

    public init(schemas: SchemaTranslator) { self.schemas = schemas }

    public func translate(_ op: Operation) throws(Diagnostic) -> OperationDecl {
        let pascal = SafeNames.typeName(op.operationID)
        var parameters: [ParameterDecl] = []
        var used: Set<String> = []
        func claim(_ name: String, _ mark: SourceMark) throws(Diagnostic) {
            guard used.insert(name).inserted else {
                throw Diagnostic(mark: mark, context: op.operationID, message: "parameter name '\(name)' used twice")
            }
        }

        for p in op.parameters where p.location == "path" {
            let swiftName = SafeNames.memberName(p.name)
            try claim(swiftName, p.mark)
            let type = try schemas.typeRef(for: p.schema, owner: "", property: pascal + SafeNames.typeName(p.name), nested: &inlineDeclarations)
            parameters.append(
                ParameterDecl(label: nil, swiftName: swiftName, type: type.type, optional: false, role: .path(wireName: p.name), doc: p.description))
        }
        guard op.path.contains("{") == false || parameters.count == op.path.filter({ $0 == "{" }).count else {
            throw Diagnostic(mark: op.mark, context: op.operationID, message: "path template and path parameters disagree")
        }

        if let body = op.requestBody, let media = Self.preferredContent(body.content) {
            if body.content.count > 1 {
                warn(op.mark, op.operationID, "several request media types: the client sends \(media.contentType)")
            }
            switch media.contentType {
            case let type where Self.isJSON(type):
                if let schema = media.schema {
                    let type = try schemas.typeRef(for: schema, owner: "", property: pascal + "Request", nested: &inlineDeclarations)
                    try claim("body", op.mark)
                    parameters.append(
                        ParameterDecl(label: "_", swiftName: "body", type: type.type, optional: !body.required, role: .jsonBody, doc: body.description))
                }
            case "multipart/form-data":
                var visiting: Set<String> = []
                var flat: (properties: [(name: String, schema: Schema)], required: Set<String>, added: [String: String])?
                if var schema = media.schema {
                    if let ref = schema.ref { schema = try schemas.component(ref, at: schema.mark).schema }
                    flat = try schemas.flattenedProperties(schema, visiting: &visiting)
                }
                let properties = flat?.properties ?? []
                if properties.isEmpty {
                    warn(op.mark, op.operationID, "multipart body without properties: the client sends no parts")
                }
                for (wireName, propSchema) in properties {
                    let swiftName = SafeNames.memberName(wireName)
                    try claim(swiftName, propSchema.mark)
                    let required = flat?.required.contains(wireName) ?? false
                    let doc = propSchema.description
                    if propSchema.type == "string", propSchema.format == "binary" {
                        parameters.append(
                            ParameterDecl(label: nil, swiftName: swiftName, type: .named("MultipartFile"), optional: !required,
                                role: .multipartFile(wireName: wireName, multiple: false), doc: doc))
                    } else if propSchema.type == "array", propSchema.items?.format == "binary" {
                        parameters.append(
                            ParameterDecl(label: nil, swiftName: swiftName, type: .array(.named("MultipartFile")), optional: !required,
                                role: .multipartFile(wireName: wireName, multiple: true), doc: doc))
                    } else if propSchema.type == "array", let items = propSchema.items {
                        // An array part: one part per item (OpenAPI's form serialization of arrays), each
                        // item as text or JSON by the item's own kind.
                        let type = try schemas.typeRef(for: propSchema, owner: "", property: pascal + SafeNames.typeName(wireName), nested: &inlineDeclarations)
                        let textItems = try isTextPart(items)
                        let json = media.partContentTypes[wireName]?.contains("json") == true || !textItems
                        parameters.append(
                            ParameterDecl(label: nil, swiftName: swiftName, type: type.type, optional: !required || type.nullable,
                                role: .multipartFields(wireName: wireName, json: json), doc: doc))
                    } else {
                        let type = try schemas.typeRef(for: propSchema, owner: "", property: pascal + SafeNames.typeName(wireName), nested: &inlineDeclarations)
                        // Text for scalars, identifiers and enums (`tenantId`); JSON for objects
                        // or when the spec's `encoding` says so (`metadata`).
                        let textPart = try isTextPart(propSchema)
                        let json = media.partContentTypes[wireName]?.contains("json") == true
                            || propSchema.type == "object" || !textPart
                        parameters.append(
                            ParameterDecl(label: nil, swiftName: swiftName, type: type.type, optional: !required || type.nullable,
                                role: .multipartField(wireName: wireName, json: json), doc: doc))
                    }
                }
            case let type where type.hasPrefix("text/"):
                try claim("body", op.mark)
                parameters.append(
                    ParameterDecl(label: "_", swiftName: "body", type: .named("String"), optional: !body.required,
                        role: .rawBody(contentType: type, text: true), doc: body.description))
            default:
                // `application/octet-stream`, `application/xml`, ...: the caller passes the bytes.
                try claim("body", op.mark)
                parameters.append(
                    ParameterDecl(label: "_", swiftName: "body", type: .named("Data"), optional: !body.required,
                        role: .rawBody(contentType: media.contentType, text: false), doc: body.description))
            }
        }

        for p in op.parameters where p.location == "query" || p.location == "header" || p.location == "cookie" {
            let swiftName = SafeNames.memberName(p.name)
            try claim(swiftName, p.mark)
            let type = try schemas.typeRef(for: p.schema, owner: "", property: pascal + SafeNames.typeName(p.name), nested: &inlineDeclarations)
            let role: ParameterDecl.Role
            switch p.location {
            case "query": role = .query(wireName: p.name)
            case "header": role = .header(wireName: p.name)
            default:
                warn(p.mark, "\(op.operationID).\(p.name)", "cookie parameter sent in a Cookie header")
                role = .cookie(wireName: p.name)
            }
            parameters.append(
                ParameterDecl(label: nil, swiftName: swiftName, type: type.type, optional: !p.required || type.nullable,
                    role: role, doc: p.description))
        }

        // Responses
        var successes = op.responses.filter { $0.status.hasPrefix("2") }
        if successes.isEmpty {
            // Only `default` (or errors) documented: any 2xx is a success, its body taken from `default`.
            warn(op.mark, op.operationID, "no 2xx response documented: every 2xx status is taken as success")
            successes = op.responses.filter { $0.status == "default" }.map { Response(status: "2XX", description: $0.description, content: $0.content) }
            if successes.isEmpty { successes = [Response(status: "2XX", description: nil, content: [])] }
        }
        var statuses: [Int] = []
        for response in successes {
            if let code = Int(response.status) {
                statuses.append(code)
            } else {
                statuses += Array(200...299)  // `2XX`
            }
        }
        statuses = Array(Set(statuses))
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
                var resultType = type.type
                for other in withBody.dropFirst() {
                    guard let otherSchema = other.content.first(where: { $0.contentType == "application/json" })?.schema else { continue }
                    let otherType = try schemas.typeRef(for: otherSchema, owner: "", property: pascal + "Response" + other.status, nested: &inlineDeclarations)
                    if otherType.type != type.type {
                        warn(op.mark, op.operationID, "success responses of different JSON types: the result is typed as JSONValue")
                        resultType = .named("JSONValue")
                    }
                }
                result = .json(resultType, optional: optional)
            case let type where type.hasPrefix("text/"):
                result = .text(optional: optional)
                accept = "\(type), application/problem+json"
            case let type where Self.isJSON(type):
                guard let schema = media.schema else { break }
                let resolved = try schemas.typeRef(for: schema, owner: "", property: pascal + "Response", nested: &inlineDeclarations)
                result = .json(resolved.type, optional: optional)
                accept = "\(type), application/problem+json"
            default:
                // `application/octet-stream`, images, archives: the bytes as they come.
                result = .binary
                accept = "\(media.contentType), application/problem+json"
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
        decl.traits = OperationTraitsOverlay.traits(of: op, bodyProperties: try bodyProperties(op))
        decl.jobKeyParameter = parameters.first { p in
            if case .path("jobKey") = p.role, p.type == .named("JobKey") { true } else { false }
        }?.swiftName
        return decl
    }

    /// The properties of the request body (every branch's, for a union body), by wire name.
    func bodyProperties(_ op: Operation) throws(Diagnostic) -> [(name: String, schema: Schema)] {
        guard let body = op.requestBody, let media = Self.preferredContent(body.content), let root = media.schema else { return [] }
        var result: [(name: String, schema: Schema)] = []
        var pending = [root]
        var seen: Set<String> = []
        while let schema = pending.popLast() {
            var target = schema
            if let ref = schema.ref {
                guard seen.insert(ref).inserted else { continue }
                target = try schemas.component(ref, at: schema.mark).schema
            }
            pending += schemas.unionBranches(target)
            var visiting: Set<String> = schema.ref.map { [$0] } ?? []
            result += try schemas.flattenedProperties(target, visiting: &visiting).properties
        }
        return result
    }

    /// Whether a multipart field is sent as plain text: scalars, and components that are identifiers,
    /// enums or aliases of scalars.
    func isTextPart(_ schema: Schema) throws(Diagnostic) -> Bool {
        guard let ref = schema.ref else { return schema.type != "object" && schema.type != "array" }
        switch try schemas.kind(of: ref, at: schema.mark) {
        case .identifier, .identifierAlias, .stringEnum: return true
        case .sameAs(let original):
            return try isTextPart(Schema.reference(to: original, at: schema.mark))
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
