import Foundation

/// Recognises the copies a bundler makes of schemas, so that a bundled spec gives the same Swift
/// API as the multi-file spec it was bundled from.
///
/// Bundlers (Camunda's own, among others) rewrite a multi-file spec into one file: a schema used
/// inline in a property becomes a component named after its owner and property
/// (`ActivatedJobResult.userTask` → `ActivatedJobResultUserTask`), the exact-match branch of every
/// filter becomes a component (`JobStateExactMatch`), and references are sometimes replaced by
/// copies of the schema they pointed at (an inline `enum` that repeats `AuditLogActorTypeEnum`).
/// Such a *hoisted* component, and such an inline copy, is identified with the original by its
/// structure: the same types, properties, required properties, enum values and formats (titles,
/// descriptions, examples and extensions aside).
///
/// - A hoisted component with the structure of a component that is not hoisted is a typealias of
///   that component, and every use of it is typed with the original's name.
/// - A hoisted component with no original that is a plain map, array or scalar is used as its
///   target type (as the inline schema it came from was).
/// - An inline enum with the values of exactly one component enum is typed with that component.
final class SchemaIdentity {
    private let document: OpenAPIDocument
    private var memo: [String: String] = [:]
    /// Hoisted component → the original it copies.
    private(set) var originals: [String: String] = [:]
    /// Structure → the one component that is not hoisted and has it (enums, objects and unions only).
    private var componentsByStructure: [String: String] = [:]
    let hoisted: Set<String>

    init(document: OpenAPIDocument) {
        self.document = document
        var hoisted: Set<String> = []
        for component in document.schemas {
            let name = component.name
            if name.hasSuffix("ExactMatch") { hoisted.insert(name) }
            for (property, schema) in component.schema.properties {
                guard let ref = schema.ref ?? (schema.allOf.count == 1 ? schema.allOf[0].ref : nil) else { continue }
                if ref == name + Self.pascal(property) { hoisted.insert(ref) }
                if let items = schema.items?.ref, items == name + Self.pascal(property) + "Item" { hoisted.insert(items) }
            }
        }
        self.hoisted = hoisted
        guard !hoisted.isEmpty else { return }
        var byStructure: [String: [String]] = [:]
        for component in document.schemas {
            byStructure[structure(ofComponent: component.name), default: []].append(component.name)
        }
        if let probe = ProcessInfo.processInfo.environment["CAMUNDA_GENERATE_DEBUG_IDENTITY"] {
            for (key, names) in byStructure where names.contains(probe) { FileHandle.standardError.write(Data("\(names) \(key)\n".utf8)) }
        }
        for (key, names) in byStructure {
            let originals = names.filter { !hoisted.contains($0) }
            // Scalars are told apart by name only (`PartitionId` and a copied `Int32` are not the same thing).
            let scalar = !key.contains("e:") && !key.contains("p:{") && !key.contains("o:[")
            if let original = originals.first, originals.count == 1, !scalar {
                for name in names where hoisted.contains(name) { self.originals[name] = original }
            }
            if originals.count == 1, !scalar { componentsByStructure[key] = originals[0] }
        }
    }

    /// The component with the structure of this inline enum, object or union, if exactly one that is
    /// not hoisted has it. Only for bundled specs (where copies are made); a multi-file spec's inline
    /// schemas are its author's choice and stay as they are.
    func component(matching schema: Schema) -> String? {
        guard !componentsByStructure.isEmpty, schema.ref == nil else { return nil }
        var visiting: Set<String> = []
        return componentsByStructure[structure(of: schema, visiting: &visiting)]
    }

    /// Formats of OpenAPI and JSON Schema; any other `format` is a name (bundlers put the copied component's there).
    static let standardFormats: Set<String> = [
        "int32", "int64", "float", "double", "byte", "binary", "date", "date-time", "password", "email", "uri",
        "uri-reference", "uuid", "hostname", "ipv4", "ipv6", "time", "duration", "regex",
    ]

    static func pascal(_ name: String) -> String {
        name.prefix(1).uppercased() + name.dropFirst()
    }

    func structure(ofComponent name: String) -> String {
        if let known = memo[name] { return known }
        guard let component = document.schema(named: name) else { return "?" + name }
        var visiting: Set<String> = [name]
        let result = structure(of: component.schema, visiting: &visiting)
        memo[name] = result
        return result
    }

    /// A canonical text of what a schema accepts, blind to documentation and names.
    func structure(of schema: Schema, visiting: inout Set<String>) -> String {
        if let ref = schema.ref {
            if let known = memo[ref] { return known }
            guard visiting.insert(ref).inserted, let target = document.schema(named: ref) else { return "#" + ref }
            defer { visiting.remove(ref) }
            return structure(of: target.schema, visiting: &visiting)
        }
        var parts: [String] = []
        if let values = schema.enumValues { parts.append("e:" + values.joined(separator: "|")) }
        if let semantic = schema.semanticType { parts.append("s:" + semantic) }
        if let type = schema.type { parts.append("t:" + type) }
        if let format = schema.format, schema.semanticType == nil, Self.standardFormats.contains(format) { parts.append("f:" + format) }
        // `allOf` merged: a bundler flattens it.
        var properties: [String: Schema] = [:]
        var required: Set<String> = Set(schema.required)
        var pending = [schema]
        var wrapped: [Schema] = []
        while let next = pending.popLast() {
            for (name, property) in next.properties where properties[name] == nil { properties[name] = property }
            required.formUnion(next.required)
            for member in next.allOf {
                if let ref = member.ref, let target = document.schema(named: ref) {
                    if target.schema.properties.isEmpty, target.schema.allOf.isEmpty { wrapped.append(member) } else { pending.append(target.schema) }
                } else {
                    pending.append(member)
                }
            }
        }
        if !properties.isEmpty {
            let members = properties.keys.sorted().map { name -> String in
                var inner = visiting
                return name + (required.contains(name) ? "!" : "") + "=" + structure(of: properties[name]!, visiting: &inner)
            }
            parts.append("p:{" + members.joined(separator: ",") + "}")
        } else if let only = wrapped.first, wrapped.count == 1, parts.allSatisfy({ !$0.hasPrefix("e:") }) {
            return structure(of: only, visiting: &visiting)
        }
        if let items = schema.items { parts.append("i:" + structure(of: items, visiting: &visiting)) }
        if case .schema(let value)? = schema.additionalProperties { parts.append("a:" + structure(of: value, visiting: &visiting)) }
        if case .allowed(let flag)? = schema.additionalProperties { parts.append("a:\(flag)") }
        let branches = schema.oneOf.isEmpty ? schema.anyOf : schema.oneOf
        if !branches.isEmpty {
            parts.append("o:[" + branches.map { branch in
                var inner = visiting
                return structure(of: branch, visiting: &inner)
            }.joined(separator: ",") + "]")
        }
        return "{" + parts.joined(separator: ";") + "}"
    }
}
