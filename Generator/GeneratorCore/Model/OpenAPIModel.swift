/// The subset of OpenAPI 3.0 the Camunda spec uses, with `$ref`s to component schemas kept as
/// names and every other reference resolved.
public final class Schema {
    public enum AdditionalProperties {
        case allowed(Bool)
        case schema(Schema)
    }

    public struct Discriminator {
        public var propertyName: String
        /// Mapping value → component schema name, in document order.
        public var mapping: [(value: String, schema: String)]
    }

    public var mark: SourceMark
    /// The component this node references (`$ref` to `#/components/schemas/<name>`), if any.
    public var ref: String?
    public var type: String?
    public var format: String?
    public var title: String?
    public var description: String?
    public var enumValues: [String]?
    public var properties: [(name: String, schema: Schema)] = []
    public var required: [String] = []
    public var allOf: [Schema] = []
    public var oneOf: [Schema] = []
    public var anyOf: [Schema] = []
    public var discriminator: Discriminator?
    public var nullable = false
    public var additionalProperties: AdditionalProperties?
    public var items: Schema?
    public var deprecated = false
    public var pattern: String?
    public var defaultValue: String?
    public var readOnly = false
    /// `not`: kept for the documentation only (Swift cannot express it).
    public var not: Schema?
    /// Validation keywords (`minLength: 1`, `maximum: 100`, ...) in document order, for documentation and validators.
    public var constraints: [(keyword: String, value: String)] = []
    /// Whether `enum` listed objects or arrays (then the schema is typed by its `type` alone).
    public var nonScalarEnum = false
    /// `x-` extensions, raw.
    public var extensions: [String: YAMLNode] = [:]

    public init(mark: SourceMark) { self.mark = mark }

    public var semanticType: String? { extensions["x-semantic-type"]?.scalar }
    public var addedInVersion: String? { extensions["x-added-in-version"]?.scalar }

    /// `x-properties-added-in-version` as property → version.
    public var propertiesAddedInVersion: [String: String] {
        var result: [String: String] = [:]
        for element in extensions["x-properties-added-in-version"]?.elements ?? [] {
            if let name = element["propertyName"]?.scalar, let version = element["addedInVersion"]?.scalar {
                result[name] = version
            }
        }
        return result
    }

    public var deprecatedEnumMembers: Set<String> {
        var result: Set<String> = []
        for element in extensions["x-deprecated-enum-members"]?.elements ?? [] {
            if let name = element.scalar ?? element["name"]?.scalar ?? element["value"]?.scalar { result.insert(name) }
        }
        return result
    }

    /// A schema that only references the component `name`.
    public static func reference(to name: String, at mark: SourceMark) -> Schema {
        let schema = Schema(mark: mark)
        schema.ref = name
        return schema
    }

    /// Whether the node only references another schema, possibly adding documentation or `nullable`.
    public var isPlainRef: Bool { ref != nil }
}

/// A named component schema.
public struct ComponentSchema {
    public var name: String
    public var file: String
    public var schema: Schema
}

public struct Parameter {
    public var name: String
    public var location: String
    public var required: Bool
    public var description: String?
    public var schema: Schema
    public var mark: SourceMark
}

public struct MediaType {
    public var contentType: String
    public var schema: Schema?
    /// `encoding.<part>.contentType` for multipart bodies.
    public var partContentTypes: [String: String]
}

public struct RequestBody {
    public var required: Bool
    public var content: [MediaType]
    public var description: String?
}

public struct Response {
    public var status: String
    public var description: String?
    public var content: [MediaType]
}

public struct Operation {
    public var operationID: String
    public var method: String
    public var path: String
    public var file: String
    public var mark: SourceMark
    public var summary: String?
    public var description: String?
    public var tags: [String]
    public var parameters: [Parameter]
    public var requestBody: RequestBody?
    public var responses: [Response]
    public var deprecated: Bool
    /// True when the path overrides the server with a URL that has no `/v2` (served from the root).
    public var servedFromRoot: Bool
    public var extensions: [String: YAMLNode]

    public var addedInVersion: String? { extensions["x-added-in-version"]?.scalar }
    public var eventuallyConsistent: Bool { extensions["x-eventually-consistent"]?.bool ?? false }
    public var requiredPermissions: [(resourceType: String, permissionType: String)] {
        (extensions["x-required-permissions"]?.elements ?? []).compactMap { element in
            guard let r = element["resourceType"]?.scalar, let p = element["permissionType"]?.scalar else { return nil }
            return (r, p)
        }
    }
}

/// The whole spec, loaded.
public struct OpenAPIDocument {
    public var title: String
    public var version: String
    /// Component schemas in file load order, then document order.
    public var schemas: [ComponentSchema]
    public var operations: [Operation]
    public var files: [String]

    public func schema(named name: String) -> ComponentSchema? { schemaIndex[name].map { schemas[$0] } }
    var schemaIndex: [String: Int] = [:]

    public init(title: String, version: String, schemas: [ComponentSchema], operations: [Operation], files: [String]) {
        self.title = title
        self.version = version
        self.schemas = schemas
        self.operations = operations
        self.files = files
        for (index, schema) in schemas.enumerated() { schemaIndex[schema.name] = index }
    }
}
