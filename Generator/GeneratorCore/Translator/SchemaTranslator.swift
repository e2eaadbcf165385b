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
        /// A component that only restates another component's semantic type (`JobKeyExactMatch` with
        /// `x-semantic-type: JobKey`): a typealias of that identifier, so both name one Swift type.
        case identifierAlias(String)
        /// A copy a bundler made of another component (see ``SchemaIdentity``): a typealias of it.
        case sameAs(String)
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
    let identity: SchemaIdentity
    /// Valid constructs mapped approximately, each naming its schema.
    public private(set) var warnings: [Diagnostic] = []
    /// Top-level types the generator creates for inline schemas that have no component of their own
    /// (identifiers named by an inline `x-semantic-type`, the value types of aliases), by name.
    public private(set) var synthesized: [String: Declaration] = [:]
    public private(set) var synthesizedOrder: [String] = []

    func warn(_ mark: SourceMark, _ context: String, _ message: String) {
        let warning = Diagnostic(severity: .warning, mark: mark, context: context, message: message)
        if !warnings.contains(warning) { warnings.append(warning) }
    }

    public init(document: OpenAPIDocument) {
        self.document = document
        self.componentTypeNames = Set(document.schemas.map { SafeNames.typeName($0.name) })
        self.identity = SchemaIdentity(document: document)
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
        if let original = formatComponent(schema, excluding: name) {
            if case .identifier? = try? kind(of: original, at: schema.mark) { return .identifierAlias(SafeNames.typeName(original)) }
            return .sameAs(original)
        }
        if let semantic = schema.semanticType {
            if semantic != name, let target = semanticComponent(semantic, at: schema.mark) { return .identifierAlias(target) }
            return .identifier(integer: schema.type == "integer")
        }
        if let original = identity.originals[name] { return .sameAs(original) }
        if schema.enumValues != nil, Self.isStringEnum(schema) { return .stringEnum }
        if !unionBranches(schema).isEmpty {
            if let (value, advanced) = try filterTemplate(schema, context: name) {
                return .filter(value: value, advanced: advanced)
            }
            if try isIdentifierUnion(schema) { return .identifier(integer: false) }
            return .union
        }
        if isStructShaped(schema) { return .structure }
        return .alias
    }

    /// The component a schema's `format` names, when it names one (other than `excluding`): bundlers
    /// leave the original's name there when they copy a schema (`format: JobStateEnum`).
    func formatComponent(_ schema: Schema, excluding: String?) -> String? {
        guard let format = schema.format, format != excluding, !SchemaIdentity.standardFormats.contains(format),
            format.first?.isUppercase == true, document.schema(named: format) != nil
        else { return nil }
        return format
    }

    /// The component that declares semantic type `semantic` as an identifier, by Swift name.
    func semanticComponent(_ semantic: String, at mark: SourceMark) -> String? {
        guard let component = document.schema(named: semantic), component.schema.semanticType == semantic else { return nil }
        return SafeNames.typeName(semantic)
    }

    /// `oneOf`, or `anyOf` (decoded the same way: the first branch that fits wins).
    func unionBranches(_ schema: Schema) -> [Schema] {
        schema.oneOf.isEmpty ? schema.anyOf : schema.oneOf
    }

    /// Enums of strings (or of no declared type) become tolerant Swift enums; enums of numbers or
    /// booleans keep their plain type (the allowed values go into the documentation).
    static func isStringEnum(_ schema: Schema) -> Bool {
        schema.type == nil || schema.type == "string"
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
        guard schema.discriminator == nil, !unionBranches(schema).isEmpty else { return false }
        for branch in unionBranches(schema) {
            guard let ref = branch.ref, let target = try identifierName(ref, at: branch.mark), !target.integer else { return false }
        }
        return true
    }

    /// The identifier type a component stands for (itself, or the one it aliases) and whether it is an integer.
    func identifierName(_ ref: String, at mark: SourceMark) throws(Diagnostic) -> (name: String, integer: Bool)? {
        switch try kind(of: ref, at: mark) {
        case .identifier(let integer): return (SafeNames.typeName(ref), integer)
        case .identifierAlias(let target):
            guard let component = document.schema(named: target) else { return nil }
            return (target, component.schema.type == "integer")
        default: return nil
        }
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
        var exact = schema.oneOf[0]
        guard let advanced = schema.oneOf[1].ref, advanced.hasPrefix("Advanced") else { return nil }
        if let ref = exact.ref {
            // A bundled spec names the exact-match branch as a component (`JobKeyExactMatch`, `NameExactMatch`).
            if let identifier = try identifierName(ref, at: exact.mark) { return (.named(identifier.name), advanced) }
            if case .sameAs(let original) = try kind(of: ref, at: exact.mark) { return (.named(SafeNames.typeName(original)), advanced) }
            if case .stringEnum = try kind(of: ref, at: exact.mark) { return (.named(SafeNames.typeName(ref)), advanced) }
            let target = try component(ref, at: exact.mark).schema
            guard case .alias = try kind(of: ref, at: exact.mark), target.allOf.isEmpty, target.enumValues == nil else { return nil }
            exact = target
        }
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
            let nullable = schema.nullable || target.schema.nullable
            switch try kind(of: ref, at: schema.mark) {
            case .sameAs(let original):
                return ResolvedType(type: .named(SafeNames.typeName(original)), nullable: nullable)
            case .alias where identity.hoisted.contains(ref) && target.schema.allOf.isEmpty:
                // A map, array or scalar a bundler named: typed as the inline schema it was, its own
                // inline types nested in the owner as before.
                var inner = try typeRef(for: target.schema, owner: owner, property: property, nested: &nested)
                inner.nullable = inner.nullable || nullable
                return inner
            default: break
            }
            return ResolvedType(type: .named(SafeNames.typeName(ref)), nullable: nullable)
        }
        if let original = formatComponent(schema, excluding: nil) {
            return ResolvedType(type: .named(SafeNames.typeName(original)), nullable: schema.nullable)
        }
        if schema.enumValues != nil || !unionBranches(schema).isEmpty || !schema.properties.isEmpty,
            let component = identity.component(matching: schema)
        {
            return ResolvedType(type: .named(SafeNames.typeName(component)), nullable: schema.nullable)
        }
        if let semantic = schema.semanticType {
            return ResolvedType(type: .named(try semanticIdentifier(semantic, schema: schema, context: "\(owner).\(property)")), nullable: schema.nullable)
        }
        if schema.enumValues != nil, Self.isStringEnum(schema) {
            let name = nestedName(property, owner: owner)
            nested.append(.stringEnum(try translateEnum(schema, name: name)))
            inlineTypeNames.append(owner.isEmpty ? name : "\(owner).\(name)")
            return ResolvedType(type: .named(name), nullable: schema.nullable)
        }
        if !unionBranches(schema).isEmpty {
            if let (value, advanced) = try filterTemplate(schema, context: "\(owner).\(property)") {
                let generic = TypeRef.generic("FilterProperty", [value, .named(advanced)])
                return ResolvedType(type: filterAliases[generic].map { .named($0) } ?? generic, nullable: schema.nullable)
            }
            if let union = try uniqueUnionBranch(schema, owner: owner, property: property, nested: &nested) { return union }
            let name = nestedName(property, owner: owner)
            if try isIdentifierUnion(schema) {
                nested.append(.identifier(IdentifierDecl(
                    name: name, doc: doc(for: schema, component: nil), integer: false,
                    convertibleFrom: try identifierUnionMembers(schema), pattern: nil)))
                inlineTypeNames.append(owner.isEmpty ? name : "\(owner).\(name)")
                return ResolvedType(type: .named(name), nullable: schema.nullable)
            }
            guard let union = try unionOrNil(schema, name: name, context: "\(owner).\(property)") else {
                return ResolvedType(type: .named("JSONValue"), nullable: schema.nullable)
            }
            nested.append(.union(union))
            inlineTypeNames.append(owner.isEmpty ? name : "\(owner).\(name)")
            return ResolvedType(type: .named(name), nullable: schema.nullable)
        }
        if !schema.allOf.isEmpty, !isStructShaped(schema) {
            // A wrapper around one schema that adds documentation, a format or `nullable`.
            guard schema.allOf.count == 1 else {
                warn(schema.mark, "\(owner).\(property)", "allOf of several non-object schemas: typed as JSONValue")
                return ResolvedType(type: .named("JSONValue"), nullable: schema.nullable)
            }
            var inner = try typeRef(for: schema.allOf[0], owner: owner, property: property, nested: &nested)
            inner.nullable = inner.nullable || schema.nullable
            return inner
        }
        if isStructShaped(schema) || (schema.type == "object" && !schema.properties.isEmpty) {
            let name = nestedName(property, owner: owner)
            nested.append(.structure(try translateStruct(schema, name: name, componentName: nil)))
            inlineTypeNames.append(owner.isEmpty ? name : "\(owner).\(name)")
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
            warn(schema.mark, "\(owner).\(property)", "unknown schema type '\(schema.type ?? "")': typed as JSONValue")
            return .named("JSONValue")
        }
    }

    // MARK: Shapes a bundled spec inlines

    /// Filter-property components by the generic type they stand for, so that an inline filter
    /// property (a bundled spec inlines them) gets the same Swift name as a `$ref` to the component.
    /// When several components have the same shape the first in document order wins.
    lazy var filterAliases: [TypeRef: String] = {
        var result: [TypeRef: String] = [:]
        for component in document.schemas {
            if case .filter(let value, let advanced)? = try? kind(of: component.name, at: component.schema.mark) {
                let generic = TypeRef.generic("FilterProperty", [value, .named(advanced)])
                if result[generic] == nil { result[generic] = SafeNames.typeName(component.name) }
            }
        }
        return result
    }()

    /// The Swift type of an inline `x-semantic-type`: the component that declares it, or else an
    /// identifier type of that name created once for the whole API.
    func semanticIdentifier(_ semantic: String, schema: Schema, context: String) throws(Diagnostic) -> String {
        if let component = semanticComponent(semantic, at: schema.mark) { return component }
        let name = SafeNames.typeName(semantic)
        if synthesized[name] == nil {
            guard !componentTypeNames.contains(name) else {
                warn(schema.mark, context, "x-semantic-type '\(semantic)' names a component that is not an identifier: typed as its plain type")
                return name
            }
            var identifierDoc = Documentation(lines: ["The `\(semantic)` identifier (an inline `x-semantic-type` of the spec)."])
            if let description = schema.description { identifierDoc.lines += [""] + Self.paragraphLines(description) }
            synthesize(.identifier(IdentifierDecl(
                name: name, doc: identifierDoc, integer: schema.type == "integer", convertibleFrom: [], pattern: schema.pattern)))
        }
        return name
    }

    func synthesize(_ declaration: Declaration) {
        guard synthesized[declaration.name] == nil else { return }
        synthesized[declaration.name] = declaration
        synthesizedOrder.append(declaration.name)
        inlineTypeNames.append(declaration.name)
    }

    /// The identifier types an identifier union converts from.
    func identifierUnionMembers(_ schema: Schema) throws(Diagnostic) -> [String] {
        var names: [String] = []
        for branch in unionBranches(schema) {
            guard let ref = branch.ref, let identifier = try identifierName(ref, at: branch.mark) else { continue }
            if !names.contains(identifier.name) { names.append(identifier.name) }
        }
        return names
    }

    /// A `oneOf` with a single branch (once `null` branches are dropped) is that branch.
    func uniqueUnionBranch(
        _ schema: Schema, owner: String, property: String, nested: inout [Declaration]
    ) throws(Diagnostic) -> ResolvedType? {
        let branches = unionBranches(schema)
        guard branches.count == 1, schema.discriminator == nil else { return nil }
        var inner = try typeRef(for: branches[0], owner: owner, property: property, nested: &nested)
        inner.nullable = inner.nullable || schema.nullable
        return inner
    }

    /// The union, or `nil` (with a warning: the value is then typed `JSONValue`) when its branches
    /// cannot be told apart when decoding.
    func unionOrNil(_ schema: Schema, name: String, context: String) throws(Diagnostic) -> UnionDecl? {
        do {
            return try translateUnion(schema, name: name)
        } catch let diagnostic where diagnostic.severity == .warning {
            warn(diagnostic.mark, context, diagnostic.message + ": typed as JSONValue")
            return nil
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

    /// The declaration of a component schema, plus the top-level types it needs of its own (the
    /// value type of an alias such as a map whose values are a union).
    public func translateComponent(_ component: ComponentSchema) throws(Diagnostic) -> [Declaration] {
        let name = SafeNames.typeName(component.name)
        let schema = component.schema
        switch try kind(of: component.name, at: schema.mark) {
        case .identifierAlias(let target):
            return [.alias(TypealiasDecl(name: name, doc: doc(for: schema, component: component.name), target: .named(target)))]
        case .sameAs(let original):
            return [.alias(TypealiasDecl(name: name, doc: doc(for: schema, component: component.name), target: .named(SafeNames.typeName(original))))]
        case .identifier(let integer):
            var convertible: [String] = []
            for branch in unionBranches(schema) {
                guard let ref = branch.ref, let identifier = try identifierName(ref, at: branch.mark) else {
                    warn(branch.mark, component.name, "identifier union with a branch that is not an identifier: branch left out of the conversions")
                    continue
                }
                convertible.append(identifier.name)
            }
            return [.identifier(
                IdentifierDecl(
                    name: name, doc: doc(for: schema, component: component.name), integer: integer,
                    convertibleFrom: convertible, pattern: try identifierPattern(schema)))]
        case .stringEnum:
            var decl = try translateEnum(schema, name: name)
            decl.doc = doc(for: schema, component: component.name)
            return [.stringEnum(decl)]
        case .structure:
            return [.structure(try translateStruct(schema, name: name, componentName: component.name))]
        case .filter(let value, let advanced):
            return [.alias(
                TypealiasDecl(
                    name: name, doc: doc(for: schema, component: component.name),
                    target: .generic("FilterProperty", [value, .named(advanced)])))]
        case .union:
            guard var decl = try unionOrNil(schema, name: name, context: component.name) else {
                return [.alias(TypealiasDecl(name: name, doc: doc(for: schema, component: component.name), target: .named("JSONValue")))]
            }
            decl.doc = doc(for: schema, component: component.name)
            return [.union(decl)]
        case .alias:
            var nested: [Declaration] = []
            let target = try aliasTarget(schema, name: component.name, nested: &nested)
            // A typealias cannot hold nested types: the inline types it needs become top-level ones,
            // named after the alias (`VariableValue` for the values of `Variables`).
            var declarations: [Declaration] = [
                .alias(TypealiasDecl(name: name, doc: doc(for: schema, component: component.name), target: target))
            ]
            declarations += nested
            return declarations
        }
    }

    func aliasTarget(_ schema: Schema, name: String, nested: inout [Declaration]) throws(Diagnostic) -> TypeRef {
        let owner = SafeNames.typeName(name)
        if schema.allOf.count == 1 {
            return try typeRef(for: schema.allOf[0], owner: "", property: owner + "Value", nested: &nested).type
        }
        if schema.allOf.count > 1 {
            warn(schema.mark, name, "allOf of several non-object schemas: typed as JSONValue")
            return .named("JSONValue")
        }
        if let not = schema.not, schema.type == nil, schema.properties.isEmpty {
            _ = not
            return .named("JSONValue")
        }
        return try primitive(schema, owner: "", property: owner, nested: &nested)
    }

    func translateEnum(_ schema: Schema, name: String) throws(Diagnostic) -> StringEnumDecl {
        let deprecatedMembers = schema.deprecatedEnumMembers
        var cases: [EnumCaseDecl] = []
        var used: Set<String> = ["undocumented", "allCases", "rawValue", "description"]
        for value in schema.enumValues ?? [] {
            let base = SafeNames.memberName(value)
            let swiftName = Self.claim(base, in: &used)
            if swiftName != base {
                warn(schema.mark, name, "enum value '\(value)' collides with another case as '\(base)': named '\(swiftName)'")
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
            let base = SafeNames.memberName(wireName)
            let swiftName = Self.claim(base, in: &usedNames)
            if swiftName != base {
                warn(propSchema.mark, "\(name).\(wireName)", "property '\(wireName)' collides with another property as '\(base)': named '\(swiftName)'")
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
                let items = properties.first(where: { $0.wireName == "items" }), !items.optional, case .array = items.type
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

    /// `name`, or `name2`, `name3`, ... when taken: the first free one, now taken.
    static func claim(_ name: String, in used: inout Set<String>) -> String {
        if used.insert(name).inserted { return name }
        var index = 2
        while !used.insert("\(name)\(index)").inserted { index += 1 }
        return "\(name)\(index)"
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
            var mapping = discriminator.mapping
            if mapping.isEmpty {
                // OpenAPI's implicit mapping: each `$ref` branch is tagged with its component's name.
                mapping = unionBranches(schema).compactMap { branch in branch.ref.map { ($0, $0) } }
            }
            for (tag, branch) in mapping {
                let base = SafeNames.memberName(tag)
                let swiftName = Self.claim(base, in: &used)
                if swiftName != base {
                    warn(schema.mark, name, "discriminator value '\(tag)' collides as '\(base)': named '\(swiftName)'")
                }
                _ = try component(branch, at: schema.mark)
                cases.append(UnionCaseDecl(swiftName: swiftName, payload: .named(SafeNames.typeName(branch)), tag: tag, shape: nil))
            }
            return UnionDecl(name: name, doc: doc(for: schema, component: nil), discriminator: discriminator.propertyName, cases: cases, nested: nested)
        }
        if !schema.anyOf.isEmpty, schema.oneOf.isEmpty {
            warn(schema.mark, name, "anyOf is decoded as oneOf: the first branch that fits is kept (values matching several keep one)")
        }
        for (index, branch) in unionBranches(schema).enumerated() {
            let shape = try self.shape(of: branch, context: name)
            var swiftName: String
            if let ref = branch.ref {
                // `ProcessInstanceCreationInstructionById` in `ProcessInstanceCreationInstruction` → `byId`.
                let typeName = SafeNames.typeName(ref)
                let remainder = typeName.hasPrefix(name) ? String(typeName.dropFirst(name.count)) : ""
                swiftName = SafeNames.memberName(remainder.first?.isUppercase == true ? remainder : typeName)
                if identity.hoisted.contains(ref), ref.hasSuffix("ExactMatch") {
                    swiftName = "exactMatch"  // a bundler's name for the inline `Exact match` branch
                }
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
            if !used.insert(swiftName).inserted {
                swiftName += "\(index + 1)"
                used.insert(swiftName)
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
                throw Diagnostic(severity: .warning, mark: schema.mark, context: context, message: "a union nested in a union without discriminator cannot be decoded by shape")
            case .alias:
                return try shape(of: target, context: context)
            case .identifierAlias(let identifier):
                return document.schema(named: identifier)?.schema.type == "integer" ? .integer : .string
            case .sameAs(let original):
                return try shape(of: Schema.reference(to: original, at: schema.mark), context: context)
            }
        }
        if schema.semanticType != nil { return schema.type == "integer" ? .integer : .string }
        if schema.enumValues != nil, Self.isStringEnum(schema) { return .string }
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
            throw Diagnostic(severity: .warning, mark: schema.mark, context: context, message: "a union branch of no JSON type cannot be told apart when decoding")
        }
    }

    // MARK: Documentation

    func doc(for schema: Schema, component: String?) -> Documentation {
        var lines: [String] = []
        if let title = schema.title, component != nil, title != schema.description { lines.append(title) }
        if let description = schema.description { lines.append(contentsOf: Self.paragraphLines(description)) }
        if let version = schema.addedInVersion { lines += ["", "Added in \(version)."] }
        lines += approximationNotes(schema)
        if let component { lines += ["", "- Remark: Generated from `#/components/schemas/\(component)`."] }
        while lines.first == "" { lines.removeFirst() }
        return Documentation(lines: lines, deprecated: schema.deprecated)
    }

    /// What the Swift type cannot say of the schema: `not`, and the allowed values of a numeric enum.
    func approximationNotes(_ schema: Schema) -> [String] {
        var lines: [String] = []
        if let not = schema.not {
            let what = not.ref.map { "``\(SafeNames.typeName($0))``" } ?? not.type.map { "a `\($0)`" } ?? "the schema given by `not`"
            lines += ["", "- Important: the spec says the value must not be \(what) (`not`); Swift cannot check that."]
        }
        if let values = schema.enumValues, !Self.isStringEnum(schema) {
            lines += ["", "- Important: allowed values: \(values.map { "`\($0)`" }.joined(separator: ", "))."]
        }
        return lines
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
        lines += approximationNotes(schema)
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
