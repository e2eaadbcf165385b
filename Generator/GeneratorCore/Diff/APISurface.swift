import Foundation

/// The generated Swift API of one spec as declarations, before rendering: what `translate` turns
/// into text, plus the spec's `x-added-in-version` annotations keyed by Swift names.
public struct GeneratedDeclarations {
    public var document: OpenAPIDocument
    /// One declaration per component schema, in document order.
    public var components: [Declaration]
    /// Top-level types created for inline request and response schemas of operations.
    public var inline: [Declaration]
    public var operations: [OperationDecl]
    /// Swift type name → `x-added-in-version` of its component schema.
    public var typeAddedIn: [String: String]
    /// Swift type name → property wire name → version, from `x-properties-added-in-version`
    /// (flattened through `allOf`, as the translator does) or the property schema's own
    /// `x-added-in-version`.
    public var propertyAddedIn: [String: [String: String]]
    /// `operationId` → `x-added-in-version`.
    public var operationAddedIn: [String: String]
}

extension GeneratorPipeline {
    /// Loads a spec and translates it into declarations, without rendering them.
    public static func declarations(reader: any SpecFileReader, entry: String) throws(Diagnostic) -> GeneratedDeclarations {
        let loader = SpecLoader(reader: reader)
        let document = try ModelBuilder(loader: loader).build(entry: entry)
        return try declarations(document)
    }

    /// The declarations `translate` renders, made by the same translator calls and the same
    /// name-collision checks, so a spec `translate` refuses is refused here too.
    public static func declarations(_ document: OpenAPIDocument) throws(Diagnostic) -> GeneratedDeclarations {
        let schemas = SchemaTranslator(document: document)

        let owners = try componentOwners(document)

        var components: [Declaration] = []
        var typeAddedIn: [String: String] = [:]
        var propertyAddedIn: [String: [String: String]] = [:]
        for component in document.schemas {
            let declarations = try schemas.translateComponent(component)
            components += declarations
            guard let declaration = declarations.first else { continue }
            let name = declaration.name
            if let version = component.schema.addedInVersion { typeAddedIn[name] = version }
            if case .structure = declaration {
                var visiting: Set<String> = [component.name]
                let flat = try schemas.flattenedProperties(component.schema, visiting: &visiting)
                var versions: [String: String] = [:]
                for (wireName, propSchema) in flat.properties {
                    if let version = flat.added[wireName] ?? propSchema.addedInVersion { versions[wireName] = version }
                }
                if !versions.isEmpty { propertyAddedIn[name] = versions }
            }
        }

        let operations = OperationTranslator(schemas: schemas)
        var operationDecls: [OperationDecl] = []
        var operationAddedIn: [String: String] = [:]
        for op in document.operations {
            operationDecls.append(try operations.translate(op))
            if let version = op.addedInVersion { operationAddedIn[op.operationID] = version }
        }
        for decl in operations.inlineDeclarations where owners[decl.name] != nil {
            throw Diagnostic(
                mark: SourceMark(file: "", line: 0, column: 0), context: decl.name,
                message: "inline type name '\(decl.name)' collides with a component schema")
        }
        components += schemas.synthesizedOrder.sorted().compactMap { schemas.synthesized[$0] }
        return GeneratedDeclarations(
            document: document, components: components, inline: operations.inlineDeclarations,
            operations: operationDecls, typeAddedIn: typeAddedIn, propertyAddedIn: propertyAddedIn,
            operationAddedIn: operationAddedIn)
    }
}

/// The public surface of a generated SDK, indexed for comparison: every type by its qualified
/// Swift name (nested types as `Owner.Nested`) and every operation by `operationId`.
public struct APISurface {
    public struct TypeEntry {
        public var qualifiedName: String
        public var declaration: Declaration
        public var addedIn: String?
        public var propertyAddedIn: [String: String]
    }

    public var types: [String: TypeEntry] = [:]
    public var operations: [String: OperationDecl] = [:]
    public var operationAddedIn: [String: String] = [:]

    public init(_ generated: GeneratedDeclarations) {
        for declaration in generated.components + generated.inline {
            add(declaration, qualifier: nil, generated: generated)
        }
        for op in generated.operations { operations[op.operationID] = op }
        operationAddedIn = generated.operationAddedIn
    }

    /// Loads a spec from its entry file on disk (files it references are read from its folder).
    public static func load(entryFile path: String) throws(Diagnostic) -> APISurface {
        let url = URL(fileURLWithPath: path)
        let generated = try GeneratorPipeline.declarations(
            reader: DiskFileReader(root: url.deletingLastPathComponent()), entry: url.lastPathComponent)
        return APISurface(generated)
    }

    private mutating func add(_ declaration: Declaration, qualifier: String?, generated: GeneratedDeclarations) {
        let qualified = qualifier.map { "\($0).\(declaration.name)" } ?? declaration.name
        let top = qualifier == nil
        types[qualified] = TypeEntry(
            qualifiedName: qualified, declaration: declaration,
            addedIn: top ? generated.typeAddedIn[declaration.name] : nil,
            propertyAddedIn: top ? generated.propertyAddedIn[declaration.name] ?? [:] : [:])
        let nested: [Declaration]
        switch declaration {
        case .structure(let d): nested = d.nested
        case .union(let d): nested = d.nested
        case .stringEnum, .identifier, .alias: nested = []
        }
        for inner in nested { add(inner, qualifier: qualified, generated: generated) }
    }
}
