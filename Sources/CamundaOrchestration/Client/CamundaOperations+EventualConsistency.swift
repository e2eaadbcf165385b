extension CamundaOperations {
    /// Polls a read until its result satisfies `condition`, for the operations the spec marks eventually
    /// consistent (searches and getters that read the secondary store; see
    /// `CamundaSpecCatalog` and ``isEventuallyConsistent(_:)``).
    ///
    /// A 404 `CamundaError` counts as "not there yet" and polling goes on; any other error is thrown at once.
    ///
    /// ```swift
    /// let instance = try await client.waitUntil(timeout: .seconds(10), until: { $0.state == .completed }) {
    ///     try await client.getProcessInstance(processInstanceKey: key)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - timeout: How long to keep polling.
    ///   - pollInterval: The pause between polls.
    ///   - clock: The clock that measures the timeout and the pauses.
    ///   - condition: Whether a result is good enough.
    ///   - read: The read to repeat.
    /// - Returns: The first result that satisfies `condition`.
    /// - Throws: `CamundaError` of kind `.timeout` (with the last error as cause) when the deadline passes,
    ///   or the first error that is not a 404.
    public func waitUntil<T: Sendable, C: Clock<Duration>>(
        timeout: Duration = .seconds(10), pollInterval: Duration = .milliseconds(200), clock: C = ContinuousClock(),
        until condition: (T) throws -> Bool, _ read: () async throws -> T
    ) async throws -> T {
        let deadline = clock.now.advanced(by: timeout)
        var polls = 0
        var lastError: CamundaError?
        while true {
            polls += 1
            do {
                let result = try await read()
                if try condition(result) { return result }
            } catch let error as CamundaError where error.status == 404 {
                lastError = error
            }
            if clock.now.advanced(by: pollInterval) > deadline {
                throw CamundaError(
                    operationID: lastError?.operationID ?? "waitUntil", kind: .timeout, cause: lastError,
                    message: "the condition was not met within \(timeout) (\(polls) polls)")
            }
            try await clock.sleep(for: pollInterval)
        }
    }

    /// Polls a search until it finds at least one item.
    ///
    /// ```swift
    /// let result = try await client.waitUntil {
    ///     try await client.searchProcessInstances(ProcessInstanceSearchQuery(filter: filter))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - timeout: How long to keep polling.
    ///   - pollInterval: The pause between polls.
    ///   - search: The search to repeat.
    /// - Returns: The first non-empty result.
    /// - Throws: `CamundaError` of kind `.timeout` when the deadline passes, or the first error that is not a 404.
    public func waitUntil<R: PaginatedSearchResult>(
        timeout: Duration = .seconds(10), pollInterval: Duration = .milliseconds(200), _ search: () async throws -> R
    ) async throws -> R {
        try await waitUntil(timeout: timeout, pollInterval: pollInterval, until: { !$0.items.isEmpty }, search)
    }

    /// Polls a getter until it stops answering 404.
    ///
    /// - Parameters:
    ///   - timeout: How long to keep polling.
    ///   - pollInterval: The pause between polls.
    ///   - read: The getter to repeat.
    /// - Returns: The first result.
    /// - Throws: `CamundaError` of kind `.timeout` when the deadline passes, or the first error that is not a 404.
    public func waitUntil<T: Sendable>(
        timeout: Duration = .seconds(10), pollInterval: Duration = .milliseconds(200), _ read: () async throws -> T
    ) async throws -> T {
        try await waitUntil(timeout: timeout, pollInterval: pollInterval, until: { _ in true }, read)
    }

    /// Whether the spec marks an operation `x-eventually-consistent: true` (its results may lag behind writes).
    ///
    /// - Parameter operationID: The operation id, for example `searchProcessInstances`.
    public static func isEventuallyConsistent(_ operationID: String) -> Bool {
        eventuallyConsistentOperations.contains(operationID)
    }
}

private let eventuallyConsistentOperations: Set<String> = Set(
    CamundaSpecCatalog.operations.filter(\.eventuallyConsistent).map(\.id))
