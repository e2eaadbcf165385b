import CamundaAPI
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

extension GatewayCore {
    /// `POST /v2/jobs/activation`, with long polling.
    func activateJobs(
        _ request: GatewayRequest, responder: Responder, finish: @escaping @Sendable (GatewayResponse) -> Void
    ) -> RouteOutcome {
        let body: JobActivationRequest
        switch decode(JobActivationRequest.self, request) {
        case .failure(let response): return .respond(response)
        case .success(let value): body = value!
        }
        if body.type.isEmpty { return .respond(Self.invalid("No type provided.", request)) }
        if body.maxJobsToActivate < 1 {
            return .respond(
                Self.invalid("The value for maxJobsToActivate is '\(body.maxJobsToActivate)' but must be greater than 0.", request))
        }
        if body.timeout < 1 {
            return .respond(Self.invalid("The value for timeout is '\(body.timeout)' but must be greater than 0.", request))
        }
        let parameters = ActivationParameters(body)
        var requestTimeout = body.requestTimeout ?? 0
        if requestTimeout == 0 { requestTimeout = configuration.defaultRequestTimeout.milliseconds }
        let longPoll = requestTimeout > 0

        let eventLoop = responder.eventLoop
        let timeoutTask = NIOLoopBoundBox<Scheduled<Void>?>(nil, eventLoop: eventLoop)
        let deliver: @Sendable (JobActivationResult) -> Void = { result in
            eventLoop.execute {
                timeoutTask.value?.cancel()
                timeoutTask.value = nil
                finish(.json(result))
            }
        }
        let now = Self.nowMillis()
        let (jobs, waiterID): ([ActivatedJobResult], Int?) = mutate { state, effects in
            state.sweep(now: now, effects: &effects)
            let jobs = state.activate(parameters, now: now, effects: &effects)
            guard jobs.isEmpty, longPoll else { return (jobs, nil) }
            let id = state.nextWaiterID
            state.nextWaiterID += 1
            state.addWaiter(
                ActivationWaiter(id: id, connection: responder.connection, parameters: parameters, deliver: deliver))
            state.checkConditions(effects: &effects)
            return (jobs, id)
        }
        guard let waiterID else { return .respond(.json(JobActivationResult(jobs: jobs))) }
        timeoutTask.value = eventLoop.scheduleTask(in: .milliseconds(requestTimeout)) { [self] in
            let removed = mutate { state, effects in
                let removed = state.removeWaiter(id: waiterID)
                if removed { state.checkConditions(effects: &effects) }
                return removed
            }
            if removed { finish(.json(JobActivationResult(jobs: []))) }
        }
        return .deferred
    }

    /// The job key of a path, or a 400 problem.
    func jobKey(_ raw: String, _ request: GatewayRequest) -> Checked<Int64> {
        guard let key = Int64(raw), key > 0 else {
            return .failure(
                Self.invalid("The provided jobKey '\(raw)' is not a valid key. Expected a numeric value.", request))
        }
        return .success(key)
    }

    func rejectionResponse(_ rejection: Rejection?, _ request: GatewayRequest) -> GatewayResponse {
        guard let rejection else { return .noContent }
        return .problem(status: rejection.status, title: rejection.title, detail: rejection.detail, instance: request.path)
    }

    /// One job command: parses the key, decodes the body (`empty` when there is none and that is
    /// allowed), validates it (a 400 message, or `nil`), then applies it to the state.
    private func jobCommand<Body: Decodable>(
        _ raw: String, _ request: GatewayRequest, _ type: Body.Type, empty: Body? = nil,
        validate: (Body) -> String? = { _ in nil },
        apply: (inout GatewayState, Int64, Body, Int64, inout Effects) -> Rejection?
    ) -> GatewayResponse {
        let key: Int64
        switch jobKey(raw, request) {
        case .failure(let response): return response
        case .success(let value): key = value
        }
        let body: Body
        switch decode(Body.self, request, allowEmpty: empty != nil) {
        case .failure(let response): return response
        case .success(let value):
            guard let value = value ?? empty else { return Self.invalid("A request body is required.", request) }
            body = value
        }
        if let message = validate(body) { return Self.invalid(message, request) }
        let now = Self.nowMillis()
        return rejectionResponse(mutate { apply(&$0, key, body, now, &$1) }, request)
    }

    func completeJob(_ raw: String, _ request: GatewayRequest) -> GatewayResponse {
        jobCommand(raw, request, JobCompletionRequest.self, empty: JobCompletionRequest()) {
            $0.complete($1, rawKey: raw, $2, now: $3, effects: &$4)
        }
    }

    func failJob(_ raw: String, _ request: GatewayRequest) -> GatewayResponse {
        jobCommand(raw, request, JobFailRequest.self, empty: JobFailRequest()) { body in
            if let retries = body.retries, retries < 0 {
                return "The value for retries is '\(retries)' but must be greater than or equal to 0."
            }
            if let backOff = body.retryBackOff, backOff < 0 {
                return "The value for retryBackOff is '\(backOff)' but must be greater than or equal to 0."
            }
            return nil
        } apply: {
            $0.fail($1, rawKey: raw, $2, now: $3, effects: &$4)
        }
    }

    func throwJobError(_ raw: String, _ request: GatewayRequest) -> GatewayResponse {
        jobCommand(raw, request, JobErrorRequest.self) { $0.errorCode.isEmpty ? "No errorCode provided." : nil } apply: {
            $0.throwError($1, rawKey: raw, $2, now: $3, effects: &$4)
        }
    }

    func updateJob(_ raw: String, _ request: GatewayRequest) -> GatewayResponse {
        jobCommand(raw, request, JobUpdateRequest.self) { body in
            let changes = body.changeset
            return changes.retries == nil && changes.timeout == nil && changes.priority == nil
                ? "At least one of [retries, timeout, priority] is required." : nil
        } apply: {
            $0.update($1, rawKey: raw, $2, now: $3, effects: &$4)
        }
    }
}
