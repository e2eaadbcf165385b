/// Which generated file holds a component schema's declarations.
///
/// A multi-file spec keeps its own grouping: the schemas of `jobs.yaml` go to `Models+Jobs.swift`.
/// A bundled spec has every schema in one file, which would make one source file of ~40 000 lines
/// (slow to compile incrementally, hard to read); its schemas are grouped instead by the operation
/// tag that uses them: a schema reached from the operations of one tag only goes to that tag's file
/// (`Models+Job.swift`), identifiers shared by several tags to `Models+Keys.swift`, shared filters to
/// `Models+Filters.swift`, and the rest to `Models+Shared.swift`. Deterministic: it depends only on
/// the spec.
struct ModelFileGrouping {
    private let byComponent: [String: String]?

    init(document: OpenAPIDocument, schemas: SchemaTranslator) {
        let entryFiles = Set(document.schemas.map(\.file))
        guard entryFiles.count == 1, document.operations.count > 1 else {
            byComponent = nil
            return
        }
        // The tags that reach each component, through every kind of reference.
        var tagsOf: [String: Set<String>] = [:]
        for op in document.operations {
            let tag = op.tags.first ?? "Default"
            var roots: [Schema] = op.parameters.map(\.schema)
            roots += op.requestBody?.content.compactMap(\.schema) ?? []
            roots += op.responses.flatMap { $0.content.compactMap(\.schema) }
            var seen: Set<String> = []
            var pending: [Schema] = roots
            while let schema = pending.popLast() {
                if let ref = schema.ref {
                    guard seen.insert(ref).inserted, let target = document.schema(named: ref) else { continue }
                    tagsOf[ref, default: []].insert(tag)
                    pending.append(target.schema)
                }
                pending += Self.children(of: schema)
                if let discriminator = schema.discriminator {
                    for (_, name) in discriminator.mapping {
                        if seen.insert(name).inserted, let target = document.schema(named: name) {
                            tagsOf[name, default: []].insert(tag)
                            pending.append(target.schema)
                        }
                    }
                }
            }
        }
        var result: [String: String] = [:]
        for component in document.schemas {
            let tags = tagsOf[component.name] ?? []
            if tags.count == 1, let tag = tags.first {
                result[component.name] = tag
                continue
            }
            switch try? schemas.kind(of: component.name, at: component.schema.mark) {
            case .identifier?, .identifierAlias?: result[component.name] = "Keys"
            case .filter?: result[component.name] = "Filters"
            default:
                result[component.name] = component.name.hasPrefix("Advanced") ? "Filters" : "Shared"
            }
        }
        byComponent = result
    }

    /// The file stem (a spec file name or a tag) the component's declarations are written under.
    func file(of component: ComponentSchema) throws(Diagnostic) -> String {
        byComponent?[component.name] ?? component.file
    }

    static func children(of schema: Schema) -> [Schema] {
        var result = schema.properties.map(\.schema) + schema.allOf + schema.oneOf + schema.anyOf
        if let items = schema.items { result.append(items) }
        if case .schema(let value)? = schema.additionalProperties { result.append(value) }
        if let not = schema.not { result.append(not) }
        return result
    }
}
