import CamundaAPI
import Foundation

/// The lifecycle state of a job in the ``EmbeddedGateway``.
///
/// A struct with static values rather than an enum, so new states can be added without breaking
/// exhaustive `switch` statements in tests.
public struct JobState: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The state's name, for example `activated`.
    public var rawValue: String

    /// Creates a state from its name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Waiting to be activated by a worker.
    public static let activatable = JobState(rawValue: "activatable")
    /// Activated by a worker and locked until its deadline.
    public static let activated = JobState(rawValue: "activated")
    /// Completed by a worker (terminal).
    public static let completed = JobState(rawValue: "completed")
    /// Failed with retries left, waiting for its retry back-off to pass.
    public static let failed = JobState(rawValue: "failed")
    /// A BPMN error was thrown for the job (terminal).
    public static let errorThrown = JobState(rawValue: "errorThrown")
    /// Failed with no retries left: an incident was raised.
    public static let incident = JobState(rawValue: "incident")

    /// The state's name.
    public var description: String { rawValue }
}

/// What the ``EmbeddedGateway`` knows about one job: its state and every command it received.
public struct JobSnapshot: Hashable, Sendable, Codable {
    /// The job's key.
    public var key: JobKey
    /// The job type.
    public var type: String
    /// The current state.
    public var state: JobState
    /// The retries left.
    public var retries: Int32
    /// The worker of the latest activation (empty before the first).
    public var worker: String
    /// The lock deadline (epoch milliseconds) while ``state`` is ``JobState/activated``.
    public var deadline: Int64?
    /// The job's variables (the process instance's, plus those set by commands).
    public var variables: [String: JSONValue]
    /// The job's custom headers.
    public var customHeaders: [String: JSONValue]
    /// The job's process instance.
    public var processInstanceKey: ProcessInstanceKey
    /// The job's tenant.
    public var tenantId: TenantId
    /// The job kind (a BPMN element, or an execution or task listener).
    public var kind: JobKindEnum
    /// How many times the job was activated.
    public var activationCount: Int
    /// How many completion commands were accepted (more than one means a double completion got through).
    public var completionCount: Int
    /// How many failure commands were accepted.
    public var failureCount: Int
    /// How many BPMN-error commands were accepted.
    public var errorCount: Int
    /// How many complete, fail or error commands were rejected (404/409) for this job.
    public var rejectedCommandCount: Int
    /// How many times the job's lock expired before a worker acknowledged it.
    public var timeoutCount: Int
    /// The last accepted completion request.
    public var lastCompletion: JobCompletionRequest?
    /// The last accepted failure request.
    public var lastFailure: JobFailRequest?
    /// The last accepted BPMN-error request.
    public var lastError: JobErrorRequest?
    /// The last accepted update request.
    public var lastUpdate: JobUpdateRequest?
}

/// Job counters of the ``EmbeddedGateway``, for all job types or one.
///
/// "Now" counters (``activatable``, ``activated``, ``retrying``) describe the current moment;
/// the others only grow.
public struct JobCounts: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Jobs created (seeded or created by process instances).
    public var seeded: Int = 0
    /// Jobs waiting to be activated now.
    public var activatable: Int = 0
    /// Jobs activated now and not yet acknowledged (completed, failed or errored).
    public var activated: Int = 0
    /// Jobs failed with retries left, waiting for their back-off now.
    public var retrying: Int = 0
    /// Jobs completed.
    public var completed: Int = 0
    /// Failure commands accepted.
    public var failed: Int = 0
    /// Jobs for which a BPMN error was thrown.
    public var errorThrown: Int = 0
    /// Jobs in an incident (failed with no retries left).
    public var incidents: Int = 0
    /// Completion commands for jobs that were already completed.
    public var duplicateCompletions: Int = 0
    /// Complete, fail, error and update commands rejected with 404 or 409.
    public var rejectedCommands: Int = 0
    /// Activations handed out (a job activated twice counts twice).
    public var activations: Int = 0
    /// Activation responses that handed out at least one job (`activations` divided by this is the mean batch).
    public var activationBatches: Int = 0
    /// Locks that expired before the job was acknowledged.
    public var timedOut: Int = 0
    /// The most jobs activated and not yet acknowledged at the same time.
    public var peakActivated: Int = 0
    /// Activation requests waiting (long polling) for jobs now.
    public var waitingRequests: Int = 0

    /// Creates zero counts.
    public init() {}

    /// Jobs that are not finished: activatable, activated or retrying.
    public var open: Int { activatable + activated + retrying }
    /// Jobs that reached an end: completed, error thrown or incident.
    public var finished: Int { completed + errorThrown + incidents }

    /// A one-line summary.
    public var description: String {
        "seeded=\(seeded) activatable=\(activatable) activated=\(activated) retrying=\(retrying) "
            + "completed=\(completed) failed=\(failed) errorThrown=\(errorThrown) incidents=\(incidents) "
            + "duplicateCompletions=\(duplicateCompletions) rejected=\(rejectedCommands) "
            + "activations=\(activations) activationBatches=\(activationBatches) timedOut=\(timedOut) peakActivated=\(peakActivated) waiting=\(waitingRequests)"
    }
}
