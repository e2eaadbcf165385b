import CamundaAPI
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The gateway's shared core: state behind one mutex, request dispatch, timers.
final class GatewayCore: Sendable {
    let configuration: EmbeddedGateway.Configuration
    let state: Mutex<GatewayState>
    let timerLoop: any EventLoop
    private let connections = Mutex<[Int: any Channel]>([:])
    private let nextConnection = Atomic<Int>(1)
    private let boundPort = Atomic<Int>(0)

    init(configuration: EmbeddedGateway.Configuration, timerLoop: any EventLoop) {
        self.configuration = configuration
        self.state = Mutex(GatewayState())
        self.timerLoop = timerLoop
    }

    var port: Int {
        get { boundPort.load(ordering: .relaxed) }
        set { boundPort.store(newValue, ordering: .relaxed) }
    }

    static func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    // MARK: Connections

    func makeConnectionID() -> Int { nextConnection.wrappingAdd(1, ordering: .relaxed).oldValue }

    func connectionOpened(_ id: Int, channel: any Channel) {
        connections.withLock { $0[id] = channel }
    }

    func connectionClosed(_ id: Int) {
        connections.withLock { $0[id] = nil }
        mutate { state, effects in
            state.removeWaiters(connection: id)
            state.checkConditions(effects: &effects)
        }
    }

    func closeAllConnections() {
        let channels = connections.withLock { Array($0.values) }
        for channel in channels { channel.close(promise: nil) }
    }

    // MARK: Effects

    func perform(_ effects: Effects) {
        for delivery in effects.deliveries { delivery.deliver(delivery.result) }
        if !effects.timers.isEmpty {
            let now = Self.nowMillis()
            for deadline in effects.timers {
                let delay = Swift.max(0, deadline - now) + 1
                timerLoop.scheduleTask(in: .milliseconds(delay)) { [self] in
                    let effects = state.withLock { state in
                        var effects = Effects()
                        state.sweep(now: Self.nowMillis(), firedTimer: deadline, effects: &effects)
                        return effects
                    }
                    perform(effects)
                }
            }
        }
        for continuation in effects.resumes { continuation.resume() }
    }

    /// Runs a state mutation that produces effects, then performs them.
    func mutate<T: Sendable>(_ body: (inout GatewayState, inout Effects) -> T) -> T {
        let (value, effects) = state.withLock { state in
            var effects = Effects()
            let value = body(&state, &effects)
            return (value, effects)
        }
        perform(effects)
        return value
    }

    // MARK: Dispatch

    func handle(_ request: GatewayRequest, responder: Responder) {
        let route = Route(method: request.method, path: request.path)
        let limit = configuration.recordedRequestLimit
        let recorded = limit > 0 ? record(request, operationID: route.operationID) : nil
        let (sequence, fault) = state.withLock { state in
            let sequence = recorded.flatMap { state.record($0, limit: limit) }
            let fault = state.fault(method: request.method, path: request.path, operationID: route.operationID)
            return (sequence, fault)
        }
        let finish: @Sendable (GatewayResponse) -> Void = { [self] response in
            if let sequence { state.withLock { $0.setRecordedStatus(sequence, status: response.status) } }
            responder.send(response)
        }
        if let fault {
            configuration.logger.debug(
                "Injecting fault", metadata: ["camunda.fault": "\(fault)", "camunda.path": "\(request.path)"])
            switch fault.kind {
            case .status(let status, let retryAfter, let title, let detail):
                var headers: [(String, String)] = []
                if let retryAfter { headers.append(("retry-after", retryAfter)) }
                if status == 401 { headers.append(("www-authenticate", "Bearer realm=\"camunda\"")) }
                finish(
                    .problem(
                        status: status, title: title ?? GatewayResponse.defaultTitle(for: status),
                        detail: detail ?? "Injected fault: the gateway answered \(status)", instance: request.path,
                        headers: headers))
                return
            case .drop:
                responder.drop()
                return
            case .delay(let milliseconds):
                responder.eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) { [self] in
                    dispatch(route, request, responder: responder, finish: finish)
                }
                return
            }
        }
        dispatch(route, request, responder: responder, finish: finish)
    }

    private func record(_ request: GatewayRequest, operationID: String?) -> RecordedRequest {
        let cap = configuration.recordedBodyLimit
        let size = request.body.readableBytes
        let body = request.body.getBytes(at: request.body.readerIndex, length: Swift.min(size, cap)) ?? []
        var headers: [RecordedRequest.Header] = []
        headers.reserveCapacity(request.headers.count)
        for (name, value) in request.headers {
            if name.caseInsensitiveCompare("authorization") == .orderedSame {
                let scheme = value.split(separator: " ").first.map(String.init) ?? ""
                headers.append(.init(name: name, value: scheme.isEmpty ? "<redacted>" : "\(scheme) <redacted>"))
            } else {
                headers.append(.init(name: name, value: value))
            }
        }
        return RecordedRequest(
            method: request.method, path: request.path, query: request.query,
            operationID: operationID, status: nil,
            contentType: request.headers.first(name: "content-type"), body: Data(body), bodySize: size,
            headers: headers, receivedAt: Date())
    }

    private func dispatch(
        _ route: Route, _ request: GatewayRequest, responder: Responder,
        finish: @escaping @Sendable (GatewayResponse) -> Void
    ) {
        if route.isAPI, let failure = authenticate(request) {
            finish(failure)
            return
        }
        switch route {
        case .activateJobs:
            if case .respond(let response) = activateJobs(request, responder: responder, finish: finish) {
                finish(response)
            }
        case .control(let segments):
            guard configuration.controlRoutes else {
                finish(notFound(request))
                return
            }
            finish(control(segments, request))
        default:
            finish(respond(route, request))
        }
    }

    func notFound(_ request: GatewayRequest) -> GatewayResponse {
        .problem(
            status: 404, title: "NOT_FOUND", detail: "No endpoint \(request.method) \(request.path).",
            instance: request.path)
    }

    // MARK: Request bodies

    /// Decodes a body into a generated request type; answers 400 with a problem detail when it does not decode.
    func decode<T: Decodable>(_ type: T.Type, _ request: GatewayRequest, allowEmpty: Bool = false) -> Checked<T?> {
        if request.body.readableBytes == 0 {
            if allowEmpty { return .success(nil) }
            return .failure(
                .problem(status: 400, title: "INVALID_ARGUMENT", detail: "Required request body is missing", instance: request.path))
        }
        do {
            return .success(try CamundaJSON.decode(T.self, from: request.bodyData))
        } catch let error as DecodingError {
            return .failure(
                .problem(status: 400, title: "INVALID_ARGUMENT", detail: Self.describe(error), instance: request.path))
        } catch {
            return .failure(
                .problem(status: 400, title: "INVALID_ARGUMENT", detail: "Invalid request body: \(error)", instance: request.path))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (codingPath + (last.map { [$0] } ?? [])).map { key in
                key.intValue.map { "[\($0)]" } ?? key.stringValue
            }
            return keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "No \(path(context.codingPath, key)) provided."
        case .valueNotFound(_, let context):
            return "The value for \(path(context.codingPath)) must not be null."
        case .typeMismatch(let type, let context):
            return "The value for \(path(context.codingPath)) has the wrong type; expected \(type)."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "Request body is not valid JSON: \(context.debugDescription)" }
            return "Invalid value for \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "Invalid request body."
        }
    }

    static func invalid(_ detail: String, _ request: GatewayRequest) -> GatewayResponse {
        .problem(status: 400, title: "INVALID_ARGUMENT", detail: detail, instance: request.path)
    }
}
