import Foundation
import FuzzSupport
@testable import GeneratorCore
import Testing

/// Tests over the real Camunda specs (read from openapi/spec or ../shared/openapi).
@Suite struct FullSpecTests {
    static func spec(_ version: SpecLocator.Version = .current) throws -> SpecLocation {
        try SpecLocator.required(version, projectRoot: projectRoot)
    }

    static func folder(_ version: SpecLocator.Version = .current) throws -> URL { try spec(version).folder }

    static func generate(_ version: SpecLocator.Version) throws -> GeneratorOutput {
        let spec = try spec(version)
        return try GeneratorPipeline.run(reader: DiskFileReader(root: spec.folder), entry: spec.entry)
    }

    static func load(_ version: SpecLocator.Version = .current) throws -> (OpenAPIDocument, SpecLoader) {
        let spec = try spec(version)
        let loader = SpecLoader(reader: DiskFileReader(root: spec.folder))
        return (try ModelBuilder(loader: loader).build(entry: spec.entry), loader)
    }

    /// The current spec (the 2026-10-26 bundle) generates with no error, one declaration per component
    /// schema, 244 operations; its warnings each name a schema.
    @Test func currentSpecGeneratesEverySchemaWithZeroErrors() async throws {
        try await offCooperativePool {
            let output = try Self.generate(.current)
            #expect(output.operationCount == 244)
            #expect(output.schemaCount == 864)
            for warning in output.warnings {
                #expect(warning.severity == .warning && warning.context?.isEmpty == false && warning.mark.line > 0, "\(warning)")
            }
            // Count the spec's component schemas independently of the model, straight from the YAML files.
            var specNames: Set<String> = []
            let files = try FileManager.default.contentsOfDirectory(atPath: try Self.folder().path).filter { $0.hasSuffix(".yaml") }
            for file in files {
                let node = try YAMLParser.parse(Array(try Data(contentsOf: try Self.folder().appendingPathComponent(file))), file: file)
                for (name, _) in node["components"]?["schemas"]?.pairs ?? [] { specNames.insert(name) }
            }
            #expect(specNames.count == 864)
            // Each component schema produced exactly one declaration with its provenance remark.
            var generated: [String] = []
            for text in output.files.values {
                for line in text.split(separator: "\n") where line.contains("- Remark: Generated from `#/components/schemas/") {
                    generated.append(String(line.split(separator: "/").last!.dropLast(2)))
                }
            }
            #expect(generated.count == 864)
            #expect(Set(generated) == specNames)
            print("current spec: \(specNames.count) component schemas, \(output.inlineTypeCount) inline types, \(output.operationCount) operations")
        }
    }

    @Test func committedOutputIsFreshAndGenerationIsDeterministic() async throws {
        try await offCooperativePool {
            let first = try Self.generate(.current)
            let second = try Self.generate(.current)
            #expect(first.files == second.files)
            let report = try OutputWriter(folder: projectRoot.appendingPathComponent("Sources/CamundaAPI/Generated"))
                .apply(first.files, check: true)
            #expect(report.isClean, "Sources/CamundaAPI/Generated is stale: \(report.written + report.removed)")
        }
    }

    /// The traits the runtime acts on (instead of operation names) come out of the current spec as
    /// Camunda's official SDKs treat these operations.
    @Test func operationTraits() async throws {
        try await offCooperativePool {
            let spec = try Self.spec(.current)
            let operations = try GeneratorPipeline.declarations(reader: DiskFileReader(root: spec.folder), entry: spec.entry).operations
            func having(_ trait: String) -> Set<String> { Set(operations.filter { $0.traits.contains(trait) }.map(\.operationID)) }
            #expect(having("acknowledgement") == ["completeJob", "failJob", "throwJobError", "completeUserTask"])
            #expect(having("longPoll") == ["activateJobs"] && having("defaultsTenants") == ["activateJobs"])
            #expect(having("defaultsTenant") == [
                "broadcastSignal", "correlateMessage", "createDeployment", "createProcessInstance", "evaluateConditionals",
                "evaluateDecision", "evaluateExpression", "publishMessage",
            ])
            #expect(having("leaseFenced").isSuperset(of: ["completeJob", "failJob", "throwJobError", "updateJob"]))
            #expect(having("eventuallyConsistent").count == operations.filter { $0.eventuallyConsistent }.count)
        }
    }

    /// The typed hooks the runtime uses instead of re-parsing encoded bodies: every body of an
    /// operation with a tenant trait implements the matching tenant hook, every acknowledgement body
    /// the lease hook (the optional ones `leaseTokenOnly` too), the long poll records its hold time
    /// and the job operations their job key.
    @Test func requestBodyHooksFollowTheTraits() async throws {
        try await offCooperativePool {
            let spec = try Self.spec(.current)
            let declarations = try GeneratorPipeline.declarations(reader: DiskFileReader(root: spec.folder), entry: spec.entry)
            let operations = declarations.operations
            // Struct and union types conform in the generated file; aliases of maps, arrays and `JSONValue` in Support.
            let declared = Set((declarations.components + declarations.inline).compactMap { declaration -> String? in
                switch declaration {
                case .structure(let s): s.name
                case .union(let u): u.name
                default: nil
                }
            })
            let output = try Self.generate(.current)
            let bodies = try #require(output.files["OperationBodies.swift"])
            // The extension of each conformer, by type name.
            var extensions: [String: String] = [:]
            for chunk in bodies.components(separatedBy: "\nextension ").dropFirst() {
                extensions[String(chunk.prefix { $0 != ":" })] = chunk
            }
            func body(_ op: OperationDecl) -> (type: String, optional: Bool)? {
                guard let p = op.parameters.first(where: { $0.role == .jsonBody }), case .named(let name) = p.type else { return nil }
                return (name, p.optional)
            }
            var checked = 0
            for op in operations {
                if op.traits.contains("defaultsTenant"), let body = body(op) {
                    #expect(extensions[body.type]?.contains("func applyDefaultTenant(") == true, "\(op.operationID)")
                    checked += 1
                }
                if op.traits.contains("defaultsTenants"), let body = body(op) {
                    #expect(extensions[body.type]?.contains("func applyDefaultTenants(") == true, "\(op.operationID)")
                    checked += 1
                }
                if op.traits.contains("leaseFenced"), let body = body(op) {
                    #expect(extensions[body.type]?.contains("func applyLeaseToken(") == true, "\(op.operationID)")
                    if body.optional { #expect(extensions[body.type]?.contains("func leaseTokenOnly(") == true, "\(op.operationID)") }
                    checked += 1
                }
                if let body = body(op), declared.contains(body.type) {
                    #expect(extensions[body.type] != nil, "\(op.operationID): \(body.type) is no OperationBody")
                }
                if op.parameters.contains(where: { $0.role == .path(wireName: "jobKey") }) {
                    #expect(op.jobKeyParameter == "jobKey", "\(op.operationID)")
                }
            }
            #expect(checked >= 14)  // 7 tenant, 1 tenants, 6 lease-fenced operations in the 2026-10-26 spec
            let jobs = try #require(output.files["Operations+Job.swift"])
            #expect(jobs.contains("request.serverHoldMilliseconds = body.requestTimeout"))
            #expect(jobs.contains("traits: [.acknowledgement, .leaseFenced], jobKey: jobKey.rawValue)"))
            let resources = try #require(output.files["Operations+Resource.swift"])
            #expect(resources.contains("var tenantField = FormTenant(tenantId: tenantId?.rawValue)"))
        }
    }

    @Test func olderSpecsGenerateWithZeroDiagnostics() async throws {
        try await offCooperativePool {
            let older = try Self.generate(.older)
            #expect(older.operationCount == 184)
            #expect(older.schemaCount == 521)
            #expect(older.warnings.isEmpty, "\(older.warnings)")
            let previous = try Self.generate(.previous)
            #expect(previous.operationCount == 241)
            #expect(previous.schemaCount == 692)
            #expect(previous.warnings.isEmpty, "\(previous.warnings)")
        }
    }

    /// No property of the spec is lost: every property of every component schema (with `allOf`
    /// followed, walked here independently of the translator) has a Swift counterpart with the right
    /// wire name, optionality and type family.
    @Test func noPropertyIsLost() async throws {
        try await offCooperativePool {
            let (document, _) = try Self.load()
            let translator = SchemaTranslator(document: document)
            var checked = 0
            for component in document.schemas {
                let declarations = try translator.translateComponent(component)
                guard case .structure(let decl)? = declarations.first else { continue }
                var required: Set<String> = []
                let expected = walk(component.schema, document: document, required: &required)
                let byWire = Dictionary(decl.properties.map { ($0.wireName, $0) }, uniquingKeysWith: { a, _ in a })
                #expect(decl.properties.count == Set(expected.map(\.name)).count, "\(component.name)")
                for (name, schema) in expected {
                    guard let property = byWire[name] else {
                        Issue.record("\(component.name).\(name) has no Swift property")
                        continue
                    }
                    checked += 1
                    let nullable = isNullable(schema, document: document)
                    if !required.contains(name) || nullable {
                        #expect(property.optional, "\(component.name).\(name) must be optional")
                    }
                    let expectedFamily = family(of: schema, document: document)
                    let ok = fits(property.type, expectedFamily, document: document)
                    #expect(ok, "\(component.name).\(name): \(property.type.rendered) does not fit \(expectedFamily.rawValue)")
                }
            }
            #expect(checked > 1900)
            print("checked \(checked) properties")
        }
    }

    // MARK: An independent walk of the spec

    func walk(_ schema: Schema, document: OpenAPIDocument, required: inout Set<String>) -> [(name: String, schema: Schema)] {
        var result: [(String, Schema)] = []
        for member in schema.allOf {
            let target = member.ref.flatMap { document.schema(named: $0)?.schema } ?? member
            result += walk(target, document: document, required: &required)
        }
        required.formUnion(schema.required)
        return result + schema.properties
    }

    func isNullable(_ schema: Schema, document: OpenAPIDocument) -> Bool {
        if schema.nullable { return true }
        if let ref = schema.ref { return document.schema(named: ref)?.schema.nullable ?? false }
        return false
    }

    enum Family: String {
        case string, integer, number, boolean, array, object, any, union
    }

    /// Whether a Swift type belongs to the JSON family, resolving component types through the spec.
    func fits(_ type: TypeRef, _ expected: Family, document: OpenAPIDocument) -> Bool {
        switch (expected, type) {
        case (.any, _), (.union, _): return true
        case (.array, .array), (.object, .dictionary): return true
        case (_, .generic): return expected == .union
        case (_, .named(let name)):
            switch name {
            case "String", "Date", "DateUpdate": return expected == .string
            case "Int", "Int32", "Int64": return expected == .integer
            case "Double": return expected == .number
            case "Bool": return expected == .boolean
            case "JSONValue": return true
            default:
                guard let component = document.schemas.first(where: { SafeNames.typeName($0.name) == name }) else {
                    return true  // a nested inline type named after the property
                }
                let actual = family(of: component.schema, document: document)
                return actual == expected || actual == .union || (expected == .string && component.schema.semanticType != nil)
            }
        default: return false
        }
    }

    func family(of schema: Schema, document: OpenAPIDocument) -> Family {
        if let ref = schema.ref, let target = document.schema(named: ref)?.schema {
            if !target.oneOf.isEmpty { return .union }
            if target.type == nil, !target.allOf.isEmpty, target.properties.isEmpty {
                return target.allOf.count == 1 ? family(of: target.allOf[0], document: document) : .object
            }
            return family(of: target, document: document)
        }
        if !schema.oneOf.isEmpty { return .union }
        if schema.allOf.count == 1, schema.properties.isEmpty { return family(of: schema.allOf[0], document: document) }
        switch schema.type {
        case "string": return .string
        case "integer": return .integer
        case "number": return .number
        case "boolean": return .boolean
        case "array": return .array
        case "object": return .object
        default: return schema.properties.isEmpty && schema.allOf.isEmpty ? .any : .object
        }
    }
}
