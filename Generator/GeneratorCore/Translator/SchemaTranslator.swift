import Foundation

/// Translates component and inline schemas into Swift declarations, following the mapping rules
/// of DESIGN.md: flattened `allOf`, collapsed wrappers, tolerant enums, identifier types, generic
/// filter properties and unions with a preserved unknown case.
public final class SchemaTranslator {
    public enum ComponentKind {
        case identifier(integer: Bool)
        case stringEnum
        case structure
        case filter(value: TypeRef, advanced: String)
        case union
        case alias
    }

    let document: OpenAPIDocument
    /// Schemas whose properties are all optional whatever the spec says (tolerant decoding of errors).
    public static let lenientSchemas: Set<String> = ["ProblemDetail"]
    /// The server version the SDK targets; properties added later are decoded leniently.
    public static let baselineVersion = [8, 8]

    private var kindCache: [String: ComponentKind] = [:]
    /// Component schema names referenced as a discriminated union branch: name → discriminator property.
    private var discriminatorBranches: [String: Set<String>] = [:]
    /// Inline types created, as qualified names, for the catalog.
    public private(set) var inlineTypeNames: [String] = []

    private let componentTypeNames: Set<String>

    public init(document: OpenAPIDocument) {
        self.document = document
        self.componentTypeNames = Set(document.schemas.map { SafeNames.typeName($0.name) })
        for component in document.schemas {
            if let d = component.schema.discriminator {
                for (_, branch) in d.mapping { discriminatorBranches[branch, default: []].insert(d.propertyName) }
            }
        }
    }

    func component(_ name: String, at mark: SourceMark) throws(Diagnostic) -> ComponentSchema {
        guard let c = document.schema(named: name) else {
            throw Diagnostic(mark: mark, context: name, message: "reference to unknown component schema '\(name)'")
        }
        return c
    }

    // MARK: Classification

    public func kind(of name: String, at mark: SourceMark) throws(Diagnostic) -> ComponentKind {
        if let cached = kindCache[name] { return cached }
        let schema = try component(name, at: mark).schema
        let kind = try classify(schema, name: name)
        kindCache[name] = kind
        return kind
    }

    private func classify(_ schema: Schema, name: String) throws(Diagnostic) -> ComponentKind {
        if schema.semanticType != nil { return .identifier(integer: schema.type == "integer") }
        if schema.enumValues != nil { return .stringEnum }
        if !schema.oneOf.isEmpty {
            if let (value, advanced) = try filterTemplate(schema, context: name) {
                return .filter(value: value, advanced: advanced)
            }
            if try isIdentifierUnion(schema) { return .identifier(integer: false) }
            return .union
        }
        if isStructShaped(schema) { return .structure }
        return .alias
    }

    /// The pattern of an identifier, its own or the one of the schema it extends (`LongKey`).
    func identifierPattern(_ schema: Schema) throws(Diagnostic) -> String? {
        if let pattern = schema.pattern { return pattern }
        for member in schema.allOf {
            if let ref = member.ref, let pattern = try component(ref, at: member.mark).schema.pattern { return pattern }
            if let pattern = member.pattern { return pattern }
        }
        return nil
    }

    /// A `oneOf` whose branches are all string identifiers (`ResourceKey`): no decoder can tell them
    /// apart, so it becomes an identifier of its own that converts from each branch.
    func isIdentifierUnion(_ schema: Schema) throws(Diagnostic) -> Bool {
        guard schema.discriminator == nil, !schema.oneOf.isEmpty else { return false }
        for branch in schema.oneOf {
            guard let ref = branch.ref, case .identifier(false) = try kind(of: ref, at: branch.mark) else { return false }
        }
        return true
    }

    func isStructShaped(_ schema: Schema) -> Bool {
        if !schema.properties.isEmpty { return true }
        if schema.allOf.count > 1 { return true }
        if schema.allOf.contains(where: { $0.ref == nil && (!$0.properties.isEmpty || !$0.allOf.isEmpty) }) { return true }
        return false
    }

    /// Recognises `oneOf: [ <scalar exact match>, $ref Advanced…Filter ]`.
    func filterTemplate(_ schema: Schema, context: String) throws(Diagnostic) -> (TypeRef, String)? {
        guard schema.oneOf.count == 2, schema.discriminator == nil else { return nil }
        let exact = schema.oneOf[0]
        guard let advanced = schema.oneOf[1].ref, advanced.hasPrefix("Advanced") else { return nil }
        guard exact.ref == nil, let type = exact.type, ["string", "integer", "number", "boolean"].contains(type) else {
            return nil
        }
        var nested: [Declaration] = []
        let value = try typeRef(for: exact, owner: context, property: "value", nested: &nested).type
        guard nested.isEmpty else { return nil }
        return (value, advanced)
    }

    // MARK: Types of schema uses

    struct ResolvedType {
        var type: TypeRef
        var nullable: Bool
    }

    /// The Swift type of a schema used as a property, item or parameter; inline types needing a name
    /// are appended to `nested`, named after `property`.
    func typeRef(
        for schema: Schema, owner: String, property: String, nested: inout [Declaration]
    ) throws(Diagnostic) -> ResolvedType {
        if let ref = schema.ref {
            let target = try component(ref, at: schema.mark)
            return ResolvedType(type: .named(SafeNames.typeName(ref)), nullable: schema.nullable || target.schema.nullable)
        }
        if schema.semanticType != nil {
            throw Diagnostic(
                mark: schema.mark, context: "\(owner).\(property)",
                message: "inline x-semantic-type is not supported; declare it as a component schema")
        }
        if schema.enumValues != nil {
            let name = nestedName(property, owner: owner)
            nested.append(.stringEnum(try translateEnum(schema, name: name)))
            inlineTypeNames.append("\(owner).\(name)")
            return ResolvedType(type: .named(name), nullable: schema.nullable)
        }
        if !schema.oneOf.isEmpty {
            if let (value, advanced) = try filterTemplate(schema, context: "\(owner).\(property)") {
                return ResolvedType(type: .generic("FilterProperty", [value, .named(advanced)]), nullable: schema.nullable)
            }
            let name = nestedName(property, owner: owner)
            if try isIdentifierUnion(schema) {
                nested.append(.identifier(IdentifierDecl(
                    name: name, doc: doc(for: schema, component: nil), integer: false,
                    convertibleFrom: schema.oneOf.compactMap { $0.ref.map(SafeNames.typeName) }, pattern: nil)))
                inlineTypeNames.append("\(owner).\(name)")
                return ResolvedType(type: .named(name), nullable: schema.nullable)
            }
            nested.append(.union(try translateUnion(schema, name: name)))
            inlineTypeNames.append("\(owner).\(name)")
            return ResolvedType(type: .named(name), nullable: schema.nullable)
        }
        if !schema.allOf.isEmpty, !isStructShaped(schema) {
            // A wrapper around one schema that adds documentation, a format or `nullable`.
            guard schema.allOf.count == 1 else {
                throw Diagnostic(mark: schema.mark, context: "\(owner).\(property)", message: "unsupported allOf shape")
            }
            var inner = try typeRef(for: schema.allOf[0], owner: owner, property: property, nested: &nested)
            inner.nullable = inner.nullable || schema.nullable
            return inner
        }
        if isStructShaped(schema) || (schema.type == "object" && !schema.properties.isEmpty) {
            let name = nestedName(property, owner: owner)
            nested.append(.structure(try translateStruct(schema, name: name, componentName: nil)))
            inlineTypeNames.append("\(owner).\(name)")
            return ResolvedType(type: .named(name), nullable: schema.nullable)
        }
        return ResolvedType(type: try primitive(schema, owner: owner, property: property, nested: &nested), nullable: schema.nullable)
    }

    /// Types that need no declaration of their own: scalars, arrays and dictionaries.
    func primitive(_ schema: Schema, owner: String, property: String, nested: inout [Declaration]) throws(Diagnostic) -> TypeRef {
        switch schema.type {
        case "string":
            switch schema.format {
            case "date-time": return .named("Date")
            case "binary": return .named("Data")
            default: return .named("String")
            }
        case "integer":
            switch schema.format {
            case "int32": return .named("Int32")
            case "int64": return .named("Int64")
            default: return .named("Int")
            }
        case "number": return .named("Double")
        case "boolean": return .named("Bool")
        case "array":
            guard let items = schema.items else {
                throw Diagnostic(mark: schema.mark, context: "\(owner).\(property)", message: "array without 'items'")
            }
            let element = try typeRef(for: items, owner: owner, property: property + "Item", nested: &nested)
            return .array(element.type)
        case "object", nil:
            switch schema.additionalProperties {
            case .schema(let valueSchema):
                if valueSchema.type == nil, valueSchema.ref == nil, valueSchema.oneOf.isEmpty, valueSchema.allOf.isEmpty {
                    return .dictionary(.named("JSONValue"))
                }
                let value = try typeRef(for: valueSchema, owner: owner, property: property + "Value", nested: &nested)
                return .dictionary(value.type)
            case .allowed, nil:
                if schema.type == "object" { return .dictionary(.named("JSONValue")) }
                return .named("JSONValue")
            }
        default:
            throw Diagnostic(
                mark: schema.mark, context: "\(owner).\(property)",
                message: "unsupported schema type '\(schema.type ?? "")'")
        }
    }

    /// The name of an inline type nested in `owner`: the property's name, unless that would hide a
    /// component type (then it is prefixed with the owner's name).
    func nestedName(_ property: String, owner: String) -> String {
        let plain = SafeNames.typeName(property)
        let ownerLast = String(owner.split(separator: ".").last ?? Substring(owner))
        if componentTypeNames.contains(plain) || plain == ownerLast || Self.reservedNestedNames.contains(plain) {
            return ownerLast + plain
        }
        return plain
    }

    static let reservedNestedNames: Set<String> = [
        "CodingKeys", "Date", "Data", "String", "Int", "Bool", "Double", "JSONValue", "Type", "Self", "Protocol",
    ]

    // MARK: Components

    public func translateComponent(_ component: ComponentSchema) throws(Diagnostic) -> Declaration {
        let name = SafeNames.typeName(component.name)
        let schema = component.schema
        switch try kind(of: component.name, at: schema.mark) {
        case .identifier(let integer):
            var convertible: [String] = []
            for branch in schema.oneOf {
                guard let ref = branch.ref, case .identifier = try kind(of: ref, at: branch.mark) else {
                    throw Diagnostic(mark: branch.mark, context: component.name, message: "identifier unions may only list identifier types")
                }
                convertible.append(SafeNames.typeName(ref))
            }
            return .identifier(
                IdentifierDecl(
                    name: name, doc: doc(for: schema, component: component.name), integer: integer,
                    convertibleFrom: convertible, pattern: try identifierPattern(schema)))
        case .stringEnum:
            var decl = try translateEnum(schema, name: name)
            decl.doc = doc(for: schema, component: component.name)
            return .stringEnum(decl)
        case .structure:
            return .structure(try translateStruct(schema, name: name, componentName: component.name))
        case .filter(let value, let advanced):
            return .alias(
                TypealiasDecl(
                    name: name, doc: doc(for: schema, component: component.name),
                    target: .generic("FilterProperty", [value, .named(advanced)])))
        case .union:
            var decl = try translateUnion(schema, name: name)
            decl.doc = doc(for: schema, component: component.name)
            return .union(decl)
        case .alias:
            var nested: [Declaration] = []
            let target = try aliasTarget(schema, name: component.name, nested: &nested)
            guard nested.isEmpty else {
                throw Diagnostic(mark: schema.mark, context: component.name, message: "alias with inline types is not supported")
            }
            return .alias(TypealiasDecl(name: name, doc: doc(for: schema, component: component.name), target: target))
        }
    }

    func aliasTarget(_ schema: Schema, name: String, nested: inout [Declaration]) throws(Diagnostic) -> TypeRef {
        if schema.allOf.count == 1 {
            return try typeRef(for: schema.allOf[0], owner: name, property: "value", nested: &nested).type
        }
        return try primitive(schema, owner: name, property: "value", nested: &nested)
    }

    func translateEnum(_ schema: Schema, name: String) throws(Diagnostic) -> StringEnumDecl {
        let deprecatedMembers = schema.deprecatedEnumMembers
        var cases: [EnumCaseDecl] = []
        var used: Set<String> = ["undocumented", "allCases", "rawValue", "description"]
        for value in schema.enumValues ?? [] {
            let swiftName = SafeNames.memberName(value)
            guard used.insert(swiftName).inserted else {
                throw Diagnostic(
                    mark: schema.mark, context: name,
                    message: "enum value '\(value)' collides with another case as '\(swiftName)'")
            }
            cases.append(EnumCaseDecl(swiftName: swiftName, wireValue: value, deprecated: deprecatedMembers.contains(value)))
        }
        return StringEnumDecl(name: name, doc: doc(for: schema, component: nil), cases: cases)
    }

    /// All properties of a schema with `allOf` flattened: parents first, own properties last.
    func flattenedProperties(
        _ schema: Schema, visiting: inout Set<String>
    ) throws(Diagnostic) -> (properties: [(name: String, schema: Schema)], required: Set<String>, added: [String: String]) {
        var properties: [(name: String, schema: Schema)] = []
        var required: Set<String> = []
        var added: [String: String] = [:]
        func merge(_ more: [(name: String, schema: Schema)]) {
            for p in more {
                if let index = properties.firstIndex(where: { $0.name == p.name }) {
                    properties[index] = p
                } else {
                    properties.append(p)
                }
            }
        }
        for member in schema.allOf {
            if let ref = member.ref {
                guard visiting.insert(ref).inserted else {
                    throw Diagnostic(mark: member.mark, context: ref, message: "allOf cycle through '\(ref)'")
                }
                let target = try component(ref, at: member.mark).schema
                let inner = try flattenedProperties(target, visiting: &visiting)
                visiting.remove(ref)
                merge(inner.properties)
                required.formUnion(inner.required)
                added.merge(inner.added) { _, new in new }
            } else {
                let inner = try flattenedProperties(member, visiting: &visiting)
                merge(inner.properties)
                required.formUnion(inner.required)
                added.merge(inner.added) { _, new in new }
            }
        }
        merge(schema.properties)
        required.formUnion(schema.required)
        added.merge(schema.propertiesAddedInVersion) { _, new in new }
        return (properties, required, added)
    }

    func translateStruct(_ schema: Schema, name: String, componentName: String?) throws(Diagnostic) -> StructDecl {
        var visiting: Set<String> = componentName.map { [$0] } ?? []
        let flat = try flattenedProperties(schema, visiting: &visiting)
        var nested: [Declaration] = []
        var properties: [PropertyDecl] = []
        var usedNames: Set<String> = []
        let lenient = componentName.map { Self.lenientSchemas.contains($0) } ?? false
        let discriminatorProps = componentName.flatMap { discriminatorBranches[$0] } ?? []
        for (wireName, propSchema) in flat.properties {
            let swiftName = SafeNames.memberName(wireName)
            guard usedNames.insert(swiftName).inserted else {
                throw Diagnostic(
                    mark: propSchema.mark, context: "\(name).\(wireName)",
                    message: "property '\(wireName)' collides with another property as '\(swiftName)'")
            }
            var resolved = try typeRef(for: propSchema, owner: name, property: wireName, nested: &nested)
            let propDoc = propertyDoc(propSchema, addedIn: flat.added[wireName])
            if resolved.type == .named("Date"), Self.clearedByEmptyString(propSchema, name: wireName, parent: schema) {
                resolved.type = .named("DateUpdate")
            }
            let required = flat.required.contains(wireName)
            let addedLater = flat.added[wireName].map(Self.isAfterBaseline) ?? false
            let optional =
                !required || resolved.nullable || lenient || addedLater || discriminatorProps.contains(wireName)
            properties.append(
                PropertyDecl(
                    swiftName: swiftName, wireName: wireName, type: resolved.type, optional: optional,
                    defaultsToNil: optional && (!required || lenient || discriminatorProps.contains(wireName)), doc: propDoc))
        }
        var conformances: [String] = []
        if let page = properties.first(where: { $0.wireName == "page" }) {
            if page.type == .named("SearchQueryPageRequest"), page.optional { conformances.append("PaginatedSearchQuery") }
            if page.type == .named("SearchQueryPageResponse"), !page.optional,
                let items = properties.first(where: { $0.wireName == "items" }), case .array = items.type
            {
                conformances.append("PaginatedSearchResult")
            }
        }
        return StructDecl(
            name: name, doc: doc(for: schema, component: componentName), properties: properties, nested: nested,
            conformances: conformances)
    }

    /// Date-time properties the spec says are cleared by sending an empty string, either in their
    /// own description or in a bullet of the parent's (`* `dueDate` - clear by providing an empty String`).
    static func clearedByEmptyString(_ schema: Schema, name: String, parent: Schema) -> Bool {
        if (schema.description ?? "").lowercased().contains("empty string") { return true }
        let parentText = parent.description ?? ""
        return parentText.split(separator: "\n").contains { line in
            line.contains("`\(name)`") && line.lowercased().contains("empty string")
        }
    }

    static func isAfterBaseline(_ version: String) -> Bool {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        return parts.lexicographicallyPrecedes(baselineVersion) == false && parts != baselineVersion
            && parts.count >= 2
    }

    /// The object cases of a component union used as a request body, for convenience overloads:
    /// (case name, payload type).
    public func bodyUnionBranches(_ type: TypeRef) -> [(caseName: String, payload: TypeRef)] {
        guard case .named(let name) = type, let component = document.schemas.first(where: { SafeNames.typeName($0.name) == name }),
            case .union? = try? kind(of: component.name, at: component.schema.mark),
            let decl = try? translateUnion(component.schema, name: name)
        else { return [] }
        return decl.cases.filter { c in
            if case .named(let payload) = c.payload, document.schemas.contains(where: { SafeNames.typeName($0.name) == payload }) {
                return c.shape.map { if case .object = $0 { true } else { false } } ?? true
            }
            return false
        }.map { ($0.swiftName, $0.payload) }
    }

    func translateUnion(_ schema: Schema, name: String) throws(Diagnostic) -> UnionDecl {
        var cases: [UnionCaseDecl] = []
        var nested: [Declaration] = []
        var used: Set<String> = ["undocumented"]
        if let discriminator = schema.discriminator {
            guard !discriminator.mapping.isEmpty else {
                throw Diagnostic(mark: schema.mark, context: name, message: "discriminator without mapping is not supported")
            }
            for (tag, branch) in discriminator.mapping {
                let swiftName = SafeNames.memberName(tag)
                guard used.insert(swiftName).inserted else {
                    throw Diagnostic(mark: schema.mark, context: name, message: "discriminator value '\(tag)' collides as '\(swiftName)'")
                }
                _ = try component(branch, at: schema.mark)
                cases.append(UnionCaseDecl(swiftName: swiftName, payload: .named(SafeNames.typeName(branch)), tag: tag, shape: nil))
            }
            return UnionDecl(name: name, doc: doc(for: schema, component: nil), discriminator: discriminator.propertyName, cases: cases, nested: nested)
        }
        for (index, branch) in schema.oneOf.enumerated() {
            let shape = try self.shape(of: branch, context: name)
            let swiftName: String
            if let ref = branch.ref {
                // `ProcessInstanceCreationInstructionById` in `ProcessInstanceCreationInstruction` → `byId`.
                let typeName = SafeNames.typeName(ref)
                let remainder = typeName.hasPrefix(name) ? String(typeName.dropFirst(name.count)) : ""
                swiftName = SafeNames.memberName(remainder.first?.isUppercase == true ? remainder : typeName)
            } else if let title = branch.title, !title.isEmpty {
                swiftName = SafeNames.memberName(title)
            } else {
                switch shape {
                case .string: swiftName = "string"
                case .integer: swiftName = "integer"
                case .number: swiftName = "number"
                case .boolean: swiftName = "bool"
                case .array: swiftName = "array"
                case .object: swiftName = "option\(index + 1)"
                }
            }
            guard used.insert(swiftName).inserted else {
                throw Diagnostic(mark: branch.mark, context: name, message: "union branches collide as '\(swiftName)'")
            }
            let payload = try typeRef(for: branch, owner: name, property: SafeNames.typeName(swiftName), nested: &nested)
            cases.append(UnionCaseDecl(swiftName: swiftName, payload: payload.type, tag: nil, shape: shape))
        }
        return UnionDecl(name: name, doc: doc(for: schema, component: nil), discriminator: nil, cases: cases, nested: nested)
    }

    /// The JSON shape a union branch takes, to pick it when decoding.
    func shape(of schema: Schema, context: String) throws(Diagnostic) -> UnionShape {
        if let ref = schema.ref {
            let target = try component(ref, at: schema.mark).schema
            switch try kind(of: ref, at: schema.mark) {
            case .identifier(let integer): return integer ? .integer : .string
            case .stringEnum: return .string
            case .structure:
                var visiting: Set<String> = [ref]
                let flat = try flattenedProperties(target, visiting: &visiting)
                return .object(required: flat.properties.map(\.name).filter(flat.required.contains), known: flat.properties.map(\.name))
            case .union, .filter:
                throw Diagnostic(mark: schema.mark, context: context, message: "nested unions without discriminator are not supported")
            case .alias:
                return try shape(of: target, context: context)
            }
        }
        if schema.enumValues != nil { return .string }
        if schema.allOf.count == 1, !isStructShaped(schema) { return try shape(of: schema.allOf[0], context: context) }
        if isStructShaped(schema) || !schema.properties.isEmpty {
            var visiting: Set<String> = []
            let flat = try flattenedProperties(schema, visiting: &visiting)
            return .object(required: flat.properties.map(\.name).filter(flat.required.contains), known: flat.properties.map(\.name))
        }
        switch schema.type {
        case "string": return .string
        case "integer": return .integer
        case "number": return .number
        case "boolean": return .boolean
        case "array": return .array
        case "object": return .object(required: [], known: [])
        default:
            throw Diagnostic(mark: schema.mark, context: context, message: "cannot tell this union branch apart when decoding")
        }
    }

    // MARK: Documentation

    func doc(for schema: Schema, component: String?) -> Documentation {
        var lines: [String] = []
        if let title = schema.title, component != nil, title != schema.description { lines.append(title) }
        if let description = schema.description { lines.append(contentsOf: Self.paragraphLines(description)) }
        if let version = schema.addedInVersion { lines += ["", "Added in \(version)."] }
        if let component { lines += ["", "- Remark: Generated from `#/components/schemas/\(component)`."] }
        while lines.first == "" { lines.removeFirst() }
        return Documentation(lines: lines, deprecated: schema.deprecated)
    }

    func propertyDoc(_ schema: Schema, addedIn: String?) -> Documentation {
        var lines: [String] = []
        var description = schema.description
        if description == nil, schema.allOf.count == 1, let ref = schema.allOf[0].ref {
            description = document.schema(named: ref)?.schema.description
        }
        if description == nil, let ref = schema.ref { description = document.schema(named: ref)?.schema.description }
        if let description { lines += Self.paragraphLines(description) }
        if let addedIn { lines += ["", "Added in \(addedIn)."] }
        while lines.first == "" { lines.removeFirst() }
        return Documentation(lines: lines, deprecated: schema.deprecated)
    }

    static func paragraphLines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0).replacingOccurrences(of: "\t", with: "    ").trimmingTrailingSpaces()
        }
        while lines.last == "" { lines.removeLast() }
        return lines
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
