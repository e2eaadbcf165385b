import Foundation

/// An HTTP request as it went over the wire, to be checked against the spec.
public struct WireRequest: Sendable {
    /// The method, any case.
    public var method: String
    /// The path as sent, percent-encoded, with the API base (`/v2/jobs/activation`, or `/cluster/v2/...` for
    /// the operations served from the root).
    public var path: String
    /// The query string without `?`, if any.
    public var query: String?
    /// Header fields as sent.
    public var headers: [(name: String, value: String)]
    /// The body bytes (empty when there is none).
    public var body: [UInt8]

    public init(method: String, path: String, query: String? = nil, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first header field with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// One way a request breaks the spec.
public struct WireViolation: Hashable, Sendable, CustomStringConvertible {
    /// The operation the request was matched to; `nil` when no operation of the spec matches.
    public var operationID: String?
    /// The request's method and path, for the report.
    public var request: String
    /// Where in the request: a JSON pointer below `/path`, `/query`, `/header` or `/body`
    /// (for example `/body/filter/state`, `/query/from`, `/body/metadataList/1/fileName`).
    public var pointer: String
    public var message: String

    public init(operationID: String?, request: String, pointer: String, message: String) {
        self.operationID = operationID
        self.request = request
        self.pointer = pointer
        self.message = message
    }

    public var description: String { "\(operationID ?? "<no operation>") (\(request)) \(pointer): \(message)" }
}

/// Checks recorded HTTP requests against the spec's operations and schemas, as strictly as Camunda's
/// server reads them: the operation is found by method and path template; path and query parameters
/// are checked for presence, type and format (`date-time` as RFC 3339); JSON bodies for well-formedness,
/// required properties, types (integer against number, `int32`/`int64` ranges), formats, enums,
/// patterns, lengths and bounds, `nullable`, `additionalProperties: false` (over the merged `allOf`),
/// `oneOf` (at least one alternative, or the one the discriminator names); multipart bodies part by part
/// (declared names, required parts, JSON parts against their schema with `application/json`, an array of
/// objects as one part per item); and the `Content-Type` against the operation's media types.
///
/// `minLength`, `maxLength`, `minimum`, `maximum` (with the 3.0 boolean `exclusiveMinimum`/`exclusiveMaximum`),
/// `minItems` and `maxItems` come from ``Schema/constraints``, or from the spec's YAML when the model lacks
/// them and the ``SpecLoader`` that built the document is given. `anyOf` needs one matching alternative,
/// `not` none.
public final class RequestValidator {
    public let document: OpenAPIDocument
    private let apiBasePath: [String]
    private let routes: [Route]
    private var rawNodes: [SourceMark: YAMLNode] = [:]
    private var regexCache: [String: NSRegularExpression?] = [:]

    private struct Route {
        var operation: Operation
        var segments: [Segment]
        var literalCount: Int
    }

    private enum Segment {
        case literal(String)
        case parameter(String)
    }

    /// - Parameters:
    ///   - document: The spec, from ``ModelBuilder/build(entry:)``.
    ///   - loader: The loader that built `document`, to read validation keywords the model does not carry; optional.
    ///   - apiBasePath: The base of the operations not served from the root.
    public init(document: OpenAPIDocument, loader: SpecLoader? = nil, apiBasePath: String = "/v2") {
        self.document = document
        let base = apiBasePath.split(separator: "/").map(String.init)
        self.apiBasePath = base
        routes = document.operations.map { operation in
            var segments: [Segment] = operation.servedFromRoot ? [] : base.map { .literal($0) }
            for piece in operation.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
                if piece.hasPrefix("{"), piece.hasSuffix("}") {
                    segments.append(.parameter(String(piece.dropFirst().dropLast())))
                } else {
                    segments.append(.literal(String(piece)))
                }
            }
            let literals = segments.count(where: { if case .literal = $0 { true } else { false } })
            return Route(operation: operation, segments: segments, literalCount: literals)
        }
        if let loader {
            for (_, root) in loader.documents { index(root) }
        }
    }

    private func index(_ node: YAMLNode) {
        switch node.kind {
        case .mapping(let pairs):
            if rawNodes[node.mark] == nil { rawNodes[node.mark] = node }
            for pair in pairs { index(pair.value) }
        case .sequence(let elements):
            for element in elements { index(element) }
        case .scalar:
            break
        }
    }

    // MARK: Matching

    /// The operation a method and percent-encoded path (with the API base) address, and the decoded
    /// path parameter values. Literal segments win over parameters (`/process-instances/search`
    /// before `/process-instances/{processInstanceKey}`).
    public func match(method: String, path: String) -> (operation: Operation, parameters: [String: String])? {
        let upper = method.uppercased()
        let pieces = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        var best: (Route, [String: String])?
        for route in routes where route.operation.method == upper && route.segments.count == pieces.count {
            var parameters: [String: String] = [:]
            var matched = true
            for (segment, piece) in zip(route.segments, pieces) {
                switch segment {
                case .literal(let literal):
                    if literal != piece { matched = false }
                case .parameter(let name):
                    if piece.isEmpty { matched = false }
                    parameters[name] = piece.removingPercentEncoding ?? piece
                }
                if !matched { break }
            }
            guard matched else { continue }
            if best == nil || route.literalCount > best!.0.literalCount { best = (route, parameters) }
        }
        return best.map { ($0.0.operation, $0.1) }
    }

    // MARK: Validation

    /// Every violation of the spec in one request; empty when it conforms.
    public func validate(_ request: WireRequest) -> [WireViolation] {
        let label = "\(request.method.uppercased()) \(request.path)\(request.query.map { "?\($0)" } ?? "")"
        guard let (operation, pathValues) = match(method: request.method, path: request.path) else {
            return [
                WireViolation(
                    operationID: nil, request: label, pointer: "",
                    message: "no operation of the spec has method \(request.method.uppercased()) and this path")
            ]
        }
        var out = Output(operationID: operation.operationID, request: label)
        checkPath(operation, pathValues, &out)
        checkQuery(operation, request.query, &out)
        checkHeaders(operation, request, &out)
        checkBody(operation, request, &out)
        return out.violations
    }

    private struct Output {
        var operationID: String
        var request: String
        var violations: [WireViolation] = []

        mutating func add(_ pointer: String, _ message: String) {
            violations.append(WireViolation(operationID: operationID, request: request, pointer: pointer, message: message))
        }
    }

    private func checkPath(_ operation: Operation, _ values: [String: String], _ out: inout Output) {
        for parameter in operation.parameters where parameter.location == "path" {
            let pointer = "/path/" + escape(parameter.name)
            guard let value = values[parameter.name] else {
                out.add(pointer, "the path template has no segment for this path parameter")
                continue
            }
            checkParameterValue(value, parameter.schema, pointer, &out)
        }
    }

    private func checkQuery(_ operation: Operation, _ query: String?, _ out: inout Output) {
        var values: [(name: String, value: String)] = []
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // As a servlet container reads it: `+` is a space, then percent-decoding.
            func decode(_ text: Substring) -> String? {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else {
                out.add("/query", "malformed percent-encoding in '\(pair)'")
                continue
            }
            values.append((name, value))
        }
        let declared = operation.parameters.filter { $0.location == "query" }
        for (name, _) in values where !declared.contains(where: { $0.name == name }) {
            out.add("/query/" + escape(name), "query parameter not declared by the operation")
        }
        for parameter in declared {
            let pointer = "/query/" + escape(parameter.name)
            let given = values.filter { $0.name == parameter.name }.map(\.value)
            if given.isEmpty {
                if parameter.required { out.add(pointer, "required query parameter missing") }
                continue
            }
            let (schema, _) = resolve(parameter.schema)
            if schema.type == "array", let items = schema.items {
                for (index, value) in given.enumerated() { checkParameterValue(value, items, "\(pointer)/\(index)", &out) }
            } else {
                if given.count > 1 { out.add(pointer, "given \(given.count) times; the parameter is not an array") }
                checkParameterValue(given[0], parameter.schema, pointer, &out)
            }
        }
    }

    /// Reads a path or query value as the schema's scalar type, then checks it like a JSON value.
    private func checkParameterValue(_ text: String, _ schema: Schema, _ pointer: String, _ out: inout Output) {
        let flat = flatten(schema)
        let type = flat.lazy.compactMap(\.type).first
        let value: WireJSON
        switch type {
        case "integer":
            guard text.wholeMatch(of: /-?[0-9]+/) != nil else {
                out.add(pointer, "'\(text)' is not an integer")
                return
            }
            value = .number(text)
        case "number":
            guard Double(text) != nil, text.wholeMatch(of: /-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/) != nil else {
                out.add(pointer, "'\(text)' is not a number")
                return
            }
            value = .number(text)
        case "boolean":
            guard text == "true" || text == "false" else {
                out.add(pointer, "'\(text)' is not a boolean (true or false)")
                return
            }
            value = .bool(text == "true")
        case "object", "array":
            out.add(pointer, "\(type!) parameters are not supported by the validator")
            return
        default:
            value = .string(text)
        }
        var violations: [WireViolation] = []
        check(value, schema, pointer, &violations, out)
        out.violations += violations
    }

    private func checkHeaders(_ operation: Operation, _ request: WireRequest, _ out: inout Output) {
        for parameter in operation.parameters where parameter.location == "header" {
            let pointer = "/header/" + escape(parameter.name)
            guard let value = request.header(parameter.name) else {
                if parameter.required { out.add(pointer, "required header missing") }
                continue
            }
            checkParameterValue(value, parameter.schema, pointer, &out)
        }
    }

    private func checkBody(_ operation: Operation, _ request: WireRequest, _ out: inout Output) {
        let contentType = request.header("content-type")
        let mediaType = contentType.map(Self.mediaType)
        guard let requestBody = operation.requestBody, !requestBody.content.isEmpty else {
            if !request.body.isEmpty { out.add("/body", "the operation takes no request body, but \(request.body.count) bytes were sent") }
            return
        }
        if request.body.isEmpty && mediaType == nil {
            if requestBody.required { out.add("/body", "required request body missing") }
            return
        }
        let declared = requestBody.content.map { $0.contentType.lowercased() }
        guard let mediaType else {
            out.add("/header/content-type", "a body was sent without Content-Type; the operation takes \(declared.joined(separator: ", "))")
            return
        }
        guard let media = requestBody.content.first(where: { $0.contentType.lowercased() == mediaType }) else {
            out.add("/header/content-type", "'\(mediaType)' is not one of the operation's media types (\(declared.joined(separator: ", ")))")
            return
        }
        guard let schema = media.schema else { return }
        if mediaType == "multipart/form-data" {
            checkMultipart(request.body, contentType: contentType!, schema, media, &out)
        } else if mediaType == "application/json" || mediaType.hasSuffix("+json") {
            if request.body.isEmpty {
                if requestBody.required { out.add("/body", "required request body missing (empty JSON body)") }
                return
            }
            guard let value = parseJSON(request.body, "/body", &out) else { return }
            var violations: [WireViolation] = []
            check(value, schema, "/body", &violations, out)
            out.violations += violations
        }
    }

    private func parseJSON(_ bytes: [UInt8], _ pointer: String, _ out: inout Output) -> WireJSON? {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            out.add(pointer, "the JSON is not valid UTF-8")
            return nil
        }
        do {
            return try WireJSON.parse(bytes)
        } catch {
            out.add(pointer, error.description)
            return nil
        }
    }

    // MARK: Multipart

    private func checkMultipart(_ body: [UInt8], contentType: String, _ schema: Schema, _ media: MediaType, _ out: inout Output) {
        guard let boundary = WireMultipart.boundary(ofContentType: contentType) else {
            out.add("/header/content-type", "multipart/form-data without a boundary parameter")
            return
        }
        let form: WireMultipart
        do {
            form = try WireMultipart.parse(body, boundary: boundary)
        } catch {
            out.add("/body", "malformed multipart body: \(error.message)")
            return
        }
        let flat = flatten(schema)
        var properties: [String: Schema] = [:]
        var required: Set<String> = []
        var closed = false
        for s in flat {
            for (name, property) in s.properties where properties[name] == nil { properties[name] = property }
            required.formUnion(s.required)
            if case .allowed(false) = s.additionalProperties { closed = true }
        }
        var byName: [String: [WireMultipart.Part]] = [:]
        var order: [String] = []
        for (index, part) in form.parts.enumerated() {
            guard let name = part.name, !name.isEmpty else {
                out.add("/body/\(index)", "part without a Content-Disposition name")
                continue
            }
            if byName[name] == nil { order.append(name) }
            byName[name, default: []].append(part)
        }
        for name in required.sorted() where byName[name] == nil {
            out.add("/body/" + escape(name), "required part missing")
        }
        for name in order {
            let parts = byName[name]!
            let pointer = "/body/" + escape(name)
            guard let property = properties[name] else {
                out.add(
                    pointer,
                    "part not declared by the operation's multipart schema"
                        + (closed ? " (additionalProperties: false)" : ""))
                continue
            }
            let (resolved, _) = resolve(property)
            let propertyFlat = flatten(property)
            let isArray = propertyFlat.contains { $0.type == "array" }
            if isArray {
                let items = propertyFlat.lazy.compactMap(\.items).first
                for (index, part) in parts.enumerated() {
                    checkPart(part, items, media.partContentTypes[name], "\(pointer)/\(index)", arrayProperty: true, &out)
                }
            } else {
                if parts.count > 1 { out.add(pointer, "\(parts.count) parts with this name; the property is not an array") }
                checkPart(parts[0], resolved, media.partContentTypes[name], pointer, arrayProperty: false, &out)
            }
        }
    }

    private func checkPart(
        _ part: WireMultipart.Part, _ schema: Schema?, _ declaredType: String?, _ pointer: String, arrayProperty: Bool,
        _ out: inout Output
    ) {
        guard let schema else { return }
        let flat = flatten(schema)
        let type = flat.lazy.compactMap(\.type).first
        let format = flat.lazy.compactMap(\.format).first
        let partType = part.contentType.map(Self.mediaType)
        if type == "string", format == "binary" || format == "byte" {
            if let declaredType, partType != declaredType.lowercased() {
                out.add(pointer, "part Content-Type '\(partType ?? "none")', the spec's encoding says '\(declaredType)'")
            }
            return
        }
        let isStructured = type == "object" || type == "array" || (type == nil && flat.contains { !$0.properties.isEmpty || !$0.oneOf.isEmpty })
        if isStructured {
            // Encoded as JSON by default (OpenAPI 3.0 encoding object); the server picks its JSON reader by the
            // part's Content-Type.
            let expected = declaredType?.lowercased() ?? "application/json"
            if partType != expected {
                out.add(pointer, "JSON part with Content-Type '\(partType ?? "none")', expected '\(expected)'")
            }
            guard let value = parseJSON(part.body, pointer, &out) else { return }
            if arrayProperty, case .array = value, type == "object" || type == nil {
                out.add(pointer, "one part holds a JSON array; an array of objects is sent as one part per item")
                return
            }
            var violations: [WireViolation] = []
            check(value, schema, pointer, &violations, out)
            out.violations += violations
            return
        }
        guard let text = String(validating: part.body, as: UTF8.self) else {
            out.add(pointer, "text part is not valid UTF-8")
            return
        }
        checkParameterValue(text, schema, pointer, &out)
    }

    // MARK: Schemas

    /// Follows `$ref`s to a schema with content; `nullable` anywhere on the way counts.
    private func resolve(_ schema: Schema) -> (Schema, nullable: Bool) {
        var current = schema
        var nullable = schema.nullable
        var hops = 0
        while let ref = current.ref, hops < 64, let target = document.schema(named: ref) {
            current = target.schema
            nullable = nullable || current.nullable
            hops += 1
        }
        return (current, nullable)
    }

    /// The schema and, recursively, its `allOf` members, each resolved: their keywords all apply.
    private func flatten(_ schema: Schema) -> [Schema] {
        var result: [Schema] = []
        var seen: Set<ObjectIdentifier> = []
        func visit(_ schema: Schema) {
            let (resolved, _) = resolve(schema)
            guard seen.insert(ObjectIdentifier(resolved)).inserted else { return }
            result.append(resolved)
            for member in resolved.allOf { visit(member) }
        }
        visit(schema)
        return result
    }

    private func isNullable(_ schema: Schema) -> Bool {
        if resolve(schema).nullable { return true }
        return flatten(schema).contains { $0.nullable }
    }

    /// Whether a schema constrains nothing (`{}`, or only documentation).
    private func isUnconstrained(_ flat: [Schema]) -> Bool {
        flat.allSatisfy {
            $0.type == nil && $0.properties.isEmpty && $0.required.isEmpty && $0.oneOf.isEmpty && $0.anyOf.isEmpty && $0.not == nil && $0.enumValues == nil
                && $0.additionalProperties == nil && $0.items == nil
        }
    }

    private func check(_ value: WireJSON, _ schema: Schema, _ pointer: String, _ out: inout [WireViolation], _ context: Output) {
        func add(_ message: String) {
            out.append(WireViolation(operationID: context.operationID, request: context.request, pointer: pointer, message: message))
        }
        let flat = flatten(schema)
        if case .null = value {
            if isNullable(schema) || isUnconstrained(flat) { return }
            add("null is not allowed (the schema is not nullable)")
            return
        }
        for s in flat {
            checkKeywords(value, s, pointer, &out, context)
            if !s.oneOf.isEmpty { checkOneOf(value, s, pointer, &out, context) }
            if !s.anyOf.isEmpty { checkAnyOf(value, s, pointer, &out, context) }
            if let not = s.not {
                var trial: [WireViolation] = []
                check(value, not, pointer, &trial, context)
                if trial.isEmpty { add("matches the schema under 'not'") }
            }
        }
        guard case .object(let members) = value,
            flat.contains(where: {
                $0.type == "object" || !$0.properties.isEmpty || !$0.required.isEmpty || $0.additionalProperties != nil
            })
        else { return }
        var properties: [String: [Schema]] = [:]
        var required: [String] = []
        var closed = false
        var additional: [Schema] = []
        for s in flat {
            for (name, property) in s.properties { properties[name, default: []].append(property) }
            for name in s.required where !required.contains(name) { required.append(name) }
            switch s.additionalProperties {
            case .allowed(false)?: closed = true
            case .schema(let extra)?: additional.append(extra)
            default: break
            }
        }
        // A oneOf schema's alternatives declare its properties; they are checked there.
        let hasOneOf = flat.contains { !$0.oneOf.isEmpty || !$0.anyOf.isEmpty }
        for name in required where !members.contains(where: { $0.key == name }) {
            out.append(
                WireViolation(
                    operationID: context.operationID, request: context.request, pointer: pointer + "/" + escape(name),
                    message: "required property missing"))
        }
        for (key, member) in members {
            let memberPointer = pointer + "/" + escape(key)
            if let schemas = properties[key] {
                for s in schemas { check(member, s, memberPointer, &out, context) }
            } else if closed && !hasOneOf {
                out.append(
                    WireViolation(
                        operationID: context.operationID, request: context.request, pointer: memberPointer,
                        message: "property not allowed (additionalProperties: false)"))
            } else {
                for s in additional { check(member, s, memberPointer, &out, context) }
            }
        }
    }

    private func checkOneOf(
        _ value: WireJSON, _ schema: Schema, _ pointer: String, _ out: inout [WireViolation], _ context: Output
    ) {
        func add(_ message: String) {
            out.append(WireViolation(operationID: context.operationID, request: context.request, pointer: pointer, message: message))
        }
        if let discriminator = schema.discriminator {
            guard case .object(let members) = value else {
                add("expected an object carrying the discriminator '\(discriminator.propertyName)', found \(value.typeName)")
                return
            }
            guard let tagValue = members.first(where: { $0.key == discriminator.propertyName })?.value else {
                add("discriminator property '\(discriminator.propertyName)' missing")
                return
            }
            guard case .string(let tag) = tagValue else {
                add("discriminator '\(discriminator.propertyName)' must be a string, found \(tagValue.typeName)")
                return
            }
            let mapped = discriminator.mapping.first { $0.value == tag }?.schema
                ?? schema.oneOf.compactMap(\.ref).first { $0 == tag }
            guard let name = mapped, let target = document.schema(named: name) else {
                let known = discriminator.mapping.map(\.value) + (discriminator.mapping.isEmpty ? schema.oneOf.compactMap(\.ref) : [])
                add("discriminator '\(discriminator.propertyName)' is '\(tag)', expected one of \(known.joined(separator: ", "))")
                return
            }
            check(value, target.schema, pointer, &out, context)
            return
        }
        var closest: [WireViolation]?
        for alternative in schema.oneOf {
            var trial: [WireViolation] = []
            check(value, alternative, pointer, &trial, context)
            if trial.isEmpty { return }
            if closest == nil || trial.count < closest!.count { closest = trial }
        }
        let reasons = (closest ?? []).prefix(3).map { "\($0.pointer): \($0.message)" }.joined(separator: "; ")
        add("matches none of the \(schema.oneOf.count) oneOf alternatives (closest fails: \(reasons))")
    }

    private func checkAnyOf(
        _ value: WireJSON, _ schema: Schema, _ pointer: String, _ out: inout [WireViolation], _ context: Output
    ) {
        var closest: [WireViolation]?
        for alternative in schema.anyOf {
            var trial: [WireViolation] = []
            check(value, alternative, pointer, &trial, context)
            if trial.isEmpty { return }
            if closest == nil || trial.count < closest!.count { closest = trial }
        }
        let reasons = (closest ?? []).prefix(3).map { "\($0.pointer): \($0.message)" }.joined(separator: "; ")
        out.append(
            WireViolation(
                operationID: context.operationID, request: context.request, pointer: pointer,
                message: "matches none of the \(schema.anyOf.count) anyOf alternatives (closest fails: \(reasons))"))
    }

    private func checkKeywords(
        _ value: WireJSON, _ schema: Schema, _ pointer: String, _ out: inout [WireViolation], _ context: Output
    ) {
        var messages: [String] = []
        defer {
            for message in messages {
                out.append(WireViolation(operationID: context.operationID, request: context.request, pointer: pointer, message: message))
            }
        }
        func add(_ message: String) { messages.append(message) }
        let raw = rawNodes[schema.mark]
        /// A validation keyword's text: from the model (``Schema/constraints``), else from the spec's YAML.
        func keyword(_ name: String) -> String? {
            schema.constraints.first { $0.keyword == name }?.value ?? raw?[name]?.scalar
        }
        func number(_ name: String) -> Double? { keyword(name).flatMap(Double.init) }
        if let type = schema.type {
            let matches: Bool
            switch (type, value) {
            case ("string", .string), ("boolean", .bool), ("array", .array), ("object", .object), ("number", .number): matches = true
            case ("integer", .number(let text)): matches = WireJSON.isIntegerLexeme(text)
            default: matches = false
            }
            guard matches else {
                add("expected \(type), found \(value.typeName)")
                return
            }
        }
        if let values = schema.enumValues {
            let text: String? =
                switch value {
                case .string(let s): s
                case .number(let n): n
                case .bool(let b): b ? "true" : "false"
                default: nil
                }
            if let text, !values.contains(text) {
                add("'\(text)' is not one of the enum values \(values.joined(separator: ", "))")
            }
        }
        switch value {
        case .string(let text):
            checkFormat(text, schema.format, add)
            if let pattern = schema.pattern, let regex = regex(pattern) {
                let range = NSRange(text.startIndex..<text.endIndex, in: text)
                if regex.firstMatch(in: text, range: range) == nil { add("'\(text)' does not match the pattern \(pattern)") }
            }
            let length = text.utf16.count  // Java counts UTF-16 units
            if let min = number("minLength"), Double(length) < min { add("length \(length) is below minLength \(Int(min))") }
            if let max = number("maxLength"), Double(length) > max { add("length \(length) is above maxLength \(Int(max))") }
        case .number(let text):
            if schema.type == "integer" || schema.format == "int32" || schema.format == "int64" {
                let limit: ClosedRange<Int64>? =
                    schema.format == "int32" ? Int64(Int32.min)...Int64(Int32.max) : schema.format == "int64" ? Int64.min...Int64.max : nil
                if let limit, WireJSON.isIntegerLexeme(text) {
                    if let parsed = Int64(text), limit.contains(parsed) {
                    } else {
                        add("\(text) is out of the \(schema.format!) range")
                    }
                }
            }
            if let parsed = Double(text) {
                let exclusiveMin = keyword("exclusiveMinimum") == "true"
                let exclusiveMax = keyword("exclusiveMaximum") == "true"
                if let min = number("minimum"), exclusiveMin ? parsed <= min : parsed < min {
                    add("\(text) is below the minimum \(keyword("minimum")!)")
                }
                if let max = number("maximum"), exclusiveMax ? parsed >= max : parsed > max {
                    add("\(text) is above the maximum \(keyword("maximum")!)")
                }
            }
        case .array(let elements):
            if let min = number("minItems"), Double(elements.count) < min { add("\(elements.count) items, minItems is \(Int(min))") }
            if let max = number("maxItems"), Double(elements.count) > max { add("\(elements.count) items, maxItems is \(Int(max))") }
            if let items = schema.items {
                for (index, element) in elements.enumerated() { check(element, items, "\(pointer)/\(index)", &out, context) }
            }
        default:
            break
        }
    }

    private func checkFormat(_ text: String, _ format: String?, _ add: (String) -> Void) {
        switch format {
        case "date-time":
            if !Self.isRFC3339DateTime(text) { add("'\(text)' is not an RFC 3339 date-time") }
        case "date":
            if text.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) == nil || !Self.isValidDate(text) { add("'\(text)' is not an RFC 3339 full-date") }
        case "uuid":
            if text.wholeMatch(of: /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/) == nil {
                add("'\(text)' is not a UUID")
            }
        case "byte", "base64":
            if text.wholeMatch(of: /(?:[A-Za-z0-9+\/]{4})*(?:[A-Za-z0-9+\/]{2}==|[A-Za-z0-9+\/]{3}=)?/) == nil {
                add("'\(text)' is not base64")
            }
        default:
            break
        }
    }

    /// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, fields in range (leap second 60 allowed).
    public static func isRFC3339DateTime(_ text: String) -> Bool {
        guard
            let match = text.wholeMatch(
                of: /([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|[+-]([0-9]{2}):([0-9]{2}))/)
        else { return false }
        guard isValidDate(String(text.prefix(10))), let hour = Int(match.4), let minute = Int(match.5), let second = Int(match.6),
            hour <= 23, minute <= 59, second <= 60
        else { return false }
        if let offsetHour = match.9.flatMap({ Int($0) }), let offsetMinute = match.10.flatMap({ Int($0) }) {
            return offsetHour <= 23 && offsetMinute <= 59
        }
        return true
    }

    static func isValidDate(_ text: String) -> Bool {
        let fields = text.split(separator: "-").compactMap { Int($0) }
        guard fields.count == 3, (1...12).contains(fields[1]), fields[2] >= 1 else { return false }
        let days: Int
        switch fields[1] {
        case 2: days = (fields[0] % 4 == 0 && fields[0] % 100 != 0) || fields[0] % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: days = 30
        default: days = 31
        }
        return fields[2] <= days
    }

    private func regex(_ pattern: String) -> NSRegularExpression? {
        if let cached = regexCache[pattern] { return cached }
        let compiled = try? NSRegularExpression(pattern: pattern)
        regexCache[pattern] = compiled
        return compiled
    }

    /// The media type of a `Content-Type` value, lower-cased, without parameters.
    static func mediaType(_ contentType: String) -> String {
        (contentType.split(separator: ";").first ?? "").trimmingSpaces.lowercased()
    }

    private func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
