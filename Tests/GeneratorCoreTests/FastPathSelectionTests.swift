import Foundation
import GeneratorCore
import Testing

/// The JSON fast paths (`NodeDecodable` / `NodeEncodable`) are generated for the worker's hot path
/// only: the request bodies and JSON responses of the `longPoll` and `acknowledgement` operations and
/// what their members reach (not union payloads, whose fast path is `Codable`).
@Suite struct FastPathSelectionTests {
    static let files = [
        "api.yaml": spec(
            schemas: """
                    ActivationRequest:
                      type: object
                      required: [type]
                      properties:
                        type: {type: string}
                    ActivationResult:
                      type: object
                      required: [jobs]
                      properties:
                        jobs:
                          type: array
                          items: {$ref: '#/components/schemas/Job'}
                    Job:
                      type: object
                      required: [kind, headers]
                      properties:
                        kind: {$ref: '#/components/schemas/Kind'}
                        headers:
                          type: object
                          additionalProperties: {$ref: '#/components/schemas/Header'}
                        state:
                          type: object
                          properties:
                            phase: {type: string, enum: [a, b]}
                        result: {$ref: '#/components/schemas/Outcome'}
                    Header:
                      type: object
                      properties:
                        value: {type: string}
                    Kind: {type: string, enum: [one, two]}
                    Outcome:
                      oneOf:
                        - {$ref: '#/components/schemas/OutcomeA'}
                        - {$ref: '#/components/schemas/OutcomeB'}
                    OutcomeA:
                      type: object
                      required: [a]
                      properties:
                        a: {type: string}
                    OutcomeB:
                      type: object
                      required: [b]
                      properties:
                        b: {type: integer}
                    Completion:
                      type: object
                      properties:
                        note: {type: string}
                    Search:
                      type: object
                      properties:
                        kind: {$ref: '#/components/schemas/Kind'}
                        job: {$ref: '#/components/schemas/Job'}
                """,
            paths: """
                  /jobs/activation:
                    post:
                      operationId: activateJobs
                      requestBody:
                        required: true
                        content:
                          application/json:
                            schema: {$ref: '#/components/schemas/ActivationRequest'}
                      responses:
                        '200':
                          description: ok
                          content:
                            application/json:
                              schema: {$ref: '#/components/schemas/ActivationResult'}
                  /jobs/{jobKey}/completion:
                    post:
                      operationId: completeJob
                      parameters:
                        - {name: jobKey, in: path, required: true, schema: {type: string}}
                      requestBody:
                        content:
                          application/json:
                            schema: {$ref: '#/components/schemas/Completion'}
                      responses:
                        '204': {description: done}
                  /jobs/search:
                    post:
                      operationId: searchJobs
                      requestBody:
                        content:
                          application/json:
                            schema: {$ref: '#/components/schemas/Search'}
                      responses:
                        '200':
                          description: ok
                          content:
                            application/json:
                              schema: {$ref: '#/components/schemas/Search'}
                """)
    ]

    /// Every generated model file, concatenated.
    static func models(_ scope: FastPathScope) throws -> String {
        try generate(files, fastPaths: scope).files.filter { $0.key.hasPrefix("Models+") }.sorted { $0.key < $1.key }
            .map(\.value).joined(separator: "\n")
    }

    /// The declaration line of `type` in the generated models.
    static func header(_ type: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.contains("public struct \(type):") || $0.contains("public enum \(type):") }
            .map { String($0) }
    }

    @Test func theHotPathAndWhatItReaches() throws {
        let text = try Self.models(.workerHotPath)
        for type in ["ActivationRequest", "ActivationResult", "Job", "Header", "Kind", "Outcome", "Completion", "Phase"] {
            #expect(Self.header(type, in: text)?.contains("NodeDecodable, NodeEncodable") == true, "\(type)")
        }
        // The nested object type of `Job.state` is reached through its member.
        #expect(text.contains("public struct State: Codable, Hashable, Sendable, NodeDecodable, NodeEncodable"))
        // Off the hot path: a search body, and a union's payloads (the union's fast path is `Codable`).
        for type in ["Search", "OutcomeA", "OutcomeB"] {
            let line = try #require(Self.header(type, in: text), "\(type)")
            #expect(!line.contains("NodeDecodable"), "\(type)")
        }
        // Structs off the hot path have no fast-path members at all.
        let searchStart = try #require(text.range(of: "public struct Search:"))
        #expect(!text[searchStart.lowerBound...].contains("func decode(node:"))
    }

    @Test func allAndNoneReproduceTheMeasurement() throws {
        let all = try Self.models(.all)
        let none = try Self.models(.none)
        #expect(Self.header("Search", in: all)?.contains("NodeDecodable, NodeEncodable") == true)
        #expect(!none.contains("NodeDecodable"))
        #expect(!none.contains("NodeObject"))
    }
}
