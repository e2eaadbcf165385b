import CamundaAPI
import CamundaOrchestration
import CamundaTesting
import Foundation
import FuzzSupport
import GeneratorCore
import OperationExamples
import Testing

/// Sends every operation of the spec, through its example, with a real `CamundaClient` and its default HTTP
/// transport to the embedded gateway over loopback, then checks every request the gateway received
/// against the spec's parameters and schemas with ``RequestValidator``.
@Suite struct WireConformanceTests {
    /// How long one example may run; the gateway answers at once, so only a hang reaches it.
    static let exampleTimeout: Duration = .seconds(20)

    /// The spec the SDK was generated from, its validator, a started gateway and a client pointed at it.
    private static func withWireCheck(
        _ body: (EmbeddedGateway, CamundaClient, RequestValidator) async throws -> Void
    ) async throws {
        let root = SpecLocator.projectRoot(from: #filePath)
        guard let spec = SpecLocator.locate(.current, projectRoot: root) else {
            Issue.record(
                """
                The wire conformance test needs the spec the SDK was generated from: \
                \(SpecLocator.failure(.current, projectRoot: root))
                """)
            return
        }
        let loader = SpecLoader(reader: DiskFileReader(root: spec.folder))
        let document = try ModelBuilder(loader: loader).build(entry: spec.entry)
        let validator = RequestValidator(document: document, loader: loader)

        // The generated code and the spec must agree, or the check compares against the wrong operations.
        let specIDs = Set(document.operations.map(\.operationID))
        let notInSpec = CamundaSpecCatalog.operations.map(\.id).filter { !specIDs.contains($0) }
        try #require(
            notInSpec.isEmpty,
            "\(spec.entryURL.path) lacks operations the SDK was generated with (\(notInSpec.prefix(10).joined(separator: ", "))): point CAMUNDA_SPEC_DIR at the generator's spec")

        let gateway = try await EmbeddedGateway.start(.init(recordedBodyLimit: 8 << 20))
        do {
            let client = try CamundaClient(
                configuration: [
                    "CAMUNDA_REST_ADDRESS": gateway.restAddress.absoluteString, "CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS": "1",
                ],
                environment: [:])
            do {
                try await body(gateway, client, validator)
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        } catch {
            try? await gateway.shutdown()
            throw error
        }
        try await gateway.shutdown()
    }

    private static func wireRequest(_ recorded: RecordedRequest) -> WireRequest {
        WireRequest(
            method: recorded.method, path: recorded.path, query: recorded.query,
            headers: recorded.headers.map { ($0.name, $0.value) }, body: Array(recorded.body))
    }

    @Test func everyOperationsRequestsMatchTheSpecOnTheWire() async throws {
        try await offCooperativePool {
            try await Self.withWireCheck { gateway, client, validator in
                try await Self.sendEveryOperation(gateway, client, validator)
            }
        }
    }

    private static func sendEveryOperation(_ gateway: EmbeddedGateway, _ client: CamundaClient, _ validator: RequestValidator) async throws {
        var violations: [WireViolation] = []
        var problems: [String] = []
        var sent = 0
        for operation in CamundaSpecCatalog.operations {
            guard let example = OperationExampleRegistry.examples[operation.id] else {
                problems.append("\(operation.id): no example")
                continue
            }
            gateway.clearRequests()
            // A job to activate, so the long poll of `activateJobs` answers at once.
            if operation.id == "activateJobs" { gateway.seedJobs(type: "payment", variables: ["orderId": "A-1", "total": 99.5]) }
            if await !run(example, client) {
                problems.append("\(operation.id): the example did not finish within \(exampleTimeout)")
            }
            let requests = gateway.requests()
            var sawOperation = false
            for recorded in requests {
                sent += 1
                if recorded.bodySize != recorded.body.count {
                    problems.append("\(operation.id): body of \(recorded.bodySize) bytes was cut when recorded")
                }
                let request = wireRequest(recorded)
                if validator.match(method: recorded.method, path: recorded.path)?.operation.operationID == operation.id {
                    sawOperation = true
                }
                violations += validator.validate(request)
            }
            if !sawOperation {
                problems.append(
                    "\(operation.id): the example sent no \(operation.method) \(operation.path) (sent: \(requests.map { "\($0.method) \($0.path)" }))")
            }
        }
        #expect(sent >= CamundaSpecCatalog.operations.count)
        #expect(problems.isEmpty, "\(problems.count) examples could not be checked:\n\(problems.joined(separator: "\n"))")
        let operations = Set(violations.map { $0.operationID ?? $0.request })
        #expect(
            violations.isEmpty,
            """
            \(violations.count) violations of the spec on the wire in \(operations.count) operations \
            (\(sent) requests from \(CamundaSpecCatalog.operations.count) operations):
            \(violations.map(\.description).joined(separator: "\n"))
            """)
    }

    /// The same path through the real transport, gateway and validator reports requests that break the spec.
    @Test func badRequestsSentThroughTheTransportAreReported() async throws {
        try await offCooperativePool {
            try await Self.withWireCheck { gateway, client, validator in
                gateway.clearRequests()
                let now = Date(timeIntervalSince1970: 1_749_302_055)
                // A date as its description, the wire form getGlobalJobStatistics had.
                _ = try await client.send(
                    OperationRequest(
                        operationID: "getGlobalJobStatistics", method: "GET", path: "/jobs/statistics/global",
                        query: [URLQueryItem(name: "from", value: now.description), URLQueryItem(name: "to", value: CamundaJSON.formatDate(now))]))
                // An array of objects in one multipart part.
                var form = MultipartForm()
                form.append(name: "files", file: MultipartFile(fileName: "a.pdf", data: Data("%PDF".utf8), contentType: "application/pdf"))
                try form.append(name: "metadataList", json: [DocumentMetadata(fileName: "a.pdf")])
                _ = try await client.send(
                    OperationRequest(operationID: "createDocuments", method: "POST", path: "/documents/batch", body: .multipart(form)))
                // A required property missing, a wrong type, an unknown enum value and an undeclared property.
                _ = try await client.send(
                    OperationRequest(
                        operationID: "activateJobs", method: "POST", path: "/jobs/activation",
                        body: .json(Data(#"{"timeout":"30s","maxJobsToActivate":10,"tenantFilter":"ALL","color":"red"}"#.utf8))))

                let found = gateway.requests().flatMap { validator.validate(Self.wireRequest($0)) }
                let reported = Set(found.map { "\($0.operationID ?? "-") \($0.pointer)" })
                let expected: Set<String> = [
                    "getGlobalJobStatistics /query/from", "createDocuments /body/metadataList/0", "activateJobs /body/type",
                    "activateJobs /body/timeout", "activateJobs /body/tenantFilter", "activateJobs /body/color",
                ]
                #expect(reported == expected, "\(found.map(\.description).joined(separator: "\n"))")
            }
        }
    }

    /// Runs an example, ignoring the errors the gateway's answers cause; `false` when it timed out.
    private static func run(_ example: @escaping @Sendable (CamundaClient) async throws -> Void, _ client: CamundaClient) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                // 404s and the like from the gateway are expected: only the requests matter here.
                try? await example(client)
                return true
            }
            group.addTask {
                try? await Task.sleep(for: exampleTimeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
