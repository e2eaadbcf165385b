import CamundaAPI
import Foundation

/// A search request the gateway cannot answer.
struct SearchFailure: Error {
    var message: String
}

/// Filtering and cursor pagination for the search endpoints (items ordered by key, ascending).
enum SearchSupport {
    static let defaultLimit = 100

    static func cursor(for key: Int64) -> String {
        Data("key:\(key)".utf8).base64EncodedString()
    }

    static func key(fromCursor cursor: String) -> Int64? {
        guard let data = Data(base64Encoded: cursor) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard text.hasPrefix("key:") else { return nil }
        return Int64(text.dropFirst(4))
    }

    /// Picks one page of `keys` (sorted ascending); fails with a message for a malformed cursor.
    static func page(_ keys: [Int64], _ request: SearchQueryPageRequest?) -> Result<([Int64], SearchQueryPageResponse), SearchFailure> {
        var limit = defaultLimit
        var slice: ArraySlice<Int64> = keys[...]
        switch request {
        case nil:
            break
        case .limitPagination(let page)?:
            limit = page.limit.map(Int.init) ?? defaultLimit
        case .offsetPagination(let page)?:
            limit = page.limit.map(Int.init) ?? defaultLimit
            let from = Swift.max(0, Int(page.from ?? 0))
            slice = keys.dropFirst(from)
        case .cursorForwardPagination(let page)?:
            limit = page.limit.map(Int.init) ?? defaultLimit
            if let after = page.after {
                guard let key = key(fromCursor: after.rawValue) else { return .failure(SearchFailure(message: "Invalid cursor '\(after.rawValue)'")) }
                slice = keys[(keys.firstIndex { $0 > key } ?? keys.endIndex)...]
            }
        case .cursorBackwardPagination(let page)?:
            limit = page.limit.map(Int.init) ?? defaultLimit
            if let before = page.before {
                guard let key = key(fromCursor: before.rawValue) else { return .failure(SearchFailure(message: "Invalid cursor '\(before.rawValue)'")) }
                let end = keys.firstIndex { $0 >= key } ?? keys.endIndex
                slice = keys[Swift.max(keys.startIndex, end - Swift.max(limit, 0))..<end]
            }
        case .undocumented?:
            return .failure(SearchFailure(message: "Unsupported pagination"))
        }
        if limit < 0 { return .failure(SearchFailure(message: "The value for page.limit is '\(limit)' but must be greater than or equal to 0.")) }
        let chosen = Array(slice.prefix(limit))
        let response = SearchQueryPageResponse(
            totalItems: Int64(keys.count), hasMoreTotalItems: false,
            startCursor: chosen.first.map { StartCursor(cursor(for: $0)) },
            endCursor: chosen.last.map { EndCursor(cursor(for: $0)) })
        return .success((chosen, response))
    }

    /// The wire string of a filter value (a string, number or boolean).
    static func text<T: Encodable>(_ value: T) -> String? {
        switch try? JSONValue(encoding: value) {
        case .string(let string)?: string
        case .int(let int)?: String(int)
        case .double(let double)?: String(double)
        case .bool(let bool)?: String(bool)
        default: nil
        }
    }

    /// Whether a value passes a filter property (exact value or `$eq`/`$neq`/`$exists`/`$in`/`$notIn`/`$like`).
    static func matches<V, A>(_ filter: FilterProperty<V, A>?, _ value: String?) -> Bool {
        guard let filter else { return true }
        switch filter {
        case .exact(let expected):
            return text(expected) == value
        case .advanced(let advanced):
            guard case .object(let operators)? = try? JSONValue(encoding: advanced) else { return true }
            for (name, operand) in operators {
                switch name {
                case "$eq": if text(operand) != value { return false }
                case "$neq": if text(operand) == value { return false }
                case "$exists": if (value != nil) != (operand.boolValue ?? true) { return false }
                case "$in": if !(operand.arrayValue ?? []).contains(where: { text($0) == value }) { return false }
                case "$notIn": if (operand.arrayValue ?? []).contains(where: { text($0) == value }) { return false }
                case "$like":
                    guard let pattern = operand.stringValue, let value, like(value, pattern) else { return false }
                default: continue
                }
            }
            return true
        }
    }

    /// `*` matches any run of characters, `?` one character.
    static func like(_ value: String, _ pattern: String) -> Bool {
        let v = Array(value), p = Array(pattern)
        var memo: [[Bool?]] = Array(repeating: Array(repeating: nil, count: p.count + 1), count: v.count + 1)
        func go(_ i: Int, _ j: Int) -> Bool {
            if let known = memo[i][j] { return known }
            let result: Bool
            if j == p.count {
                result = i == v.count
            } else if p[j] == "*" {
                result = go(i, j + 1) || (i < v.count && go(i + 1, j))
            } else {
                result = i < v.count && (p[j] == "?" || p[j] == v[i]) && go(i + 1, j + 1)
            }
            memo[i][j] = result
            return result
        }
        return go(0, 0)
    }

    static func matches(_ job: JobRecord, _ filter: JobFilter?) -> Bool {
        guard let filter else { return true }
        return matches(filter.type, job.type) && matches(filter.state, job.searchState.rawValue)
            && matches(filter.jobKey, String(job.key)) && matches(filter.processInstanceKey, String(job.processInstanceKey))
            && matches(filter.processDefinitionKey, String(job.processDefinitionKey))
            && matches(filter.processDefinitionId, job.processDefinitionId) && matches(filter.worker, job.worker)
            && matches(filter.kind, job.kind.rawValue) && matches(filter.listenerEventType, job.listenerEventType.rawValue)
            && matches(filter.tenantId, job.tenantId.rawValue) && matches(filter.elementId, job.elementId)
            && matches(filter.errorCode, job.errorCode) && matches(filter.retries, String(job.retries))
            && matches(filter.elementInstanceKey, String(job.elementInstanceKey))
    }

    static func matches(_ instance: InstanceRecord, _ filter: ProcessInstanceFilter?) -> Bool {
        guard let filter else { return true }
        if let hasIncident = filter.hasIncident, hasIncident != instance.hasIncident { return false }
        return matches(filter.processInstanceKey, String(instance.key))
            && matches(filter.processDefinitionId, instance.definitionId)
            && matches(filter.processDefinitionKey, String(instance.definitionKey))
            && matches(filter.state, instance.state.rawValue) && matches(filter.tenantId, instance.tenantId.rawValue)
            && matches(filter.businessId, instance.businessId?.rawValue)
            && matches(filter.processDefinitionVersion, String(instance.version))
    }
}
