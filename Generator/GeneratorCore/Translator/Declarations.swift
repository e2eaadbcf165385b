/// Structured Swift declarations produced by the translator and turned into text by the renderer.
public indirect enum TypeRef: Hashable {
    case named(String)
    case array(TypeRef)
    case dictionary(TypeRef)
    case generic(String, [TypeRef])

    public var rendered: String {
        switch self {
        case .named(let name): name
        case .array(let element): "[\(element.rendered)]"
        case .dictionary(let value): "[String: \(value.rendered)]"
        case .generic(let name, let args): "\(name)<\(args.map(\.rendered).joined(separator: ", "))>"
        }
    }
}

public struct Documentation: Hashable {
    public var lines: [String] = []
    public var deprecated = false
    public init(lines: [String] = [], deprecated: Bool = false) {
        self.lines = lines
        self.deprecated = deprecated
    }
}

public struct PropertyDecl: Hashable {
    public var swiftName: String
    public var wireName: String
    public var type: TypeRef
    public var optional: Bool
    /// Whether the initializer parameter defaults to nil.
    public var defaultsToNil: Bool
    public var doc: Documentation
}

public struct StructDecl: Hashable {
    public var name: String
    public var doc: Documentation
    public var properties: [PropertyDecl]
    public var nested: [Declaration]
    public var conformances: [String]
}

public struct EnumCaseDecl: Hashable {
    public var swiftName: String
    public var wireValue: String
    public var deprecated: Bool
}

public struct StringEnumDecl: Hashable {
    public var name: String
    public var doc: Documentation
    public var cases: [EnumCaseDecl]
}

public struct IdentifierDecl: Hashable {
    public var name: String
    public var doc: Documentation
    public var integer: Bool
    /// Identifier types this one can be created from (key unions such as `ScopeKey`).
    public var convertibleFrom: [String]
    public var pattern: String?
}

/// How a union tells its branches apart when decoding.
public enum UnionShape: Hashable {
    case string, integer, number, boolean, array
    case object(required: [String], known: [String])
}

public struct UnionCaseDecl: Hashable {
    public var swiftName: String
    public var payload: TypeRef
    /// The discriminator value, for discriminated unions.
    public var tag: String?
    /// The shape used to choose this branch, for unions without discriminator.
    public var shape: UnionShape?
}

public struct UnionDecl: Hashable {
    public var name: String
    public var doc: Documentation
    public var discriminator: String?
    public var cases: [UnionCaseDecl]
    public var nested: [Declaration]
}

public struct TypealiasDecl: Hashable {
    public var name: String
    public var doc: Documentation
    public var target: TypeRef
}

public enum Declaration: Hashable {
    case structure(StructDecl)
    case stringEnum(StringEnumDecl)
    case identifier(IdentifierDecl)
    case union(UnionDecl)
    case alias(TypealiasDecl)

    public var name: String {
        switch self {
        case .structure(let d): d.name
        case .stringEnum(let d): d.name
        case .identifier(let d): d.name
        case .union(let d): d.name
        case .alias(let d): d.name
        }
    }
}

// MARK: Operations

public struct ParameterDecl: Hashable {
    public enum Role: Hashable {
        case path(wireName: String)
        case query(wireName: String)
        case jsonBody
        case multipartFile(wireName: String, multiple: Bool)
        case multipartField(wireName: String, json: Bool)
        /// An array sent as one part per item.
        case multipartFields(wireName: String, json: Bool)
        case header(wireName: String)
        case cookie(wireName: String)
        /// A body that is neither JSON nor multipart: `Data`, or `String` for `text/*`.
        case rawBody(contentType: String, text: Bool)
    }
    public var label: String?
    public var swiftName: String
    public var type: TypeRef
    public var optional: Bool
    public var role: Role
    public var doc: String?
}

public enum ResultDecl: Hashable {
    case none
    case json(TypeRef, optional: Bool)
    case text(optional: Bool)
    case binary
}

public struct OperationDecl: Hashable {
    public var operationID: String
    public var methodName: String
    public var httpMethod: String
    public var pathTemplate: String
    public var fromRoot: Bool
    public var tag: String
    public var doc: Documentation
    public var parameters: [ParameterDecl]
    public var result: ResultDecl
    public var successStatuses: [Int]
    public var accept: String
    public var eventuallyConsistent: Bool
    /// For a body that is a union of objects: overloads taking each branch directly.
    public var bodyBranches: [BodyBranch] = []
    /// `OperationTraits` member names (see `OperationTraitsOverlay`).
    public var traits: [String] = []
    /// The Swift name of the `jobKey` path parameter (of type `JobKey`), recorded on the request as
    /// `OperationRequest.jobKey`.
    public var jobKeyParameter: String?
    /// For a long poll: the body property holding the server's hold time in milliseconds
    /// (`requestTimeout`), recorded on the request as `OperationRequest.serverHoldMilliseconds`.
    public var serverHold: ServerHold?
}

/// The body property a long poll's hold time is read from.
public struct ServerHold: Hashable {
    /// The property's Swift name.
    public var property: String
    /// Whether the property is optional.
    public var optional: Bool
    /// Whether the property is an `Int64` already (otherwise it is converted).
    public var int64: Bool
}

public struct BodyBranch: Hashable {
    public var caseName: String
    public var payload: TypeRef
}
