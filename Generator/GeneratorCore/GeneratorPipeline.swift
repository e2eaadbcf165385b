import Foundation

/// What one generation produced: file contents by path relative to the output folder, plus figures.
public struct GeneratorOutput {
    public var files: [String: String]
    public var schemaCount: Int
    public var inlineTypeCount: Int
    public var operationCount: Int
    public var specFiles: Int
    /// Valid constructs mapped approximately (each names its schema), in a stable order.
    public var warnings: [Diagnostic] = []
}

/// The whole pipeline: YAML → `$ref` resolution → typed model → declarations → text. Pure: reads
/// only through the injected reader and returns the files instead of writing them.
public enum GeneratorPipeline {
    public static func run(
        reader: any SpecFileReader, entry: String, fastPaths: FastPathScope = .workerHotPath
    ) throws(Diagnostic) -> GeneratorOutput {
        let loader = SpecLoader(reader: reader)
        let builder = ModelBuilder(loader: loader)
        let document = try builder.build(entry: entry)
        var output = try translate(document, fastPaths: fastPaths)
        output.warnings = builder.warnings + output.warnings
        return output
    }

    public static func translate(
        _ document: OpenAPIDocument, fastPaths: FastPathScope = .workerHotPath
    ) throws(Diagnostic) -> GeneratorOutput {
        let schemas = SchemaTranslator(document: document)
        var renderer = SwiftRenderer()

        let owners = try componentOwners(document)

        var byFile: [(file: String, declarations: [Declaration])] = []
        let grouping = ModelFileGrouping(document: document, schemas: schemas)
        for component in document.schemas {
            let declarations = try schemas.translateComponent(component)
            let file = try grouping.file(of: component)
            if let index = byFile.firstIndex(where: { $0.file == file }) {
                byFile[index].declarations += declarations
            } else {
                byFile.append((file, declarations))
            }
        }

        let operations = OperationTranslator(schemas: schemas)
        var operationDecls: [OperationDecl] = []
        for op in document.operations { operationDecls.append(try operations.translate(op)) }
        for decl in operations.inlineDeclarations where owners[decl.name] != nil {
            throw Diagnostic(
                mark: SourceMark(file: "", line: 0, column: 0), context: decl.name,
                message: "inline type name '\(decl.name)' collides with a component schema")
        }

        for name in schemas.synthesizedOrder where owners[name] != nil {
            throw Diagnostic(
                mark: SourceMark(file: "", line: 0, column: 0), context: name,
                message: "generated type name '\(name)' collides with a component schema")
        }
        // The typed hooks of the request bodies, and the long polls' hold property.
        var declarationsByName: [String: Declaration] = [:]
        for declaration in byFile.flatMap(\.declarations) + schemas.synthesized.values + operations.inlineDeclarations {
            declarationsByName[declaration.name] = declaration
        }
        for index in operationDecls.indices where operationDecls[index].traits.contains("longPoll") {
            guard let body = operationDecls[index].parameters.first(where: { $0.role == .jsonBody }) else { continue }
            operationDecls[index].serverHold = OperationBodyDecl.serverHold(of: body.type, declarations: declarationsByName)
        }
        let bodies = OperationBodyDecl.collect(operations: operationDecls, declarations: declarationsByName)

        let synthesized = schemas.synthesizedOrder.sorted().compactMap { schemas.synthesized[$0] }
        renderer.fastPaths = FastPathSelection.select(
            fastPaths, declarations: byFile.flatMap(\.declarations) + synthesized + operations.inlineDeclarations,
            operations: operationDecls)
        var files: [String: String] = [:]
        files["OperationBodies.swift"] = renderer.renderOperationBodies(bodies)
        for (file, declarations) in byFile {
            files["Models+\(fileStem(file)).swift"] = renderer.renderModels(declarations)
        }
        if !schemas.synthesizedOrder.isEmpty {
            files["Models+SemanticTypes.swift"] = renderer.renderModels(synthesized)
        }
        if !operations.inlineDeclarations.isEmpty {
            files["Models+OperationBodies.swift"] = renderer.renderModels(operations.inlineDeclarations)
        }
        var tags: [String] = []
        var byTag: [String: [OperationDecl]] = [:]
        for op in operationDecls {
            if byTag[op.tag] == nil { tags.append(op.tag) }
            byTag[op.tag, default: []].append(op)
        }
        for tag in tags {
            files["Operations+\(SafeNames.typeName(tag)).swift"] = renderer.renderOperations(byTag[tag]!)
        }
        files["BlockingOperations.swift"] = renderer.renderBlockingOperations(operationDecls)
        let inlineNames = schemas.inlineTypeNames + operations.inlineDeclarations.map(\.name)
        files["SpecCatalog.swift"] = renderer.renderCatalog(
            title: document.title, version: document.version, operations: operationDecls,
            schemas: document.schemas.map(\.name), inlineTypes: inlineNames)
        return GeneratorOutput(
            files: files, schemaCount: document.schemas.count, inlineTypeCount: inlineNames.count,
            operationCount: operationDecls.count, specFiles: document.files.count,
            warnings: schemas.warnings + operations.warnings)
    }

    /// Component schemas by Swift type name; top-level names must be unique after Swift casing.
    static func componentOwners(_ document: OpenAPIDocument) throws(Diagnostic) -> [String: String] {
        var owners: [String: String] = [:]
        for component in document.schemas {
            let name = SafeNames.typeName(component.name)
            if let other = owners[name] {
                throw Diagnostic(
                    mark: component.schema.mark, context: component.name,
                    message: "schema name collides with '\(other)' as Swift type '\(name)'")
            }
            owners[name] = component.name
        }
        return owners
    }

    static func fileStem(_ file: String) -> String {
        let last = file.split(separator: "/").last.map(String.init) ?? file
        let stem = last.hasSuffix(".yaml") ? String(last.dropLast(5)) : last
        return SafeNames.typeName(stem)
    }
}
