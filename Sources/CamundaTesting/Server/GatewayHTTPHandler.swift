import NIOCore
import NIOHTTP1

/// Answers one request on its connection's event loop, from any thread.
struct Responder: Sendable {
    let context: NIOLoopBound<ChannelHandlerContext>
    let eventLoop: any EventLoop
    let keepAlive: Bool
    let version: HTTPVersion
    let connection: Int

    /// Sends the response (hopping to the connection's event loop if needed).
    func send(_ response: GatewayResponse) {
        if eventLoop.inEventLoop {
            write(response)
        } else {
            eventLoop.execute { self.write(response) }
        }
    }

    /// Closes the connection without answering.
    func drop() {
        if eventLoop.inEventLoop {
            context.value.close(promise: nil)
        } else {
            eventLoop.execute { self.context.value.close(promise: nil) }
        }
    }

    private func write(_ response: GatewayResponse) {
        let context = self.context.value
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headers.count + 2)
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        headers.add(name: "content-length", value: String(response.body.readableBytes))
        if !keepAlive { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        if response.body.readableBytes > 0 {
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(response.body))), promise: nil)
        }
        if keepAlive {
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }
}

/// Collects each request's head and body, then hands it to the gateway core.
final class GatewayHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: GatewayCore
    private let connection: Int
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?

    init(core: GatewayCore, connection: Int) {
        self.core = core
        self.connection = connection
    }

    func channelActive(context: ChannelHandlerContext) {
        core.connectionOpened(connection, channel: context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        core.connectionClosed(connection)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
        case .body(var chunk):
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let request = GatewayRequest(head: head, body: body ?? ByteBuffer())
            body = nil
            let responder = Responder(
                context: NIOLoopBound(context, eventLoop: context.eventLoop), eventLoop: context.eventLoop,
                keepAlive: head.isKeepAlive, version: head.version, connection: connection)
            core.handle(request, responder: responder)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
