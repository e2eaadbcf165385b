import Foundation

/// Throw from a job handler to fail the job with your own message, retries and back-off.
///
/// ```swift
/// throw JobFailure(message: "Missing required field", retries: 2, retryBackOff: 5000)
/// ```
public struct JobFailure: Error, CustomStringConvertible, Sendable {
    /// The failure message the server records (and shows in an incident when no retries are left).
    public var message: String
    /// The retries the job has left after this failure; `nil` means the job's current retries minus
    /// one (never below zero).
    public var retries: Int32?
    /// How long the server waits before the job can be activated again, in milliseconds.
    public var retryBackOff: Int64
    /// Variables to set on the failed job's scope.
    public var variables: [String: JSONValue]?

    /// Creates a job failure.
    ///
    /// - Parameters:
    ///   - message: The failure message.
    ///   - retries: The retries left; `nil` means the job's retries minus one.
    ///   - retryBackOff: The back-off before the next attempt, in milliseconds.
    ///   - variables: Variables to set on the job's scope.
    public init(message: String, retries: Int32? = nil, retryBackOff: Int64 = 0, variables: [String: JSONValue]? = nil) {
        self.message = message
        self.retries = retries
        self.retryBackOff = retryBackOff
        self.variables = variables
    }

    /// A one-line summary.
    public var description: String { "JobFailure: \(message)" }
}

/// Throw from a job handler to raise a BPMN error, which an error boundary or event sub-process
/// with the same code can catch.
///
/// ```swift
/// throw JobError(errorCode: "AMOUNT_TOO_HIGH", message: "Amount exceeds the approval limit")
/// ```
public struct JobError: Error, CustomStringConvertible, Sendable {
    /// The BPMN error code.
    public var errorCode: String
    /// The error message.
    public var message: String
    /// Variables to set on the scope that catches the error.
    public var variables: [String: JSONValue]?

    /// Creates a BPMN error.
    ///
    /// - Parameters:
    ///   - errorCode: The BPMN error code.
    ///   - message: The error message.
    ///   - variables: Variables to set where the error is caught.
    public init(errorCode: String, message: String = "", variables: [String: JSONValue]? = nil) {
        self.errorCode = errorCode
        self.message = message
        self.variables = variables
    }

    /// A one-line summary.
    public var description: String { "JobError[\(errorCode)]: \(message)" }
}

/// What a handler's run means for its job; `Codable` so a `.process` child can send it to the parent.
enum HandlerOutcome: Codable, Sendable, Equatable {
    /// Complete the job with this request.
    case complete(JobCompletionRequest)
    /// Fail the job; `retries == nil` means the job's retries minus one.
    case fail(message: String, retries: Int32?, retryBackOff: Int64, variables: [String: JSONValue]?)
    /// Throw a BPMN error.
    case bpmnError(code: String, message: String, variables: [String: JSONValue]?)
    /// Give the job back untouched (fail with unchanged retries and no back-off): the worker shut
    /// down before the handler finished, or before it started.
    case handBack(reason: String)

    /// Maps what a handler returned or threw to an outcome.
    static func from<Output>(_ body: () throws -> Output) -> HandlerOutcome {
        do {
            return try complete(with: body())
        } catch {
            return from(error: error)
        }
    }

    /// Maps what an async handler returned or threw to an outcome.
    static func from<Output>(_ body: () async throws -> Output) async -> HandlerOutcome {
        do {
            return try complete(with: await body())
        } catch {
            return from(error: error)
        }
    }

    static func from(error: any Error) -> HandlerOutcome {
        switch error {
        case let failure as JobFailure:
            return .fail(
                message: failure.message, retries: failure.retries, retryBackOff: failure.retryBackOff,
                variables: failure.variables)
        case let bpmn as JobError:
            return .bpmnError(code: bpmn.errorCode, message: bpmn.message, variables: bpmn.variables)
        case is CancellationError:
            return .handBack(reason: "the job worker shut down before the handler finished")
        default:
            return .fail(message: String(describing: error), retries: nil, retryBackOff: 0, variables: nil)
        }
    }

    /// The completion for a handler's return value: a `JobCompletionRequest` as is, `Void` or `nil`
    /// without variables, anything else encoded as the variables object.
    static func complete<Output>(with output: Output) throws -> HandlerOutcome {
        switch output {
        case let request as JobCompletionRequest:
            return .complete(request)
        case let variables as [String: JSONValue]:
            return .complete(JobCompletionRequest(variables: variables))
        case is Void:
            return .complete(JobCompletionRequest())
        case let encodable as any Encodable:
            switch try JSONValue(encoding: encodable) {
            case .object(let variables): return .complete(JobCompletionRequest(variables: variables))
            case .null: return .complete(JobCompletionRequest())
            case let other:
                throw JobFailure(
                    message: "the handler returned \(type(of: output)), which encodes to \(other.kindName), "
                        + "not to an object of variables")
            }
        default:
            throw JobFailure(
                message: "the handler returned \(type(of: output)), which is neither Encodable nor a JobCompletionRequest")
        }
    }
}

extension JSONValue {
    fileprivate var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
