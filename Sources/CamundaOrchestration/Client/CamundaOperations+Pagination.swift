/// The items of a search, page after page, as an `AsyncSequence` (see `paginate(_:pageSize:_:)` on `CamundaOperations`).
///
/// Each page is requested with the previous page's `endCursor` as `page.after`; the sequence ends
/// after a page that is empty, has no `endCursor`, or has fewer items than the page size.
public struct PaginatedSequence<Query: PaginatedSearchQuery, Result: PaginatedSearchResult>: AsyncSequence, Sendable {
    /// One item of a page.
    public typealias Element = Result.Item

    let query: Query
    let pageSize: Int32
    let search: @Sendable (Query) async throws -> Result

    /// Creates the sequence.
    ///
    /// - Parameters:
    ///   - query: The first request; its `page` defaults to the first `pageSize` items.
    ///   - pageSize: Items per page (at least 1).
    ///   - search: Sends one search request.
    public init(query: Query, pageSize: Int32, search: @escaping @Sendable (Query) async throws -> Result) {
        var first = query
        let size = Swift.max(pageSize, 1)
        if first.page == nil { first.page = .limit(size) }
        self.query = first
        self.pageSize = size
        self.search = search
    }

    /// Creates an iterator that fetches pages as it goes.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(next: query, pageSize: pageSize, search: search)
    }

    /// All items of all pages, in order.
    ///
    /// - Throws: The first error of a page request.
    public func collect() async throws -> [Element] {
        var items: [Element] = []
        for try await item in self { items.append(item) }
        return items
    }

    /// Fetches pages on demand and hands out their items.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var next: Query?
        let pageSize: Int32
        let search: @Sendable (Query) async throws -> Result
        var buffer: [Element] = []
        var index = 0

        init(next: Query?, pageSize: Int32, search: @escaping @Sendable (Query) async throws -> Result) {
            self.next = next
            self.pageSize = pageSize
            self.search = search
        }

        /// The next item, fetching the next page when the current one is used up.
        ///
        /// - Throws: The error of a page request (usually `CamundaError`).
        public mutating func next() async throws -> Element? {
            while index >= buffer.count {
                guard var query = next else { return nil }
                let page = try await search(query)
                buffer = page.items
                index = 0
                if let cursor = page.page.endCursor, !page.items.isEmpty, page.items.count >= Int(pageSize) {
                    query.page = .after(cursor, limit: pageSize)
                    next = query
                } else {
                    next = nil
                }
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}

extension CamundaOperations {
    /// The items of a search across all pages, fetched page by page with cursors.
    ///
    /// ```swift
    /// for try await job in client.paginate(JobSearchQuery(filter: filter), pageSize: 100, { client, query in
    ///     try await client.searchJobs(query)
    /// }) {
    ///     print(job.jobKey)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - query: The search request; when its `page` is `nil` the first page holds `pageSize` items.
    ///   - pageSize: Items per page.
    ///   - search: Sends one request of the search, for example `{ try await $0.searchJobs($1) }`.
    /// - Returns: A sequence of the items of every page.
    public func paginate<Query: PaginatedSearchQuery, Result: PaginatedSearchResult>(
        _ query: Query, pageSize: Int32 = 100,
        _ search: @escaping @Sendable (Self, Query) async throws -> Result
    ) -> PaginatedSequence<Query, Result> {
        PaginatedSequence(query: query, pageSize: pageSize) { query in try await search(self, query) }
    }
}
