/// Holds the job workers created on a client until `runWorkers()` runs them.
/// (Owned by the worker runtime; the client only stores one.)
package final class JobWorkerRegistry: Sendable {
    package init() {}
}
