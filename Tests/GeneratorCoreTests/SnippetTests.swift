import GeneratorCore
import Testing

/// Snippet tests: a small YAML schema → the exact Swift the generator emits for it.
@Suite struct SnippetTests {
    @Test func objectWithWireNamesAndOptionality() throws {
        let yaml = """
                Order:
                  description: An order.
                  type: object
                  required: [orderId, total]
                  properties:
                    orderId:
                      type: string
                      description: The id.
                    total:
                      type: number
                    note:
                      type: string
                      nullable: true
                    $eq:
                      type: integer
                      format: int64
                    camunda.document.type:
                      type: string
                    createdAt:
                      type: string
                      format: date-time
            """
        expectSame(try modelText(yaml + "\n"), #"""
            /// An order.
            ///
            /// - Remark: Generated from `#/components/schemas/Order`.
            public struct Order: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                /// The id.
                public var orderId: String
                public var total: Double
                public var note: String?
                public var eq: Int64?
                public var camundaDocumentType: String?
                public var createdAt: Date?

                /// Creates a value with every property; optional ones default to `nil`.
                public init(orderId: String, total: Double, note: String? = nil, eq: Int64? = nil, camundaDocumentType: String? = nil, createdAt: Date? = nil) {
                    self.orderId = orderId
                    self.total = total
                    self.note = note
                    self.eq = eq
                    self.camundaDocumentType = camundaDocumentType
                    self.createdAt = createdAt
                }

                enum CodingKeys: String, CodingKey {
                    case orderId
                    case total
                    case note
                    case eq = "$eq"
                    case camundaDocumentType = "camunda.document.type"
                    case createdAt
                }

                /// The value straight from a parsed node, or `nil` to decode it with `init(from:)`.
                package static func decode(node: JSONNode) -> Self? {
                    guard var object = NodeObject(node),
                        let v0: String = object.required("orderId"),
                        let v1: Double = object.required("total"),
                        let v2: String? = object.optional("note"),
                        let v3: Int64? = object.optional("$eq"),
                        let v4: String? = object.optional("camunda.document.type"),
                        let v5: Date? = object.optional("createdAt")
                    else { return nil }
                    return Self(orderId: v0, total: v1, note: v2, eq: v3, camundaDocumentType: v4, createdAt: v5)
                }

                /// The value's encoded tree, or `nil` to encode it with `encode(to:)`.
                package func encodedNode() -> EncodedNode? {
                    let object = EncodedObject()
                    object.members.reserveCapacity(6)
                    guard
                        object.put("orderId", self.orderId),
                        object.put("total", self.total),
                        object.put("note", self.note),
                        object.put("$eq", self.eq),
                        object.put("camunda.document.type", self.camundaDocumentType),
                        object.put("createdAt", self.createdAt)
                    else { return nil }
                    return .object(object)
                }
            }

            """#)
    }

    @Test func allOfInheritanceIsFlattened() throws {
        let yaml = """
                Base:
                  type: object
                  required: [page]
                  properties:
                    page:
                      type: integer
                      format: int32
                Child:
                  allOf:
                    - $ref: '#/components/schemas/Base'
                  type: object
                  properties:
                    items:
                      type: array
                      items:
                        type: string
            """
        expectSame(try modelText(yaml + "\n"), #"""
            /// - Remark: Generated from `#/components/schemas/Base`.
            public struct Base: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                public var page: Int32

                /// Creates a value with every property; optional ones default to `nil`.
                public init(page: Int32) {
                    self.page = page
                }

                enum CodingKeys: String, CodingKey {
                    case page
                }

                /// The value straight from a parsed node, or `nil` to decode it with `init(from:)`.
                package static func decode(node: JSONNode) -> Self? {
                    guard var object = NodeObject(node),
                        let v0: Int32 = object.required("page")
                    else { return nil }
                    return Self(page: v0)
                }

                /// The value's encoded tree, or `nil` to encode it with `encode(to:)`.
                package func encodedNode() -> EncodedNode? {
                    let object = EncodedObject()
                    object.members.reserveCapacity(1)
                    guard
                        object.put("page", self.page)
                    else { return nil }
                    return .object(object)
                }
            }

            /// - Remark: Generated from `#/components/schemas/Child`.
            public struct Child: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                public var page: Int32
                public var items: [String]?

                /// Creates a value with every property; optional ones default to `nil`.
                public init(page: Int32, items: [String]? = nil) {
                    self.page = page
                    self.items = items
                }

                enum CodingKeys: String, CodingKey {
                    case page
                    case items
                }

                /// The value straight from a parsed node, or `nil` to decode it with `init(from:)`.
                package static func decode(node: JSONNode) -> Self? {
                    guard var object = NodeObject(node),
                        let v0: Int32 = object.required("page"),
                        let v1: [String]? = object.optional("items")
                    else { return nil }
                    return Self(page: v0, items: v1)
                }

                /// The value's encoded tree, or `nil` to encode it with `encode(to:)`.
                package func encodedNode() -> EncodedNode? {
                    let object = EncodedObject()
                    object.members.reserveCapacity(2)
                    guard
                        object.put("page", self.page),
                        object.put("items", self.items)
                    else { return nil }
                    return .object(object)
                }
            }

            """#)
    }

    @Test func stringEnumWithFallbackCase() throws {
        let yaml = """
                State:
                  description: The state.
                  type: string
                  enum: [ACTIVE, ERROR_THROWN, UNKNOWN, lowerCamel]
            """
        expectSame(try modelText(yaml + "\n"), #"""
            /// The state.
            ///
            /// - Remark: Generated from `#/components/schemas/State`.
            public enum State: CamundaEnum, NodeDecodable, NodeEncodable {
                /// `ACTIVE`
                case active
                /// `ERROR_THROWN`
                case errorThrown
                /// `UNKNOWN`
                case unknown
                /// `lowerCamel`
                case lowerCamel
                /// A value this SDK version does not know, kept as received.
                case undocumented(String)

                /// Creates the value for a wire string; unknown strings become ``undocumented(_:)``.
                public init(rawValue: String) {
                    switch rawValue {
                    case "ACTIVE": self = .active
                    case "ERROR_THROWN": self = .errorThrown
                    case "UNKNOWN": self = .unknown
                    case "lowerCamel": self = .lowerCamel
                    default: self = .undocumented(rawValue)
                    }
                }

                /// The wire string.
                public var rawValue: String {
                    switch self {
                    case .active: "ACTIVE"
                    case .errorThrown: "ERROR_THROWN"
                    case .unknown: "UNKNOWN"
                    case .lowerCamel: "lowerCamel"
                    case .undocumented(let value): value
                    }
                }

                /// The documented values.
                public static let allCases: [Self] = [.active, .errorThrown, .unknown, .lowerCamel]
            }

            """#)
    }

    @Test func semanticKeyAndCollapsedWrappers() throws {
        let yaml = """
                LongKey:
                  type: string
                  pattern: ^-?[0-9]+$
                JobKey:
                  description: A job key.
                  type: string
                  format: JobKey
                  x-semantic-type: JobKey
                  allOf:
                    - $ref: '#/components/schemas/LongKey'
                Holder:
                  type: object
                  required: [jobKey]
                  properties:
                    jobKey:
                      description: The key of the job.
                      allOf:
                        - $ref: '#/components/schemas/JobKey'
                    parentKey:
                      nullable: true
                      allOf:
                        - $ref: '#/components/schemas/JobKey'
            """
        expectSame(try modelText(yaml + "\n"), #"""
            /// - Remark: Generated from `#/components/schemas/LongKey`.
            public typealias LongKey = String

            /// A job key.
            ///
            /// - Remark: Generated from `#/components/schemas/JobKey`.
            public struct JobKey: CamundaIdentifier, NodeDecodable, NodeEncodable {
                /// The raw value sent on the wire.
                public let rawValue: String
                /// Creates the identifier from its raw value.
                public init(rawValue: String) { self.rawValue = rawValue }
                /// The pattern valid values match.
                public static let pattern = #"^-?[0-9]+$"#
            }

            /// - Remark: Generated from `#/components/schemas/Holder`.
            public struct Holder: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                /// The key of the job.
                public var jobKey: JobKey
                /// A job key.
                public var parentKey: JobKey?

                /// Creates a value with every property; optional ones default to `nil`.
                public init(jobKey: JobKey, parentKey: JobKey? = nil) {
                    self.jobKey = jobKey
                    self.parentKey = parentKey
                }

                enum CodingKeys: String, CodingKey {
                    case jobKey
                    case parentKey
                }

                /// The value straight from a parsed node, or `nil` to decode it with `init(from:)`.
                package static func decode(node: JSONNode) -> Self? {
                    guard var object = NodeObject(node),
                        let v0: JobKey = object.required("jobKey"),
                        let v1: JobKey? = object.optional("parentKey")
                    else { return nil }
                    return Self(jobKey: v0, parentKey: v1)
                }

                /// The value's encoded tree, or `nil` to encode it with `encode(to:)`.
                package func encodedNode() -> EncodedNode? {
                    let object = EncodedObject()
                    object.members.reserveCapacity(2)
                    guard
                        object.put("jobKey", self.jobKey),
                        object.put("parentKey", self.parentKey)
                    else { return nil }
                    return .object(object)
                }
            }

            """#)
    }

    @Test func discriminatedUnionInjectsTag() throws {
        let yaml = """
                Result:
                  oneOf:
                    - $ref: '#/components/schemas/TaskResult'
                  discriminator:
                    propertyName: type
                    mapping:
                      userTask: '#/components/schemas/TaskResult'
                TaskResult:
                  type: object
                  required: [type]
                  properties:
                    type:
                      type: string
                    denied:
                      type: boolean
            """
        expectSame(try modelText(yaml + "\n"), #"""
            /// - Remark: Generated from `#/components/schemas/Result`.
            public enum Result: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                /// The `userTask` variant.
                case userTask(TaskResult)
                /// A payload this SDK version does not recognise, kept as received.
                case undocumented(JSONValue)

                /// Decodes the variant named by `type`.
                public init(from decoder: any Decoder) throws {
                    switch try UnionCoding.discriminator("type", in: decoder) {
                    case "userTask": self = .userTask(try TaskResult(from: decoder))
                    default: self = .undocumented(try JSONValue(from: decoder))
                    }
                }

                /// Encodes the variant with its `type` value.
                public func encode(to encoder: any Encoder) throws {
                    switch self {
                    case .userTask(let value): try UnionCoding.encode(value, tag: "userTask", key: "type", to: encoder)
                    case .undocumented(let value): try value.encode(to: encoder)
                    }
                }
            }

            /// - Remark: Generated from `#/components/schemas/TaskResult`.
            public struct TaskResult: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                public var type: String?
                public var denied: Bool?

                /// Creates a value with every property; optional ones default to `nil`.
                public init(type: String? = nil, denied: Bool? = nil) {
                    self.type = type
                    self.denied = denied
                }

                enum CodingKeys: String, CodingKey {
                    case type
                    case denied
                }

                /// The value straight from a parsed node, or `nil` to decode it with `init(from:)`.
                package static func decode(node: JSONNode) -> Self? {
                    guard var object = NodeObject(node),
                        let v0: String? = object.optional("type"),
                        let v1: Bool? = object.optional("denied")
                    else { return nil }
                    return Self(type: v0, denied: v1)
                }

                /// The value's encoded tree, or `nil` to encode it with `encode(to:)`.
                package func encodedNode() -> EncodedNode? {
                    let object = EncodedObject()
                    object.members.reserveCapacity(2)
                    guard
                        object.put("type", self.type),
                        object.put("denied", self.denied)
                    else { return nil }
                    return .object(object)
                }
            }

            """#)
    }

    @Test func unionsWithoutDiscriminator() throws {
        let yaml = """
                Value:
                  oneOf:
                    - type: string
                    - type: number
                Instruction:
                  oneOf:
                    - $ref: '#/components/schemas/ById'
                    - $ref: '#/components/schemas/ByKey'
                ById:
                  type: object
                  required: [id]
                  properties:
                    id: {type: string}
                ByKey:
                  type: object
                  required: [key]
                  properties:
                    key: {type: string}
            """
        expectSame(try modelText(yaml + "\n"), #"""
            /// - Remark: Generated from `#/components/schemas/Value`.
            public enum Value: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                /// A ``String`` value.
                case string(String)
                /// A ``Double`` value.
                case number(Double)
                /// A payload this SDK version does not recognise, kept as received.
                case undocumented(JSONValue)

                /// The JSON shapes of the cases, in order, used to pick one when decoding.
                static let shapes: [UnionCoding.Shape] = [
                    .string,
                    .number,
                ]

                /// Decodes the first case whose JSON shape matches (see ``UnionCoding``).
                public init(from decoder: any Decoder) throws {
                    switch try UnionCoding.choose(Self.shapes, in: decoder) {
                    case 0: self = .string(try String(from: decoder))
                    case 1: self = .number(try Double(from: decoder))
                    default: self = .undocumented(try JSONValue(from: decoder))
                    }
                }

                /// Encodes the payload.
                public func encode(to encoder: any Encoder) throws {
                    switch self {
                    case .string(let value): try value.encode(to: encoder)
                    case .number(let value): try value.encode(to: encoder)
                    case .undocumented(let value): try value.encode(to: encoder)
                    }
                }
            }

            /// - Remark: Generated from `#/components/schemas/Instruction`.
            public enum Instruction: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                /// A ``ById`` value.
                case byId(ById)
                /// A ``ByKey`` value.
                case byKey(ByKey)
                /// A payload this SDK version does not recognise, kept as received.
                case undocumented(JSONValue)

                /// The JSON shapes of the cases, in order, used to pick one when decoding.
                static let shapes: [UnionCoding.Shape] = [
                    .object(required: ["id"], known: ["id"]),
                    .object(required: ["key"], known: ["key"]),
                ]

                /// Decodes the first case whose JSON shape matches (see ``UnionCoding``).
                public init(from decoder: any Decoder) throws {
                    switch try UnionCoding.choose(Self.shapes, in: decoder) {
                    case 0: self = .byId(try ById(from: decoder))
                    case 1: self = .byKey(try ByKey(from: decoder))
                    default: self = .undocumented(try JSONValue(from: decoder))
                    }
                }

                /// Encodes the payload.
                public func encode(to encoder: any Encoder) throws {
                    switch self {
                    case .byId(let value): try value.encode(to: encoder)
                    case .byKey(let value): try value.encode(to: encoder)
                    case .undocumented(let value): try value.encode(to: encoder)
                    }
                }
            }

            /// - Remark: Generated from `#/components/schemas/ById`.
            public struct ById: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                public var id: String

                /// Creates a value with every property; optional ones default to `nil`.
                public init(id: String) {
                    self.id = id
                }

                enum CodingKeys: String, CodingKey {
                    case id
                }

                /// The value straight from a parsed node, or `nil` to decode it with `init(from:)`.
                package static func decode(node: JSONNode) -> Self? {
                    guard var object = NodeObject(node),
                        let v0: String = object.required("id")
                    else { return nil }
                    return Self(id: v0)
                }

                /// The value's encoded tree, or `nil` to encode it with `encode(to:)`.
                package func encodedNode() -> EncodedNode? {
                    let object = EncodedObject()
                    object.members.reserveCapacity(1)
                    guard
                        object.put("id", self.id)
                    else { return nil }
                    return .object(object)
                }
            }

            /// - Remark: Generated from `#/components/schemas/ByKey`.
            public struct ByKey: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                public var key: String

                /// Creates a value with every property; optional ones default to `nil`.
                public init(key: String) {
                    self.key = key
                }

                enum CodingKeys: String, CodingKey {
                    case key
                }

                /// The value straight from a parsed node, or `nil` to decode it with `init(from:)`.
                package static func decode(node: JSONNode) -> Self? {
                    guard var object = NodeObject(node),
                        let v0: String = object.required("key")
                    else { return nil }
                    return Self(key: v0)
                }

                /// The value's encoded tree, or `nil` to encode it with `encode(to:)`.
                package func encodedNode() -> EncodedNode? {
                    let object = EncodedObject()
                    object.members.reserveCapacity(1)
                    guard
                        object.put("key", self.key)
                    else { return nil }
                    return .object(object)
                }
            }

            """#)
    }

    @Test func filterPropertyBecomesGeneric() throws {
        let yaml = """
                StringFilterProperty:
                  oneOf:
                    - type: string
                      title: Exact match
                    - $ref: '#/components/schemas/AdvancedStringFilter'
                AdvancedStringFilter:
                  type: object
                  properties:
                    $eq: {type: string}
                    $in:
                      type: array
                      items: {type: string}
            """
        expectSame(try modelText(yaml + "\n"), #"""
            /// - Remark: Generated from `#/components/schemas/StringFilterProperty`.
            public typealias StringFilterProperty = FilterProperty<String, AdvancedStringFilter>

            /// - Remark: Generated from `#/components/schemas/AdvancedStringFilter`.
            public struct AdvancedStringFilter: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                public var eq: String?
                public var `in`: [String]?

                /// Creates a value with every property; optional ones default to `nil`.
                public init(eq: String? = nil, `in`: [String]? = nil) {
                    self.eq = eq
                    self.in = `in`
                }

                enum CodingKeys: String, CodingKey {
                    case eq = "$eq"
                    case `in` = "$in"
                }

                /// The value straight from a parsed node, or `nil` to decode it with `init(from:)`.
                package static func decode(node: JSONNode) -> Self? {
                    guard var object = NodeObject(node),
                        let v0: String? = object.optional("$eq"),
                        let v1: [String]? = object.optional("$in")
                    else { return nil }
                    return Self(eq: v0, in: v1)
                }

                /// The value's encoded tree, or `nil` to encode it with `encode(to:)`.
                package func encodedNode() -> EncodedNode? {
                    let object = EncodedObject()
                    object.members.reserveCapacity(2)
                    guard
                        object.put("$eq", self.eq),
                        object.put("$in", self.`in`)
                    else { return nil }
                    return .object(object)
                }
            }

            """#)
    }

    @Test func freeFormObjectsAndInlineEnums() throws {
        let yaml = """
                Payload:
                  type: object
                  required: [variables]
                  properties:
                    variables:
                      type: object
                      additionalProperties: true
                    headers:
                      type: object
                      additionalProperties:
                        type: string
                    anything:
                      description: Any value.
                    mode:
                      type: string
                      enum: [A, B]
            """
        expectSame(try modelText(yaml + "\n"), #"""
            /// - Remark: Generated from `#/components/schemas/Payload`.
            public struct Payload: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                public var variables: [String: JSONValue]
                public var headers: [String: String]?
                /// Any value.
                public var anything: JSONValue?
                public var mode: Mode?

                /// Creates a value with every property; optional ones default to `nil`.
                public init(variables: [String: JSONValue], headers: [String: String]? = nil, anything: JSONValue? = nil, mode: Mode? = nil) {
                    self.variables = variables
                    self.headers = headers
                    self.anything = anything
                    self.mode = mode
                }

                enum CodingKeys: String, CodingKey {
                    case variables
                    case headers
                    case anything
                    case mode
                }

                /// The value straight from a parsed node, or `nil` to decode it with `init(from:)`.
                package static func decode(node: JSONNode) -> Self? {
                    guard var object = NodeObject(node),
                        let v0: [String: JSONValue] = object.required("variables"),
                        let v1: [String: String]? = object.optional("headers"),
                        let v2: JSONValue? = object.optional("anything"),
                        let v3: Mode? = object.optional("mode")
                    else { return nil }
                    return Self(variables: v0, headers: v1, anything: v2, mode: v3)
                }

                /// The value's encoded tree, or `nil` to encode it with `encode(to:)`.
                package func encodedNode() -> EncodedNode? {
                    let object = EncodedObject()
                    object.members.reserveCapacity(4)
                    guard
                        object.put("variables", self.variables),
                        object.put("headers", self.headers),
                        object.put("anything", self.anything),
                        object.put("mode", self.mode)
                    else { return nil }
                    return .object(object)
                }

                public enum Mode: CamundaEnum, NodeDecodable, NodeEncodable {
                    /// `A`
                    case a
                    /// `B`
                    case b
                    /// A value this SDK version does not know, kept as received.
                    case undocumented(String)

                    /// Creates the value for a wire string; unknown strings become ``undocumented(_:)``.
                    public init(rawValue: String) {
                        switch rawValue {
                        case "A": self = .a
                        case "B": self = .b
                        default: self = .undocumented(rawValue)
                        }
                    }

                    /// The wire string.
                    public var rawValue: String {
                        switch self {
                        case .a: "A"
                        case .b: "B"
                        case .undocumented(let value): value
                        }
                    }

                    /// The documented values.
                    public static let allCases: [Self] = [.a, .b]
                }
            }

            """#)
    }

    @Test func versionSkewClearableDatesAndDeprecation() throws {
        let yaml = """
                Thing:
                  type: object
                  required: [old, newer, clearable]
                  properties:
                    old: {type: string}
                    newer: {type: string}
                    clearable:
                      type: string
                      format: date-time
                      description: Reset by providing an empty String.
                    legacy:
                      type: string
                      deprecated: true
                  x-properties-added-in-version:
                    - propertyName: newer
                      addedInVersion: "8.9"
            """
        expectSame(try modelText(yaml + "\n"), #"""
            /// - Remark: Generated from `#/components/schemas/Thing`.
            public struct Thing: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable {
                public var old: String
                /// Added in 8.9.
                public var newer: String?
                /// Reset by providing an empty String.
                public var clearable: DateUpdate
                @available(*, deprecated)
                public var legacy: String? {
                    get { _legacy }
                    set { _legacy = newValue }
                }
                private var _legacy: String?

                /// Creates a value with every property; optional ones default to `nil`.
                public init(old: String, newer: String?, clearable: DateUpdate, legacy: String? = nil) {
                    self.old = old
                    self.newer = newer
                    self.clearable = clearable
                    self._legacy = legacy
                }

                enum CodingKeys: String, CodingKey {
                    case old
                    case newer
                    case clearable
                    case _legacy = "legacy"
                }

                /// The value straight from a parsed node, or `nil` to decode it with `init(from:)`.
                package static func decode(node: JSONNode) -> Self? {
                    guard var object = NodeObject(node),
                        let v0: String = object.required("old"),
                        let v1: String? = object.optional("newer"),
                        let v2: DateUpdate = object.required("clearable"),
                        let v3: String? = object.optional("legacy")
                    else { return nil }
                    return Self(old: v0, newer: v1, clearable: v2, legacy: v3)
                }

                /// The value's encoded tree, or `nil` to encode it with `encode(to:)`.
                package func encodedNode() -> EncodedNode? {
                    let object = EncodedObject()
                    object.members.reserveCapacity(4)
                    guard
                        object.put("old", self.old),
                        object.put("newer", self.newer),
                        object.put("clearable", self.clearable),
                        object.put("legacy", self._legacy)
                    else { return nil }
                    return .object(object)
                }
            }

            """#)
    }
}
