import Foundation
import NIOCore
import NIOHTTP1

// The SDK's own HTTP/1.1 client transport (see `HTTP1Transport`): the types it speaks in.

/// Where requests go: scheme, host and port (which select the connection pool) and the path every
/// target is appended to. Parsed once from the configured base URL.
struct HTTP1Endpoint: Hashable, Sendable {
    /// The connection pool key: one pool per scheme, host and port.
    struct Origin: Hashable, Sendable {
        var isTLS: Bool
        var host: String
        var port: Int
    }

    var origin: Origin
    /// The base path without a trailing slash (`/v2`, or empty).
    var basePath: String
    /// The `Host` header value.
    var hostHeader: String

    /// Parses an `http` or `https` URL with a host; query and fragment are dropped.
    init(_ url: URL) throws {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw HTTP1TransportError(.invalidURL, "expected an http or https URL, got \(url.absoluteString)")
        }
        guard var host = url.host, !host.isEmpty else {
            throw HTTP1TransportError(.invalidURL, "no host in \(url.absoluteString)")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let isTLS = scheme == "https"
        let port = url.port ?? (isTLS ? 443 : 80)
        origin = Origin(isTLS: isTLS, host: host, port: port)
        var path = url.path(percentEncoded: true)
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
        let bracketed = host.contains(":") ? "[\(host)]" : host
        hostHeader = (url.port == nil) ? bracketed : "\(bracketed):\(port)"
    }
}

/// One request: the method, the target below the endpoint's base path, header fields and a body.
struct HTTP1Request: Sendable {
    var method: HTTPMethod
    /// Path and query, starting with `/`, appended to the endpoint's base path.
    var target: String
    /// Header fields besides `Host` and `Content-Length`, which the transport writes itself.
    var headers: [(name: String, value: String)]
    var body: ByteBuffer?

    init(method: HTTPMethod, target: String, headers: [(name: String, value: String)] = [], body: ByteBuffer? = nil) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The request as it goes on the wire: head and body in one buffer (one write, one flush).
    func encode(for endpoint: HTTP1Endpoint, allocator: ByteBufferAllocator) -> ByteBuffer {
        let bodyLength = body?.readableBytes ?? 0
        var size = method.rawValue.utf8.count + endpoint.basePath.utf8.count + target.utf8.count + 64
            + endpoint.hostHeader.utf8.count + bodyLength
        for header in headers { size += header.name.utf8.count + header.value.utf8.count + 4 }
        var buffer = allocator.buffer(capacity: size)
        buffer.writeString(method.rawValue)
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(endpoint.basePath)
        buffer.writeString(target)
        buffer.writeStaticString(" HTTP/1.1\r\nHost: ")
        buffer.writeString(endpoint.hostHeader)
        for header in headers {
            buffer.writeStaticString("\r\n")
            buffer.writeString(header.name)
            buffer.writeStaticString(": ")
            buffer.writeString(header.value)
        }
        if bodyLength > 0 || Self.expectsBody(method) {
            buffer.writeStaticString("\r\nContent-Length: ")
            buffer.writeString(String(bodyLength))
        }
        buffer.writeStaticString("\r\n\r\n")
        if let body { buffer.writeImmutableBuffer(body) }
        return buffer
    }

    /// Methods whose requests carry a length even when empty (RFC 9110 §8.6).
    static func expectsBody(_ method: HTTPMethod) -> Bool {
        method == .POST || method == .PUT || method == .PATCH
    }

    /// Whether `text` can go into a request line or header without breaking the framing.
    static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") || $0 == 0 }
    }
}

/// A collected response.
struct HTTP1Response: Sendable {
    var status: Int
    /// Header fields with lower-cased names; repeated fields joined with `, `.
    var headers: [String: String]
    var body: ByteBuffer
}

/// Why the transport could not deliver a response.
struct HTTP1TransportError: Error, CustomStringConvertible, Sendable {
    enum Kind: Sendable, Equatable {
        /// No connection within the connect timeout.
        case connectTimeout
        /// No complete response before the request's deadline; the connection was closed.
        case deadlineExceeded
        /// The connection closed (or failed) before the response was complete.
        case connectionClosed
        /// The response body is above the limit; the connection was closed.
        case responseTooLarge(status: Int)
        /// The server sent something that is not HTTP/1.1.
        case invalidResponse
        /// A URL the transport cannot use.
        case invalidURL
        /// A header field or target that would break the request's framing.
        case invalidRequest
        /// The transport was shut down.
        case shutDown
    }

    var kind: Kind
    var message: String
    /// The underlying error (a TLS or socket error), when there is one.
    var underlying: (any Error & Sendable)?

    init(_ kind: Kind, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.message = message
        self.underlying = underlying
    }

    var isTimeout: Bool { kind == .connectTimeout || kind == .deadlineExceeded }

    var description: String {
        guard let underlying else { return message }
        return "\(message): \(underlying)"
    }
}
