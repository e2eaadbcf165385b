import Foundation

/// Builds the typed ``OpenAPIDocument`` from the YAML files, following `$ref`s across files.
public final class ModelBuilder {
    let loader: SpecLoader
    private var components: [String: ComponentSchema] = [:]
    private var componentOrder: [String] = []
    private var pendingFiles: [String] = []
    private var scannedFiles: Set<String> = []
    /// Guards against infinite recursion through non-component refs.
    private var inlineRefStack: Set<RefTarget> = []
    /// Valid constructs the generator maps only approximately (each names its schema).
    public private(set) var warnings: [Diagnostic] = []

    func warn(_ mark: SourceMark, _ context: String, _ message: String) {
        warnings.append(Diagnostic(severity: .warning, mark: mark, context: context, message: message))
    }

    public init(loader: SpecLoader) { self.loader = loader }

    public func build(entry: String) throws(Diagnostic) -> OpenAPIDocument {
        let root = try loader.document(entry, referencedAt: nil)
        guard root["openapi"]?.scalar?.hasPrefix("3.") == true else {
            throw Diagnostic(mark: root.mark, message: "not an OpenAPI 3 document (missing 'openapi: 3.x')")
        }
        let title = root["info"]?["title"]?.scalar ?? "API"
        let version = root["info"]?["version"]?.scalar ?? ""
        var operations: [Operation] = []
        guard let paths = root["paths"], let pathPairs = paths.pairs else {
            throw Diagnostic(mark: root.mark, message: "the entry file has no 'paths' mapping")
        }
        try scanComponents(of: entry)
        for (path, itemRef) in pathPairs {
            let item = try loader.dereference(itemRef)
            try scanComponents(of: item.mark.file)
            operations += try buildOperations(path: path, item: item)
        }
        // Every file reached so far: their component schemas all get generated.
        while let file = pendingFiles.first {
            pendingFiles.removeFirst()
            try scanComponentsNow(file)
        }
        var seen: Set<String> = []
        for op in operations {
            guard seen.insert(op.operationID).inserted else {
                throw Diagnostic(mark: op.mark, context: op.operationID, message: "duplicate operationId")
            }
        }
        let schemas = componentOrder.map { components[$0]! }
        return OpenAPIDocument(
            title: title, version: version, schemas: schemas, operations: operations, files: loader.fileOrder)
    }

    // MARK: Components

    private func scanComponents(of file: String) throws(Diagnostic) {
        guard !scannedFiles.contains(file) else { return }
        try scanComponentsNow(file)
    }

    private func scanComponentsNow(_ file: String) throws(Diagnostic) {
        guard scannedFiles.insert(file).inserted else { return }
        let doc = try loader.document(file, referencedAt: nil)
        guard let schemas = doc["components"]?["schemas"]?.pairs else { return }
        for (name, node) in schemas {
            if let existing = components[name] {
                throw Diagnostic(
                    mark: node.mark, context: name,
                    message: "component schema '\(name)' is also defined in \(existing.file)")
            }
            // Reserve the name before parsing (recursive schemas refer to themselves by name).
            components[name] = ComponentSchema(name: name, file: file, schema: Schema(mark: node.mark))
            componentOrder.append(name)
            let schema = try buildSchema(node, context: name)
            components[name] = ComponentSchema(name: name, file: file, schema: schema)
        }
    }

    private func noteFile(_ file: String) {
        if !scannedFiles.contains(file), !pendingFiles.contains(file) { pendingFiles.append(file) }
    }

    // MARK: Schemas

    func buildSchema(_ node: YAMLNode, context: String) throws(Diagnostic) -> Schema {
        let schema = Schema(mark: node.mark)
        guard let pairs = node.pairs else {
            if node.bool == true { return schema }  // `true` schema: anything
            throw Diagnostic(mark: node.mark, context: context, message: "a schema must be a mapping, found a \(node.kindName)")
        }
        if let ref = node["$ref"]?.scalar {
            let target = try loader.target(of: ref, in: node.mark.file, at: node.mark)
            if let name = target.componentSchemaName {
                // Validate the target exists now, so a broken ref names the referencing line.
                let resolved = try loader.node(at: target, referencedAt: node.mark)
                _ = resolved
                noteFile(target.file)
                schema.ref = name
            } else {
                guard inlineRefStack.insert(target).inserted else {
                    throw Diagnostic(mark: node.mark, context: ref, message: "recursive $ref to a non-component schema")
                }
                defer { inlineRefStack.remove(target) }
                let resolved = try loader.node(at: target, referencedAt: node.mark)
                return try buildSchema(resolved, context: context)
            }
        }
        for (key, value) in pairs {
            switch key {
            case "$ref": continue
            case "type": schema.type = value.scalar
            case "format": schema.format = value.scalar
            case "title": schema.title = value.scalar
            case "description": schema.description = value.scalar
            case "pattern": schema.pattern = value.scalar
            case "nullable": schema.nullable = value.bool ?? false
            case "deprecated": schema.deprecated = value.bool ?? false
            case "readOnly": schema.readOnly = value.bool ?? false
            case "default": schema.defaultValue = value.scalar
            case "enum":
                guard let elements = value.elements else {
                    throw Diagnostic(mark: value.mark, context: context, message: "'enum' must be a sequence")
                }
                var values: [String] = []
                for element in elements {
                    if element.isNull {
                        schema.nullable = true  // `enum: [a, b, null]`: a nullable enum
                    } else if let text = element.scalar {
                        values.append(text)
                    } else {
                        warn(element.mark, context, "non-scalar enum value: the enum is generated as its plain type")
                        values = []
                        schema.nonScalarEnum = true
                        break
                    }
                }
                schema.enumValues = schema.nonScalarEnum ? nil : values
            case "required":
                schema.required = value.elements?.compactMap(\.scalar) ?? []
            case "properties":
                guard let props = value.pairs else {
                    throw Diagnostic(mark: value.mark, context: context, message: "'properties' must be a mapping")
                }
                for (name, propNode) in props {
                    schema.properties.append((name, try buildSchema(propNode, context: "\(context).\(name)")))
                }
            case "items":
                schema.items = try buildSchema(value, context: "\(context)[]")
            case "allOf", "oneOf", "anyOf":
                guard let elements = value.elements else {
                    throw Diagnostic(mark: value.mark, context: context, message: "'\(key)' must be a sequence")
                }
                var built: [Schema] = []
                for element in elements { built.append(try buildSchema(element, context: context)) }
                switch key {
                case "allOf": schema.allOf = built
                case "oneOf": schema.oneOf = built
                default: schema.anyOf = built
                }
            case "additionalProperties":
                if let flag = value.bool {
                    schema.additionalProperties = .allowed(flag)
                } else {
                    schema.additionalProperties = .schema(try buildSchema(value, context: "\(context){*}"))
                }
            case "discriminator":
                guard let property = value["propertyName"]?.scalar else {
                    throw Diagnostic(mark: value.mark, context: context, message: "discriminator without propertyName")
                }
                var mapping: [(String, String)] = []
                for (tag, refNode) in value["mapping"]?.pairs ?? [] {
                    guard let ref = refNode.scalar else { continue }
                    if !ref.contains("#"), !ref.contains("/"), !ref.hasSuffix(".yaml"), !ref.hasSuffix(".json") {
                        mapping.append((tag, ref))  // a bare schema name, as OpenAPI allows; checked when translated
                        continue
                    }
                    let target = try loader.target(of: ref, in: refNode.mark.file, at: refNode.mark)
                    guard let name = target.componentSchemaName else {
                        throw Diagnostic(mark: refNode.mark, context: context, message: "discriminator mapping must point to a component schema")
                    }
                    _ = try loader.node(at: target, referencedAt: refNode.mark)
                    noteFile(target.file)
                    mapping.append((tag, name))
                }
                schema.discriminator = Schema.Discriminator(propertyName: property, mapping: mapping)
            case "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
                "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minProperties", "maxProperties":
                if let text = value.scalar { schema.constraints.append((key, text)) }
            case "example", "examples", "writeOnly", "externalDocs", "xml":
                continue
            case "not":
                // Swift has no negated types: the constraint is kept in the documentation.
                schema.not = try buildSchema(value, context: "\(context)!")
                warn(value.mark, context, "'not' cannot be expressed in Swift; the value is typed without it (kept in the documentation)")
            default:
                if key.hasPrefix("x-") {
                    schema.extensions[key] = value
                } else {
                    warn(value.mark, context, "unknown schema keyword '\(key)' ignored")
                }
            }
        }
        return schema
    }

    /// The `example` values written next to schemas, for round-trip tests: (schema name, example node).
    public func examples() -> [(schema: String, example: YAMLNode)] {
        var result: [(String, YAMLNode)] = []
        for name in componentOrder {
            guard let component = components[name],
                let doc = loader.documents[component.file],
                let node = doc["components"]?["schemas"]?[name],
                let example = node["example"]
            else { continue }
            result.append((name, example))
        }
        return result
    }

    // MARK: Operations

    static let methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    private func buildOperations(path: String, item: YAMLNode) throws(Diagnostic) -> [Operation] {
        var result: [Operation] = []
        let shared = try (item["parameters"]?.elements ?? []).map { (node) throws(Diagnostic) in try buildParameter(node) }
        var servedFromRoot = false
        if let servers = item["servers"]?.elements, let url = servers.first?["url"]?.scalar {
            servedFromRoot = !url.hasSuffix("/v2")
        }
        for (key, opNode) in item.pairs ?? [] {
            guard Self.methods.contains(key) else { continue }
            let operationID: String
            if let id = opNode["operationId"]?.scalar {
                operationID = id
            } else {
                operationID = Self.synthesizedOperationID(method: key, path: path)
                warn(opNode.mark, "\(key.uppercased()) \(path)", "operation without operationId: named '\(operationID)'")
            }
            var parameters = shared
            for node in opNode["parameters"]?.elements ?? [] {
                let parameter = try buildParameter(node)
                parameters.removeAll { $0.name == parameter.name && $0.location == parameter.location }
                parameters.append(parameter)
            }
            var requestBody: RequestBody?
            if let bodyNode = opNode["requestBody"] {
                let body = try loader.dereference(bodyNode)
                requestBody = RequestBody(
                    required: body["required"]?.bool ?? false, content: try buildContent(body["content"], context: operationID),
                    description: body["description"]?.scalar)
            }
            var responses: [Response] = []
            for (status, responseRef) in opNode["responses"]?.pairs ?? [] {
                let response = try loader.dereference(responseRef)
                responses.append(
                    Response(
                        status: status, description: response["description"]?.scalar,
                        content: try buildContent(response["content"], context: "\(operationID) \(status)")))
            }
            var extensions: [String: YAMLNode] = [:]
            for (k, v) in opNode.pairs ?? [] where k.hasPrefix("x-") { extensions[k] = v }
            var fromRoot = servedFromRoot
            if let servers = opNode["servers"]?.elements, let url = servers.first?["url"]?.scalar {
                fromRoot = !url.hasSuffix("/v2")
            }
            result.append(
                Operation(
                    operationID: operationID, method: key.uppercased(), path: path, file: opNode.mark.file,
                    mark: opNode.mark, summary: opNode["summary"]?.scalar, description: opNode["description"]?.scalar,
                    tags: opNode["tags"]?.elements?.compactMap(\.scalar) ?? [], parameters: parameters,
                    requestBody: requestBody, responses: responses, deprecated: opNode["deprecated"]?.bool ?? false,
                    servedFromRoot: fromRoot, extensions: extensions))
        }
        return result
    }

    private func buildParameter(_ node: YAMLNode) throws(Diagnostic) -> Parameter {
        let resolved = try loader.dereference(node)
        guard let name = resolved["name"]?.scalar, let location = resolved["in"]?.scalar else {
            throw Diagnostic(mark: resolved.mark, message: "parameter without 'name' or 'in'")
        }
        var schemaNode = resolved["schema"]
        if schemaNode == nil, let content = resolved["content"]?.pairs?.first?.value {
            schemaNode = content["schema"]  // `content` instead of `schema`: the value is serialized as that media type
        }
        guard let schemaNode else {
            warn(resolved.mark, name, "parameter without 'schema': typed as a string")
            return Parameter(
                name: name, location: location, required: resolved["required"]?.bool ?? (location == "path"),
                description: resolved["description"]?.scalar, schema: Self.stringSchema(at: resolved.mark), mark: resolved.mark)
        }
        return Parameter(
            name: name, location: location, required: resolved["required"]?.bool ?? (location == "path"),
            description: resolved["description"]?.scalar, schema: try buildSchema(schemaNode, context: name),
            mark: resolved.mark)
    }

    static func stringSchema(at mark: SourceMark) -> Schema {
        let schema = Schema(mark: mark)
        schema.type = "string"
        return schema
    }

    /// `get /jobs/{jobKey}/failure` → `getJobsJobKeyFailure`.
    static func synthesizedOperationID(method: String, path: String) -> String {
        var words = [method.lowercased()]
        for segment in path.split(separator: "/") {
            let cleaned = segment.filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            words += cleaned.split(whereSeparator: { $0 == "_" || $0 == "-" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
        }
        return words.joined()
    }

    private func buildContent(_ node: YAMLNode?, context: String) throws(Diagnostic) -> [MediaType] {
        guard let node else { return [] }
        var result: [MediaType] = []
        for (contentType, media) in node.pairs ?? [] {
            let schema = try media["schema"].map { (s) throws(Diagnostic) in try buildSchema(s, context: context) }
            var partTypes: [String: String] = [:]
            for (part, encoding) in media["encoding"]?.pairs ?? [] {
                if let type = encoding["contentType"]?.scalar { partTypes[part] = type }
            }
            result.append(MediaType(contentType: contentType, schema: schema, partContentTypes: partTypes))
        }
        return result
    }
}
