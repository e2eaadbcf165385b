import CamundaAPI
import Foundation
import NIOCore
import NIOHTTP1

/// A complete HTTP request as the gateway's routes see it.
struct GatewayRequest: Sendable {
    var method: String
    var path: String
    var query: String?
    var headers: HTTPHeaders
    var body: ByteBuffer

    init(head: HTTPRequestHead, body: ByteBuffer) {
        method = head.method.rawValue
        let uri = head.uri
        if let mark = uri.firstIndex(of: "?") {
            path = String(uri[..<mark])
            query = String(uri[uri.index(after: mark)...])
        } else {
            path = uri
            query = nil
        }
        headers = head.headers
        self.body = body
    }

    var bodyData: Data { Data(body.readableBytesView) }

    /// The value of a query parameter, percent-decoded.
    func queryValue(_ name: String) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.first.map(String.init) == name {
                let raw = parts.count > 1 ? String(parts[1]) : ""
                return raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
            }
        }
        return nil
    }
}

/// An HTTP response produced by a route.
struct GatewayResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: ByteBuffer

    init(status: Int, headers: [(String, String)] = [], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static let noContent = GatewayResponse(status: 204)

    /// A JSON response encoded with the API's conventions.
    static func json<T: Encodable>(_ value: T, status: Int = 200) -> GatewayResponse {
        do {
            let data = try CamundaJSON.encode(value)
            var buffer = ByteBuffer()
            buffer.writeBytes(data)
            return GatewayResponse(status: status, headers: [("content-type", "application/json")], body: buffer)
        } catch {
            return problem(status: 500, title: "INTERNAL", detail: "Failed to encode the response: \(error)", instance: nil)
        }
    }

    /// Raw bytes with a content type.
    static func bytes(_ data: Data, contentType: String, status: Int = 200) -> GatewayResponse {
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        return GatewayResponse(status: status, headers: [("content-type", contentType)], body: buffer)
    }

    /// An RFC 9457 problem detail, as Camunda sends it.
    static func problem(
        status: Int, title: String, detail: String, instance: String?, headers: [(String, String)] = []
    ) -> GatewayResponse {
        let problem = ProblemDetail(
            type: "about:blank", title: title, status: Int32(status), detail: detail, instance: instance)
        var buffer = ByteBuffer()
        if let data = try? CamundaJSON.encode(problem) { buffer.writeBytes(data) }
        return GatewayResponse(
            status: status, headers: [("content-type", "application/problem+json")] + headers, body: buffer)
    }

    /// The Camunda problem title for a status.
    static func defaultTitle(for status: Int) -> String {
        switch status {
        case 400: "INVALID_ARGUMENT"
        case 401: "UNAUTHORIZED"
        case 403: "FORBIDDEN"
        case 404: "NOT_FOUND"
        case 409: "INVALID_STATE"
        case 429, 503: "RESOURCE_EXHAUSTED"
        case 500: "INTERNAL"
        case 504: "DEADLINE_EXCEEDED"
        default: HTTPResponseStatus(statusCode: status).reasonPhrase
        }
    }
}

/// A value, or the error response to send instead.
enum Checked<Value> {
    case success(Value)
    case failure(GatewayResponse)
}

/// How a route answered.
enum RouteOutcome: Sendable {
    /// Answer now.
    case respond(GatewayResponse)
    /// The route keeps the responder and answers later (long polling).
    case deferred
}
