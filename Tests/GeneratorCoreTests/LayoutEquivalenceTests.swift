import Foundation
import FuzzSupport
@testable import GeneratorCore
import Testing

/// "Same API from the same schema, whatever the file layout": a multi-file spec, bundled into one file
/// here (every component schema moved into the entry file, `$ref`s rewritten to `#/components/schemas/…`,
/// every other reference inlined), generates exactly the same Swift API: `camunda-generate diff`
/// between the two reports nothing.
@Suite struct LayoutEquivalenceTests {
    /// Bundles a multi-file spec into one JSON document (JSON is YAML).
    struct Bundler {
        let loader: SpecLoader
        var schemas: [(String, String)] = []
        var seenSchemas: Set<String> = []

        init(folder: URL) { loader = SpecLoader(reader: DiskFileReader(root: folder)) }

        mutating func bundle(entry: String) throws -> String {
            let root = try loader.document(entry, referencedAt: nil)
            var parts: [String] = []
            for (key, value) in root.pairs ?? [] where key != "components" {
                parts.append(YAMLNode.quote(key) + ":" + (key == "paths" ? try rewrite(value, in: entry) : value.jsonText))
            }
            // Every component schema of every file, as generation reads them all.
            for file in try FileManager.default.contentsOfDirectory(atPath: (loader.reader as! DiskFileReader).root.path).sorted()
            where file.hasSuffix(".yaml") {
                try addSchemas(of: file)
            }
            let members = schemas.map { YAMLNode.quote($0.0) + ":" + $0.1 }.joined(separator: ",")
            parts.append(#""components":{"schemas":{"# + members + "}}")
            return "{" + parts.joined(separator: ",") + "}"
        }

        mutating func addSchemas(of file: String) throws {
            let document = try loader.document(file, referencedAt: nil)
            for (name, node) in document["components"]?["schemas"]?.pairs ?? [] where seenSchemas.insert(name).inserted {
                schemas.append((name, try rewrite(node, in: file)))
            }
        }

        /// The node as JSON with component-schema refs pointing into the bundle and other refs inlined.
        func rewrite(_ node: YAMLNode, in file: String) throws -> String {
            switch node.kind {
            case .scalar: return node.jsonText
            case .sequence(let elements): return "[" + (try elements.map { try rewrite($0, in: file) }).joined(separator: ",") + "]"
            case .mapping(let pairs):
                if let ref = node["$ref"]?.scalar {
                    let target = try loader.target(of: ref, in: file, at: node.mark)
                    if let name = target.componentSchemaName {
                        var rest: [String] = []
                        for (key, value) in pairs where key != "$ref" { rest.append(YAMLNode.quote(key) + ":" + (try rewrite(value, in: file))) }
                        rest.insert("\"$ref\":\"#/components/schemas/" + name + "\"", at: 0)
                        return "{" + rest.joined(separator: ",") + "}"
                    }
                    return try rewrite(try loader.node(at: target, referencedAt: node.mark), in: target.file)
                }
                var members: [String] = []
                for (key, value) in pairs {
                    if key == "mapping", let mapping = value.pairs {
                        // Discriminator mappings name components by `$ref` too.
                        let rewritten = try mapping.map { tag, refNode -> String in
                            guard let ref = refNode.scalar, let name = try loader.target(of: ref, in: file, at: refNode.mark).componentSchemaName
                            else { return YAMLNode.quote(tag) + ":" + refNode.jsonText }
                            return YAMLNode.quote(tag) + ":\"#/components/schemas/" + name + "\""
                        }
                        members.append(#""mapping":{"# + rewritten.joined(separator: ",") + "}")
                    } else if key == "example" || key == "examples" || key.hasPrefix("x-") {
                        members.append(YAMLNode.quote(key) + ":" + value.jsonText)
                    } else {
                        members.append(YAMLNode.quote(key) + ":" + (try rewrite(value, in: file)))
                    }
                }
                return "{" + members.joined(separator: ",") + "}"
            }
        }
    }

    @Test(arguments: [SpecLocator.Version.previous, .older])
    func bundlingAMultiFileSpecChangesNoDeclaration(_ version: SpecLocator.Version) async throws {
        try await offCooperativePool {
            let spec = try SpecLocator.required(version, projectRoot: projectRoot)
            var bundler = Bundler(folder: spec.folder)
            let bundled = try bundler.bundle(entry: spec.entry)
            let multi = APISurface(try GeneratorPipeline.declarations(reader: DiskFileReader(root: spec.folder), entry: spec.entry))
            let single = APISurface(
                try GeneratorPipeline.declarations(reader: InMemoryFileReader(["rest-api.bundle.yaml": bundled]), entry: "rest-api.bundle.yaml"))
            let diff = APIDiff(from: multi, to: single)
            #expect(diff.changes.isEmpty, "\(diff.changes.prefix(20).map { "\($0.subject): \($0.detail)" })")
            #expect(multi.operations.count == single.operations.count && multi.types.count == single.types.count)
            // And the bundle really is one file with every schema in it.
            let output = try GeneratorPipeline.run(reader: InMemoryFileReader(["rest-api.bundle.yaml": bundled]), entry: "rest-api.bundle.yaml")
            #expect(output.specFiles == 1 && output.warnings.isEmpty)
        }
    }
}
