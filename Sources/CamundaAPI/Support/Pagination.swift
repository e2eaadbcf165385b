import Foundation

/// A search request that pages with `page` (every `…SearchQuery` of the spec).
public protocol PaginatedSearchQuery: Sendable {
    /// The pagination criteria.
    var page: SearchQueryPageRequest? { get set }
}

/// A search result page with `items` and cursors (every `…SearchQueryResult` of the spec).
public protocol PaginatedSearchResult: Sendable {
    /// The element type.
    associatedtype Item: Sendable
    /// The items of this page.
    var items: [Item] { get }
    /// Cursors and totals.
    var page: SearchQueryPageResponse { get }
}

extension SearchQueryPageRequest {
    /// The first `limit` items.
    public static func limit(_ limit: Int32) -> Self { .limitPagination(LimitPagination(limit: limit)) }
    /// `limit` items after the cursor `after` (the previous page's `endCursor`).
    public static func after(_ cursor: EndCursor, limit: Int32? = nil) -> Self {
        .cursorForwardPagination(CursorForwardPagination(after: cursor, limit: limit))
    }
    /// `limit` items before the cursor `before` (the next page's `startCursor`).
    public static func before(_ cursor: StartCursor, limit: Int32? = nil) -> Self {
        .cursorBackwardPagination(CursorBackwardPagination(before: cursor, limit: limit))
    }
    /// `limit` items starting at offset `from`.
    public static func offset(from: Int32, limit: Int32? = nil) -> Self {
        .offsetPagination(OffsetPagination(from: from, limit: limit))
    }
}
