import Foundation
import GeneratorCore
import Testing

/// ``RequestValidator`` finds each kind of violation in deliberately bad requests, and none in good ones.
@Suite struct RequestValidatorTests {
    static let spec = """
        openapi: 3.0.3
        info: { title: Test, version: "1" }
        paths:
          /jobs/{jobKey}/completion:
            post:
              operationId: completeJob
              parameters:
                - name: jobKey
                  in: path
                  required: true
                  schema: { $ref: '#/components/schemas/JobKey' }
              requestBody:
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/Completion' }
              responses: { "204": { description: done } }
          /jobs/search:
            post:
              operationId: searchJobs
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/Search' }
              responses: { "200": { description: ok } }
          /jobs/statistics:
            get:
              operationId: getStatistics
              parameters:
                - { name: from, in: query, required: true, schema: { type: string, format: date-time } }
                - { name: limit, in: query, schema: { type: integer, format: int32, maximum: 100 } }
                - { name: verbose, in: query, schema: { type: boolean } }
              responses: { "200": { description: ok } }
          /documents/batch:
            post:
              operationId: createDocuments
              requestBody:
                required: true
                content:
                  multipart/form-data:
                    schema:
                      type: object
                      additionalProperties: false
                      required: [files]
                      properties:
                        files: { type: array, items: { type: string, format: binary } }
                        metadataList: { type: array, items: { $ref: '#/components/schemas/Metadata' } }
                        tenantId: { type: string, pattern: '^[a-z]+$' }
              responses: { "201": { description: ok } }
          /contents:
            post:
              operationId: addContent
              requestBody:
                required: true
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/Content' }
              responses: { "201": { description: ok } }
        components:
          schemas:
            JobKey: { type: string, pattern: '^-?[0-9]+$' }
            State: { type: string, enum: [ACTIVE, COMPLETED] }
            Completion:
              type: object
              additionalProperties: false
              properties:
                variables: { type: object, additionalProperties: true, nullable: true }
                retries: { type: integer, format: int32, minimum: 0 }
                tag: { anyOf: [ { type: integer }, { type: string, enum: [urgent] } ] }
                note: { type: string, not: { enum: [forbidden] } }
                byTag:
                  type: object
                  required: [id]
                  not: { anyOf: [ { required: [version] }, { required: [key] } ] }
                  properties: { id: { type: string }, version: { type: integer }, key: { type: string } }
            Base:
              type: object
              required: [page]
              properties:
                page: { type: object, properties: { limit: { type: integer, format: int32, maximum: 10000 } } }
            Search:
              allOf:
                - $ref: '#/components/schemas/Base'
                - type: object
                  additionalProperties: false
                  properties:
                    filter:
                      type: object
                      additionalProperties: false
                      properties:
                        state: { $ref: '#/components/schemas/State' }
                        key: { oneOf: [ { $ref: '#/components/schemas/JobKey' }, { $ref: '#/components/schemas/KeyFilter' } ] }
                        createdAfter: { type: string, format: date-time }
                        name: { type: string, minLength: 1, maxLength: 5 }
            KeyFilter:
              type: object
              additionalProperties: false
              properties:
                $in: { type: array, items: { $ref: '#/components/schemas/JobKey' } }
            Metadata:
              type: object
              additionalProperties: false
              properties:
                fileName: { type: string }
                expiresAt: { type: string, format: date-time }
            Content:
              discriminator:
                propertyName: kind
                mapping: { TEXT: '#/components/schemas/Text', NUMBER: '#/components/schemas/Number' }
              oneOf: [ { $ref: '#/components/schemas/Text' }, { $ref: '#/components/schemas/Number' } ]
            Text:
              type: object
              required: [kind, text]
              additionalProperties: false
              properties: { kind: { type: string }, text: { type: string } }
            Number:
              type: object
              required: [kind, value]
              additionalProperties: false
              properties: { kind: { type: string }, value: { type: number } }
        """

    let validator: RequestValidator

    init() throws {
        let loader = SpecLoader(reader: InMemoryFileReader(["api.yaml": Self.spec]))
        let document = try ModelBuilder(loader: loader).build(entry: "api.yaml")
        validator = RequestValidator(document: document, loader: loader)
    }

    func json(_ method: String, _ path: String, _ body: String, contentType: String = "application/json") -> WireRequest {
        WireRequest(method: method, path: path, headers: [("Content-Type", contentType)], body: Array(body.utf8))
    }

    func messages(_ request: WireRequest) -> [String] {
        validator.validate(request).map { "\($0.pointer): \($0.message)" }
    }

    /// One violation at `pointer` whose message contains `text`.
    func expectViolation(
        _ request: WireRequest, at pointer: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let found = validator.validate(request)
        #expect(
            found.contains { $0.pointer == pointer && $0.message.contains(text) },
            "expected '\(text)' at \(pointer), found \(found.map(\.description))", sourceLocation: sourceLocation)
        #expect(found.allSatisfy { $0.operationID != nil || pointer.isEmpty }, sourceLocation: sourceLocation)
    }

    @Test func conformingRequestsHaveNoViolations() {
        #expect(messages(json("POST", "/v2/jobs/123/completion", #"{"variables":{"a":1},"retries":2}"#)) == [])
        #expect(messages(json("POST", "/v2/jobs/123/completion", #"{"variables":null}"#)) == [])
        #expect(messages(WireRequest(method: "POST", path: "/v2/jobs/123/completion")) == [])
        #expect(
            messages(
                json(
                    "POST", "/v2/jobs/search",
                    #"{"page":{"limit":10},"filter":{"state":"ACTIVE","key":{"$in":["1","2"]},"createdAfter":"2025-06-07T13:14:15.027+02:00","name":"ab"}}"#
                )) == [])
        #expect(messages(json("POST", "/v2/jobs/search", #"{"page":{},"filter":{"key":"42"}}"#)) == [])
        #expect(
            messages(WireRequest(method: "GET", path: "/v2/jobs/statistics", query: "from=2025-06-07T13%3A14%3A15.000Z&limit=5&verbose=true"))
                == [])
        #expect(messages(json("POST", "/v2/contents", #"{"kind":"TEXT","text":"hi"}"#)) == [])
        #expect(messages(multipart([("files", "a.pdf", "application/pdf", "%PDF"), ("metadataList", nil, "application/json", #"{"fileName":"a.pdf"}"#), ("tenantId", nil, nil, "abc")])) == [])
    }

    @Test func theOperationIsFoundByMethodAndPathTemplate() {
        #expect(validator.match(method: "POST", path: "/v2/jobs/search")?.operation.operationID == "searchJobs")
        #expect(validator.match(method: "post", path: "/v2/jobs/12/completion")?.parameters == ["jobKey": "12"])
        expectViolation(WireRequest(method: "GET", path: "/v2/jobs/search"), at: "", "no operation of the spec")
        expectViolation(WireRequest(method: "POST", path: "/jobs/search"), at: "", "no operation of the spec")
    }

    @Test func missingRequiredProperty() {
        expectViolation(json("POST", "/v2/jobs/search", #"{"filter":{}}"#), at: "/body/page", "required property missing")
    }

    @Test func wrongTypes() {
        expectViolation(json("POST", "/v2/jobs/123/completion", #"{"retries":"2"}"#), at: "/body/retries", "expected integer, found string")
        expectViolation(json("POST", "/v2/jobs/123/completion", #"{"retries":2.5}"#), at: "/body/retries", "expected integer, found number")
        expectViolation(json("POST", "/v2/jobs/123/completion", #"{"retries":3000000000}"#), at: "/body/retries", "out of the int32 range")
        expectViolation(json("POST", "/v2/jobs/123/completion", #"{"retries":-1}"#), at: "/body/retries", "below the minimum 0")
        expectViolation(json("POST", "/v2/jobs/search", #"{"page":{"limit":20000}}"#), at: "/body/page/limit", "above the maximum")
        expectViolation(json("POST", "/v2/jobs/123/completion", #"{"variables":[1]}"#), at: "/body/variables", "expected object, found array")
        expectViolation(json("POST", "/v2/jobs/123/completion", #"{"retries":null}"#), at: "/body/retries", "null is not allowed")
    }

    @Test func anyOfAndNot() {
        #expect(messages(json("POST", "/v2/jobs/123/completion", #"{"tag":3,"note":"fine"}"#)) == [])
        #expect(messages(json("POST", "/v2/jobs/123/completion", #"{"tag":"urgent"}"#)) == [])
        expectViolation(json("POST", "/v2/jobs/123/completion", #"{"tag":true}"#), at: "/body/tag", "matches none of the 2 anyOf")
        expectViolation(json("POST", "/v2/jobs/123/completion", #"{"note":"forbidden"}"#), at: "/body/note", "under 'not'")
        // `not` over `required` alone (how Camunda excludes property combinations).
        #expect(messages(json("POST", "/v2/jobs/123/completion", #"{"byTag":{"id":"a"}}"#)) == [])
        expectViolation(json("POST", "/v2/jobs/123/completion", #"{"byTag":{"id":"a","key":"1"}}"#), at: "/body/byTag", "under 'not'")
    }

    @Test func badEnumPatternAndLength() {
        expectViolation(json("POST", "/v2/jobs/search", #"{"page":{},"filter":{"state":"DONE"}}"#), at: "/body/filter/state", "not one of the enum values")
        expectViolation(json("POST", "/v2/jobs/search", #"{"page":{},"filter":{"name":""}}"#), at: "/body/filter/name", "below minLength 1")
        expectViolation(json("POST", "/v2/jobs/search", #"{"page":{},"filter":{"name":"abcdef"}}"#), at: "/body/filter/name", "above maxLength 5")
        expectViolation(WireRequest(method: "POST", path: "/v2/jobs/abc/completion"), at: "/path/jobKey", "does not match the pattern")
    }

    @Test func additionalPropertyIsRejectedOverTheMergedAllOf() {
        expectViolation(json("POST", "/v2/jobs/search", #"{"page":{},"sort":[]}"#), at: "/body/sort", "additionalProperties: false")
        expectViolation(json("POST", "/v2/jobs/search", #"{"page":{},"filter":{"tenant":"x"}}"#), at: "/body/filter/tenant", "additionalProperties: false")
        expectViolation(json("POST", "/v2/jobs/123/completion", #"{"retries":1,"extra":true}"#), at: "/body/extra", "additionalProperties: false")
    }

    @Test func oneOfAndDiscriminator() {
        expectViolation(json("POST", "/v2/jobs/search", #"{"page":{},"filter":{"key":{"$eq":"1"}}}"#), at: "/body/filter/key", "matches none of the 2 oneOf")
        expectViolation(json("POST", "/v2/contents", #"{"kind":"IMAGE"}"#), at: "/body", "discriminator 'kind' is 'IMAGE'")
        expectViolation(json("POST", "/v2/contents", #"{"text":"hi"}"#), at: "/body", "discriminator property 'kind' missing")
        expectViolation(json("POST", "/v2/contents", #"{"kind":"NUMBER","text":"hi"}"#), at: "/body/value", "required property missing")
    }

    @Test func badDateFormats() {
        expectViolation(
            WireRequest(method: "GET", path: "/v2/jobs/statistics", query: "from=2025-06-07%2013:14:15%20+0000"), at: "/query/from",
            "not an RFC 3339 date-time")
        // `+` in a query is a space to the server.
        expectViolation(
            WireRequest(method: "GET", path: "/v2/jobs/statistics", query: "from=2025-06-07T13:14:15+02:00"), at: "/query/from",
            "not an RFC 3339 date-time")
        expectViolation(
            json("POST", "/v2/jobs/search", #"{"page":{},"filter":{"createdAfter":"2025-02-30T10:00:00Z"}}"#), at: "/body/filter/createdAfter",
            "not an RFC 3339 date-time")
        #expect(RequestValidator.isRFC3339DateTime("2024-02-29T23:59:59.123456789-05:30"))
        #expect(!RequestValidator.isRFC3339DateTime("2024-02-29T23:59:59+0530"))
        #expect(!RequestValidator.isRFC3339DateTime("2024-02-29 23:59:59Z"))
    }

    @Test func queryParameters() {
        expectViolation(WireRequest(method: "GET", path: "/v2/jobs/statistics"), at: "/query/from", "required query parameter missing")
        expectViolation(
            WireRequest(method: "GET", path: "/v2/jobs/statistics", query: "from=2025-06-07T13:14:15Z&limit=ten"), at: "/query/limit",
            "is not an integer")
        expectViolation(
            WireRequest(method: "GET", path: "/v2/jobs/statistics", query: "from=2025-06-07T13:14:15Z&limit=500"), at: "/query/limit",
            "above the maximum 100")
        expectViolation(
            WireRequest(method: "GET", path: "/v2/jobs/statistics", query: "from=2025-06-07T13:14:15Z&verbose=1"), at: "/query/verbose",
            "not a boolean")
        expectViolation(
            WireRequest(method: "GET", path: "/v2/jobs/statistics", query: "from=2025-06-07T13:14:15Z&page=2"), at: "/query/page",
            "not declared")
    }

    @Test func malformedJSONAndContentType() {
        expectViolation(json("POST", "/v2/jobs/search", #"{"page":{},}"#), at: "/body", "invalid JSON")
        expectViolation(json("POST", "/v2/jobs/search", #"{"page":{},"page":{}}"#), at: "/body", "duplicate member name")
        expectViolation(json("POST", "/v2/jobs/search", #"{"page":{"limit":01}}"#), at: "/body", "leading zero")
        expectViolation(json("POST", "/v2/jobs/search", #"{"page":{}}"#, contentType: "text/plain"), at: "/header/content-type", "not one of the operation's media types")
        expectViolation(WireRequest(method: "POST", path: "/v2/jobs/search"), at: "/body", "required request body missing")
        expectViolation(
            WireRequest(
                method: "GET", path: "/v2/jobs/statistics", query: "from=2025-06-07T13:14:15Z", headers: [("Content-Type", "application/json")],
                body: Array("{}".utf8)), at: "/body", "takes no request body")
    }

    func multipart(_ parts: [(name: String, fileName: String?, contentType: String?, body: String)], boundary: String = "b0undary") -> WireRequest {
        var text = ""
        for part in parts {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let fileName = part.fileName { text += "; filename=\"\(fileName)\"" }
            text += "\r\n"
            if let contentType = part.contentType { text += "Content-Type: \(contentType)\r\n" }
            text += "\r\n\(part.body)\r\n"
        }
        text += "--\(boundary)--\r\n"
        return WireRequest(
            method: "POST", path: "/v2/documents/batch", headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")],
            body: Array(text.utf8))
    }

    @Test func wrongMultipart() {
        // An array of objects in one part instead of one part per item.
        expectViolation(
            multipart([("files", "a.pdf", "application/pdf", "%PDF"), ("metadataList", nil, "application/json", #"[{"fileName":"a.pdf"}]"#)]),
            at: "/body/metadataList/0", "one part per item")
        expectViolation(multipart([("metadataList", nil, "application/json", #"{"fileName":"a.pdf"}"#)]), at: "/body/files", "required part missing")
        expectViolation(
            multipart([("files", "a.pdf", nil, "%PDF"), ("attachments", "b.pdf", nil, "%PDF")]), at: "/body/attachments", "not declared")
        expectViolation(
            multipart([("files", "a.pdf", nil, "%PDF"), ("metadataList", nil, nil, #"{"fileName":"a.pdf"}"#)]), at: "/body/metadataList/0",
            "expected 'application/json'")
        expectViolation(
            multipart([("files", "a.pdf", nil, "%PDF"), ("metadataList", nil, "application/json", #"{"fileName":"a.pdf","expiresAt":"tomorrow"}"#)]),
            at: "/body/metadataList/0/expiresAt", "not an RFC 3339 date-time")
        expectViolation(multipart([("files", "a.pdf", nil, "%PDF"), ("tenantId", nil, nil, "ABC")]), at: "/body/tenantId", "does not match the pattern")
        var truncated = multipart([("files", "a.pdf", nil, "%PDF")])
        truncated.body.removeLast(14)
        expectViolation(truncated, at: "/body", "malformed multipart body")
    }
}
