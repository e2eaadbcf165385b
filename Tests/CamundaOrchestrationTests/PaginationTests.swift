import CamundaOrchestration
import Foundation
import Testing

/// In-memory tenants behind `searchTenants` and `getTenant`, paging with cursors like the server.
private final class TenantDirectory: CamundaOperations {
    let tenants: [TenantResult]
    let seenPages = Locked<[SearchQueryPageRequest?]>([])
    /// How many `getTenant` calls answer 404 / how many searches answer empty before the data "arrives".
    let missesBeforeFound: Locked<Int>

    init(count: Int, missesBeforeFound: Int = 0) {
        tenants = (0..<count).map { TenantResult(name: "Tenant \($0)", tenantId: TenantId("tenant-\($0)"), description: nil) }
        self.missesBeforeFound = Locked(missesBeforeFound)
    }

    func send(_ request: OperationRequest) async throws -> OperationResponse {
        let stillMissing = missesBeforeFound.withLock { misses in
            defer { misses = max(misses - 1, 0) }
            return misses > 0
        }
        switch request.operationID {
        case "searchTenants":
            let query = try CamundaJSON.decode(TenantSearchQueryRequest.self, from: request.bodyData ?? Data("{}".utf8))
            seenPages.withLock { $0.append(query.page) }
            var start = 0
            var limit = 100
            switch query.page {
            case .limitPagination(let page)?: limit = Int(page.limit ?? 100)
            case .cursorForwardPagination(let page)?:
                start = Int(page.after?.rawValue ?? "-1")! + 1
                limit = Int(page.limit ?? 100)
            default: break
            }
            let items = stillMissing ? [] : Array(tenants.dropFirst(start).prefix(limit))
            let end = items.isEmpty ? nil : EndCursor(rawValue: "\(start + items.count - 1)")
            let result = TenantSearchQueryResult(
                items: items,
                page: SearchQueryPageResponse(
                    totalItems: Int64(tenants.count), hasMoreTotalItems: false,
                    startCursor: items.isEmpty ? nil : StartCursor(rawValue: "\(start)"), endCursor: end))
            return OperationResponse(status: 200, headers: ["content-type": "application/json"], body: try CamundaJSON.encode(result))
        case "getTenant":
            if stillMissing {
                let problem = ProblemDetail(title: "NOT_FOUND", status: 404, detail: "no such tenant")
                return OperationResponse(
                    status: 404, headers: ["content-type": "application/problem+json"], body: try CamundaJSON.encode(problem))
            }
            return OperationResponse(status: 200, headers: ["content-type": "application/json"], body: try CamundaJSON.encode(tenants[0]))
        default:
            return OperationResponse(status: 500)
        }
    }
}

@Suite("Pagination and eventual consistency")
struct PaginationTests {
    @Test func iteratesAcrossPagesWithCursors() async throws {
        let directory = TenantDirectory(count: 250)
        let names = try await directory.paginate(TenantSearchQueryRequest(), pageSize: 100) { client, query in
            try await client.searchTenants(query)
        }.collect().map(\.name)
        #expect(names == (0..<250).map { "Tenant \($0)" })
        let pages = directory.seenPages.value
        #expect(pages.count == 3)
        #expect(pages[0] == .limit(100))
        #expect(pages[1] == .after(EndCursor(rawValue: "99"), limit: 100))
        #expect(pages[2] == .after(EndCursor(rawValue: "199"), limit: 100))
    }

    @Test func anExactMultipleEndsWithAnEmptyPage() async throws {
        let directory = TenantDirectory(count: 20)
        var count = 0
        for try await _ in directory.paginate(TenantSearchQueryRequest(), pageSize: 10, { try await $0.searchTenants($1) }) {
            count += 1
        }
        #expect(count == 20)
        #expect(directory.seenPages.value.count == 3)
    }

    @Test func emptyResultAndEarlyExit() async throws {
        let empty = TenantDirectory(count: 0)
        #expect(try await empty.paginate(TenantSearchQueryRequest(), { try await $0.searchTenants($1) }).collect().isEmpty)
        #expect(empty.seenPages.value.count == 1)

        let many = TenantDirectory(count: 1000)
        var iterator = many.paginate(TenantSearchQueryRequest(), pageSize: 5, { try await $0.searchTenants($1) })
            .makeAsyncIterator()
        for _ in 0..<7 { _ = try await iterator.next() }
        #expect(many.seenPages.value.count == 2)  // pages are fetched lazily
    }

    @Test func waitUntilPollsA404GetterUntilFound() async throws {
        let directory = TenantDirectory(count: 1, missesBeforeFound: 3)
        let tenant = try await directory.waitUntil(timeout: .seconds(30), pollInterval: .milliseconds(1)) {
            try await directory.getTenant(tenantId: TenantId("tenant-0"))
        }
        #expect(tenant.name == "Tenant 0")
    }

    @Test func waitUntilPollsASearchUntilNonEmpty() async throws {
        let directory = TenantDirectory(count: 3, missesBeforeFound: 2)
        let result = try await directory.waitUntil(timeout: .seconds(30), pollInterval: .milliseconds(1)) {
            try await directory.searchTenants(TenantSearchQueryRequest())
        }
        #expect(result.items.count == 3)
        #expect(directory.seenPages.value.count == 3)
    }

    @Test func waitUntilTimesOutWithATypedError() async throws {
        let directory = TenantDirectory(count: 1, missesBeforeFound: .max)
        let error = try await #require(throws: CamundaError.self) {
            try await directory.waitUntil(timeout: .milliseconds(30), pollInterval: .milliseconds(5)) {
                try await directory.getTenant(tenantId: TenantId("tenant-0"))
            }
        }
        #expect(error.kind == .timeout)
        #expect(error.operationID == "getTenant")
        #expect((error.cause as? CamundaError)?.status == 404)
    }

    @Test func otherErrorsStopTheWait() async throws {
        let directory = TenantDirectory(count: 1)
        let error = try await #require(throws: CamundaError.self) {
            try await directory.waitUntil(timeout: .seconds(30)) {
                try await directory.deleteTenant(tenantId: TenantId("x"))
            }
        }
        #expect(error.status == 500)
    }

    @Test func catalogKnowsEventuallyConsistentOperations() {
        #expect(TenantDirectory.isEventuallyConsistent("searchJobs"))
        #expect(!TenantDirectory.isEventuallyConsistent("completeJob"))
    }
}
