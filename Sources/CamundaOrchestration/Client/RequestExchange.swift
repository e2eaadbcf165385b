import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import OpenAPIRuntime

// The last step of the send path: one exchange with the server. There is one way to do it, the
// `RequestExchange` protocol, with two conformers that differ only in how the bytes travel:
//
// - `DirectExchange`: the SDK's own HTTP/1.1 transport, used when the client created it and there is
//   no middleware of the user's (no `HTTPRequest`/`HTTPBody` conversions at all);
// - `MiddlewareExchange`: the user's middlewares, ending in a `ClientTransport` (the user's, or the
//   SDK's own wrapped as one).
//
// Both build the response with one `ResponseCollector` (the body limit, the error it gives, the header
// names), and both end the exchange at the request's deadline.

/// One exchange with the server: the prepared request sent with `authorization`, the response body
/// collected, within `deadline` (past it the exchange fails with ``RequestTimedOut`` or the transport's
/// `.deadlineExceeded`, and its connection is closed).
protocol RequestExchange: Sendable {
    func exchange(
        _ request: PreparedRequest, authorization: String?, deadline: ContinuousClock.Instant, collector: ResponseCollector
    ) async throws -> OperationResponse
}

/// Turns what a transport delivered into an ``OperationResponse``: the body limit
/// (``CamundaConfiguration/HTTP/maxResponseBodyBytes``) and its error, and lower-cased header names
/// with repeated fields joined by `, `.
struct ResponseCollector: Sendable {
    let operationID: String
    let limit: Int

    /// The error for a response body above the limit (not retried).
    func tooLarge(status: Int) -> CamundaError {
        ResponseClassification.tooLarge(operationID, status: status, limit: limit)
    }

    /// The transport's own error, with an over-limit body turned into the SDK's error.
    func translate(_ error: HTTP1TransportError) -> any Error {
        if case .responseTooLarge(let status) = error.kind { return tooLarge(status: status) }
        return error
    }

    /// A response of the SDK's transport (which stopped reading at the limit itself).
    func response(_ response: HTTP1Response) -> OperationResponse {
        OperationResponse(
            status: response.status, headers: response.headers, body: Data(buffer: response.body, byteTransferStrategy: .noCopy))
    }

    /// A response of a `ClientTransport`, its body read up to the limit.
    func collect(_ response: HTTPResponse, body: HTTPBody?) async throws -> OperationResponse {
        let status = response.status.code
        var data = Data()
        if let body {
            if case .known(let length) = body.length, length > limit { throw tooLarge(status: status) }
            for try await chunk in body {
                guard data.count + chunk.count <= limit else { throw tooLarge(status: status) }
                data.append(contentsOf: chunk)
            }
        }
        var headers: [String: String] = [:]
        for field in response.headerFields {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        return OperationResponse(status: status, headers: headers, body: data)
    }
}

/// Sends requests over the SDK's own transport (`HTTP1Transport`) directly: base URLs parsed and
/// pools looked up once, each request encoded straight into the bytes that go on the wire. The
/// transport ends a request at its deadline itself (closing its connection), so no timer of the
/// runtime's is needed.
struct DirectExchange: RequestExchange {
    let transport: HTTP1Transport
    let api: HTTP1Endpoint
    let root: HTTP1Endpoint
    let apiPool: HTTP1ConnectionPool
    let rootPool: HTTP1ConnectionPool
    /// The API pool's event loop as a task executor (see `EventLoopTaskExecutor`).
    let taskExecutor: EventLoopTaskExecutor

    init(transport: HTTP1Transport, configuration: CamundaConfiguration) throws {
        self.transport = transport
        api = try HTTP1Endpoint(configuration.restAddress)
        root = try HTTP1Endpoint(configuration.rootAddress)
        apiPool = try transport.pool(for: api.origin)
        rootPool = try transport.pool(for: root.origin)
        taskExecutor = EventLoopTaskExecutor(apiPool.eventLoop)
    }

    func exchange(
        _ request: PreparedRequest, authorization: String?, deadline: ContinuousClock.Instant, collector: ResponseCollector
    ) async throws -> OperationResponse {
        var headers = request.headers
        if let authorization { headers.append(("Authorization", authorization)) }
        let http = HTTP1Request(
            method: HTTPMethod(rawValue: request.method.rawValue), target: request.target, headers: headers,
            body: request.body.map { ByteBuffer(data: $0) })
        let remaining = max(deadline - ContinuousClock.now, .milliseconds(1))
        let nioDeadline = NIODeadline.after(TimeAmount(remaining))
        do {
            let response = try await request.server == .api
                ? transport.execute(http, endpoint: api, pool: apiPool, deadline: nioDeadline, limit: collector.limit)
                : transport.execute(http, endpoint: root, pool: rootPool, deadline: nioDeadline, limit: collector.limit)
            return collector.response(response)
        } catch let error as HTTP1TransportError {
            throw collector.translate(error)
        }
    }
}

/// Sends requests through the user's middlewares (in order) and a `ClientTransport`. The deadline is
/// offered to the transport (``RequestBound/deadline``) and enforced by the runtime: past it the
/// exchange is cancelled, which closes an HTTP/1.1 connection in AsyncHTTPClient and the SDK's transport.
struct MiddlewareExchange: RequestExchange {
    let middlewares: [any ClientMiddleware]
    let transport: any ClientTransport
    let apiURL: URL
    let rootURL: URL

    func exchange(
        _ request: PreparedRequest, authorization: String?, deadline: ContinuousClock.Instant, collector: ResponseCollector
    ) async throws -> OperationResponse {
        var fields = HTTPFields()
        for header in request.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        if let authorization { fields[.authorization] = authorization }
        let httpRequest = HTTPRequest(method: request.method, scheme: nil, authority: nil, path: request.target, headerFields: fields)
        let baseURL = request.server == .api ? apiURL : rootURL
        let body = request.body.map { HTTPBody($0) }
        return try await request.bound.enforce(until: deadline) { [middlewares, transport] in
            do {
                let (response, responseBody) = try await Self.run(
                    middlewares, transport: transport, request: httpRequest, body: body, baseURL: baseURL,
                    operationID: request.operationID)
                return try await collector.collect(response, body: responseBody)
            } catch let error as HTTP1TransportError {
                throw collector.translate(error)
            }
        }
    }

    /// Runs the middlewares in order, the transport last.
    static func run(
        _ middlewares: [any ClientMiddleware], transport: any ClientTransport, request: HTTPRequest, body: HTTPBody?,
        baseURL: URL, operationID: String
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?) = {
            try await transport.send($0, body: $1, baseURL: $2, operationID: operationID)
        }
        for middleware in middlewares.reversed() {
            let following = next
            next = {
                try await middleware.intercept($0, body: $1, baseURL: $2, operationID: operationID, next: following)
            }
        }
        return try await next(request, body, baseURL)
    }
}
