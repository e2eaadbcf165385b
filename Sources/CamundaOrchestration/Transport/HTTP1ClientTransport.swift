import Foundation
import HTTPTypes
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import OpenAPIRuntime
import Synchronization

extension CamundaClient {
    /// The SDK's own transport, from the configuration: TLS from ``CamundaConfiguration/tls`` (files
    /// read now, so errors show at construction), pool size and connect timeout from
    /// ``CamundaConfiguration/http``.
    static func makeHTTP1Transport(_ configuration: CamundaConfiguration) throws -> HTTP1Transport {
        HTTP1Transport(
            tls: try makeTLSConfiguration(configuration.tls),
            settings: .init(
                maxConnections: max(configuration.http.maxConnectionsPerHost, 1),
                connectTimeout: TimeAmount(configuration.http.connectTimeout),
                idleTimeout: .seconds(60)))
    }
}

extension TimeAmount {
    /// `duration`, to the nanosecond, saturating.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow {
            self = .nanoseconds(seconds < 0 ? .min : .max)
        } else {
            let (sum, overflow) = product.addingReportingOverflow(attoseconds / 1_000_000_000)
            self = .nanoseconds(overflow ? .max : sum)
        }
    }
}

extension NIODeadline {
    /// `timeout` from now; `.distantFuture` when that is past what the clock can say.
    static func after(_ timeout: TimeAmount) -> NIODeadline {
        let now = NIODeadline.now()
        let (sum, overflow) = now.uptimeNanoseconds.addingReportingOverflow(UInt64(clamping: max(timeout.nanoseconds, 0)))
        return overflow || sum > NIODeadline.distantFuture.uptimeNanoseconds ? .distantFuture : now + timeout
    }
}

/// The SDK's transport as a `ClientTransport`: what the client's middleware chain ends in, and what
/// fetches OAuth tokens, when you pass no transport of your own.
final class HTTP1ClientTransport: ClientTransport {
    let transport: HTTP1Transport
    let timeout: TimeAmount
    let limit: Int
    private let endpoints = Mutex<[URL: (HTTP1Endpoint, HTTP1ConnectionPool)]>([:])

    init(transport: HTTP1Transport, configuration: CamundaConfiguration) {
        self.transport = transport
        timeout = TimeAmount(configuration.http.requestTimeout)
        limit = configuration.http.maxResponseBodyBytes
    }

    func send(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (endpoint, pool) = try resolve(baseURL)
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(request.headerFields.count)
        for field in request.headerFields {
            // The transport writes the framing itself.
            if field.name == .contentLength || field.name == .transferEncoding || field.name.canonicalName == "host" { continue }
            headers.append((field.name.rawName, field.value))
        }
        var bodyBuffer: ByteBuffer?
        if let body {
            bodyBuffer = ByteBuffer(data: try await Data(collecting: body, upTo: .max))
        }
        let http = HTTP1Request(
            method: HTTPMethod(rawValue: request.method.rawValue), target: request.path ?? "/", headers: headers,
            body: bodyBuffer)
        // The request's own deadline when the runtime set one (`RequestBound.enforce`), else the request timeout.
        let deadline = RequestBound.deadline.map { NIODeadline.after(TimeAmount(max($0 - ContinuousClock.now, .milliseconds(1)))) }
            ?? .after(timeout)
        let response: HTTP1Response
        do {
            response = try await transport.execute(http, endpoint: endpoint, pool: pool, deadline: deadline, limit: limit)
        } catch let error as HTTP1TransportError {
            throw ResponseCollector(operationID: operationID, limit: limit).translate(error)
        }
        var fields = HTTPFields()
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        let data = Data(buffer: response.body, byteTransferStrategy: .noCopy)
        return (HTTPResponse(status: .init(code: response.status), headerFields: fields), HTTPBody(data))
    }

    private func resolve(_ url: URL) throws -> (HTTP1Endpoint, HTTP1ConnectionPool) {
        if let known = endpoints.withLock({ $0[url] }) { return known }
        let endpoint = try HTTP1Endpoint(url)
        let pool = try transport.pool(for: endpoint.origin)
        endpoints.withLock { $0[url] = (endpoint, pool) }
        return (endpoint, pool)
    }
}
