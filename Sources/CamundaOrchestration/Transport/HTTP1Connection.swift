import NIOCore
import NIOHTTP1

/// One keep-alive HTTP/1.1 connection: at most one request at a time, its state confined to the
/// channel's event loop.
///
/// The pipeline is `[TLS] → response decoder → HTTP1ConnectionHandler`. Requests are written by the
/// handler as one buffer (head and body encoded together), flushed once.
final class HTTP1Connection: Sendable {
    let channel: any Channel
    let handler: HTTP1ConnectionHandler
    /// A number for logs and tests.
    let id: Int

    init(channel: any Channel, handler: HTTP1ConnectionHandler, id: Int) {
        self.channel = channel
        self.handler = handler
        self.id = id
    }

    var eventLoop: any EventLoop { channel.eventLoop }

    /// Sends `request` (already encoded) and resumes `continuation` with the collected response or an
    /// error. After `deadline` the request fails with `.deadlineExceeded` and the connection is closed.
    ///
    /// - Parameters:
    ///   - method: The request's method (the decoder needs it to frame responses to `HEAD`).
    ///   - onComplete: Called on the event loop once the exchange is over, with whether the connection can
    ///     carry another request; called before `continuation` is resumed.
    func execute(
        _ bytes: ByteBuffer, id: Int, method: HTTPMethod, deadline: NIODeadline, limit: Int,
        continuation: UnsafeContinuation<HTTP1Response, any Error>,
        onComplete: @escaping @Sendable (_ reusable: Bool) -> Void
    ) {
        let exchange = HTTP1ConnectionHandler.Exchange(
            id: id, bytes: bytes, method: method, deadline: deadline, limit: limit, continuation: continuation, onComplete: onComplete)
        if eventLoop.inEventLoop {
            handler.start(exchange)
        } else {
            eventLoop.execute { self.handler.start(exchange) }
        }
    }

    /// Fails exchange `id` (any exchange when nil) with `error` and closes the connection; an exchange
    /// that has already ended is left alone.
    func abort(id: Int?, _ error: any Error) {
        if eventLoop.inEventLoop {
            handler.abort(id: id, error)
        } else {
            eventLoop.execute { self.handler.abort(id: id, error) }
        }
    }
}

/// Drives one exchange at a time on a connection: writes the request, collects the response head and
/// body (up to a limit), enforces the deadline, and decides whether the connection stays open.
final class HTTP1ConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: every member is touched on the channel's event loop only.
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = ByteBuffer

    struct Exchange {
        var id: Int
        var bytes: ByteBuffer
        var method: HTTPMethod
        var deadline: NIODeadline
        var limit: Int
        var continuation: UnsafeContinuation<HTTP1Response, any Error>
        var onComplete: @Sendable (_ reusable: Bool) -> Void
    }

    private struct InFlight {
        var id: Int
        var continuation: UnsafeContinuation<HTTP1Response, any Error>
        var onComplete: @Sendable (_ reusable: Bool) -> Void
        var limit: Int
        var deadline: NIODeadline
        var status = 0
        var headers: [String: String] = [:]
        var keepAlive = true
        var body: ByteBuffer?
        var headReceived = false
    }

    /// The pipeline's response decoder; set by the channel initializer, on the event loop.
    var decoder: HTTPResponseDecoder?
    private var context: ChannelHandlerContext?
    private var inFlight: InFlight?
    /// Set once the connection is unusable: the error a request started now fails with.
    private var closedError: (any Error)?
    /// An exchange aborted before it started here (its cancellation overtook it).
    private var abortedBeforeStart: (id: Int, error: any Error)?
    /// When the connection last finished an exchange (for the idle timeout).
    private(set) var idleSince = NIODeadline.now()
    private var lastStartedID = 0

    init() {}

    /// Whether a request is under way (read on the event loop).
    var isBusy: Bool { inFlight != nil }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func start(_ exchange: Exchange) {
        if let aborted = abortedBeforeStart, aborted.id == exchange.id {
            abortedBeforeStart = nil
            fail(aborted.error)
            exchange.onComplete(false)
            exchange.continuation.resume(throwing: aborted.error)
            return
        }
        guard let context, closedError == nil, inFlight == nil, context.channel.isActive else {
            let error =
                closedError
                ?? HTTP1TransportError(.connectionClosed, "the connection closed before the request was sent")
            exchange.onComplete(false)
            exchange.continuation.resume(throwing: error)
            return
        }
        let state = InFlight(
            id: exchange.id, continuation: exchange.continuation, onComplete: exchange.onComplete, limit: exchange.limit,
            deadline: exchange.deadline)
        inFlight = state
        armTimer(for: exchange.deadline, on: context.eventLoop)
        lastStartedID = exchange.id
        // The decoder frames a response by its request's method (no body after HEAD).
        decoder?.write(data: .head(HTTPRequestHead(version: .http1_1, method: exchange.method, uri: "")))
        context.writeAndFlush(wrapOutboundOut(exchange.bytes), promise: nil)
    }

    func abort(id: Int?, _ error: any Error) {
        guard let id else {
            fail(error)
            return
        }
        if let inFlight {
            if inFlight.id == id { fail(error) }
        } else if id > lastStartedID {
            abortedBeforeStart = (id, error)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var state = inFlight else {
            // A response nobody asked for: the connection's framing cannot be trusted any more.
            fail(HTTP1TransportError(.invalidResponse, "unsolicited data on an idle connection"))
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            state.status = Int(head.status.code)
            state.keepAlive = head.isKeepAlive
            state.headReceived = true
            var headers: [String: String] = [:]
            headers.reserveCapacity(head.headers.count)
            for (name, value) in head.headers {
                let name = name.utf8.contains(where: { $0 &- UInt8(ascii: "A") < 26 }) ? name.lowercased() : name
                if let existing = headers[name] {
                    headers[name] = existing + ", " + value
                } else {
                    headers[name] = value
                }
            }
            if let length = headers["content-length"].flatMap(Int.init), length > state.limit {
                inFlight = state
                fail(HTTP1TransportError(.responseTooLarge(status: state.status), "response body too large"))
                return
            }
            state.headers = headers
            inFlight = state
        case .body(var part):
            guard (state.body?.readableBytes ?? 0) + part.readableBytes <= state.limit else {
                fail(HTTP1TransportError(.responseTooLarge(status: state.status), "response body too large"))
                return
            }
            inFlight = nil  // keeps the buffer uniquely referenced while appending
            if state.body == nil {
                state.body = part
            } else {
                state.body!.writeBuffer(&part)
            }
            inFlight = state
        case .end:
            inFlight = nil
            idleSince = .now()
            let response = HTTP1Response(status: state.status, headers: state.headers, body: state.body ?? ByteBuffer())
            if !state.keepAlive {
                closedError = HTTP1TransportError(.connectionClosed, "the server closed the connection (Connection: close)")
                context.close(promise: nil)
            }
            state.onComplete(state.keepAlive)
            state.continuation.resume(returning: response)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let wrapped: any Error
        if let error = error as? HTTP1TransportError {
            wrapped = error
        } else if error is HTTPParserError || error is NIOHTTPDecoderError {
            wrapped = HTTP1TransportError(.invalidResponse, "invalid HTTP response", underlying: error)
        } else {
            wrapped = HTTP1TransportError(.connectionClosed, "the connection failed", underlying: error)
        }
        fail(wrapped)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(HTTP1TransportError(.connectionClosed, "the connection closed before the response was complete"))
        context.fireChannelInactive()
    }

    /// The deadline timer: one per connection, not one per request. It stays scheduled across
    /// exchanges while it fires no later than the current exchange's deadline (requests usually share
    /// one timeout); when it fires it fails the exchange under way if that is past its deadline, or
    /// re-arms for that exchange's deadline. Scheduling and cancelling a timer per request would cost
    /// more than the rest of the deadline handling.
    private var timer: (task: Scheduled<Void>, at: NIODeadline)?

    private func armTimer(for deadline: NIODeadline, on eventLoop: any EventLoop) {
        guard deadline != .distantFuture else { return }
        if let timer {
            if timer.at <= deadline { return }
            timer.task.cancel()
        }
        timer = (eventLoop.scheduleTask(deadline: deadline) { [self] in timerFired(on: eventLoop) }, deadline)
    }

    private func timerFired(on eventLoop: any EventLoop) {
        timer = nil
        guard let state = inFlight else { return }
        if state.deadline <= .now() {
            fail(HTTP1TransportError(.deadlineExceeded, "no complete response before the request's deadline"))
        } else {
            armTimer(for: state.deadline, on: eventLoop)
        }
    }

    /// Makes the connection unusable, fails the exchange under way (if any) and closes the channel.
    private func fail(_ error: any Error) {
        if closedError == nil { closedError = error }
        timer?.task.cancel()
        timer = nil
        let state = inFlight
        inFlight = nil
        context?.close(promise: nil)
        if let state {
            state.onComplete(false)
            state.continuation.resume(throwing: error)
        }
    }
}

/// The NIO response decoder, without observing the pipeline's writes (the connection writes encoded
/// bytes, not `HTTPClientRequestPart`s, and tells the decoder each request's method itself).
struct HTTP1ResponseDecoding: ByteToMessageDecoder {
    typealias InboundOut = HTTPClientResponsePart
    let decoder: HTTPResponseDecoder

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        try decoder.decode(context: context, buffer: &buffer)
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decoder.decodeLast(context: context, buffer: &buffer, seenEOF: seenEOF)
    }

    mutating func decoderAdded(context: ChannelHandlerContext) {
        decoder.decoderAdded(context: context)
    }

    mutating func decoderRemoved(context: ChannelHandlerContext) {
        decoder.decoderRemoved(context: context)
    }
}
