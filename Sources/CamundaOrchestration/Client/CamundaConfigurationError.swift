/// A configuration value that is malformed, missing or in conflict with another one.
///
/// Thrown when a ``CamundaConfiguration`` or a `CamundaClient` is created. It names the variable
/// and never contains the value of a secret variable.
public struct CamundaConfigurationError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The variable at fault, for example `CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS`, when there is one.
    public var variable: String?
    /// What is wrong and what is accepted.
    public var reason: String

    /// Creates an error.
    public init(variable: String?, reason: String) {
        self.variable = variable
        self.reason = reason
    }

    /// `Invalid Camunda configuration: VARIABLE: reason`.
    public var description: String {
        if let variable {
            "Invalid Camunda configuration: \(variable): \(reason)"
        } else {
            "Invalid Camunda configuration: \(reason)"
        }
    }
}
