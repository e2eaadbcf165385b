import CamundaAPI
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A minimal `CamundaOperations` conformer over `URLSession`, so the generated client methods drive
/// the embedded gateway over real loopback HTTP.
struct LoopbackClient: CamundaOperations {
    let root: URL
    var headers: [String: String] = [:]
    let session: URLSession

    init(root: URL, headers: [String: String] = [:]) {
        self.root = root
        self.headers = headers
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        configuration.httpMaximumConnectionsPerHost = 64
        session = URLSession(configuration: configuration, delegate: NoChallengeHandling(), delegateQueue: nil)
    }

    func send(_ request: OperationRequest) async throws -> OperationResponse {
        var text = root.absoluteString + (request.server == .api ? "/v2" : "") + request.path
        if !request.query.isEmpty {
            var components = URLComponents()
            components.queryItems = request.query
            text += "?" + (components.percentEncodedQuery ?? "")
        }
        var urlRequest = URLRequest(url: URL(string: text)!)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.bodyData
        if let contentType = request.contentType { urlRequest.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        urlRequest.setValue(request.accept, forHTTPHeaderField: "Accept")
        for (name, value) in request.headers.merging(headers, uniquingKeysWith: { $1 }) {
            urlRequest.setValue(value, forHTTPHeaderField: name)
        }
        let (data, response) = try await session.data(for: urlRequest)
        return Self.response(data, response)
    }

    /// Sends a raw request to a path below the server root.
    func raw(
        _ method: String, _ path: String, body: Data? = nil, contentType: String? = "application/json",
        headers extra: [String: String] = [:]
    ) async throws -> OperationResponse {
        var urlRequest = URLRequest(url: URL(string: root.absoluteString + path)!)
        urlRequest.httpMethod = method
        urlRequest.httpBody = body
        if let contentType, body != nil { urlRequest.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers.merging(extra, uniquingKeysWith: { $1 }) {
            urlRequest.setValue(value, forHTTPHeaderField: name)
        }
        let (data, response) = try await session.data(for: urlRequest)
        return Self.response(data, response)
    }

    private static func response(_ data: Data, _ response: URLResponse) -> OperationResponse {
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name] = value }
        }
        return OperationResponse(status: http.statusCode, headers: headers, body: data)
    }
}

/// Hands 401 responses to the caller instead of letting `URLSession` answer the challenge itself
/// (on Linux, its default handling of a `Basic` challenge without credentials never completes).
final class NoChallengeHandling: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        completionHandler(.rejectProtectionSpace, nil)
    }
}
