import CamundaOrchestration
import Foundation

// Hand-written examples of the job operations. Job workers (`client.createJobWorker`) activate,
// complete and fail jobs for you; these calls are for when you need full control.

extension JobExamples {
    /// Activates up to ten `payment` jobs with a long poll and prints them.
    public static func activateJobs(_ client: CamundaClient) async throws {
        let request = JobActivationRequest(
            type: "payment", worker: "payment-worker", timeout: 30_000, maxJobsToActivate: 10,
            fetchVariable: ["orderId", "total"], requestTimeout: 20_000)
        let activated = try await client.activateJobs(request)
        for job in activated.jobs {
            let orderId = job.variables["orderId"]?.stringValue ?? "?"
            print("Activated job \(job.jobKey) for order \(orderId) (retries left: \(job.retries))")
        }
    }

    /// Completes a job with result variables; a job that is gone (completed elsewhere, timed out and
    /// re-activated, cancelled) answers 404.
    public static func completeJob(_ client: CamundaClient) async throws {
        let jobKey = JobKey("2251799813685249")
        do {
            try await client.completeJob(
                jobKey: jobKey, JobCompletionRequest(variables: ["paymentId": "P-1001", "paid": true]))
            print("Completed job \(jobKey)")
        } catch let error as CamundaError where error.status == 404 {
            print("Job \(jobKey) is no longer active: \(error.problem?.detail ?? "not found")")
        }
    }

    /// Fails a job, leaving two retries and asking the engine to wait ten seconds before the next one.
    public static func failJob(_ client: CamundaClient) async throws {
        let jobKey = JobKey("2251799813685249")
        let failure = JobFailRequest(
            retries: 2, errorMessage: "Payment service unavailable", retryBackOff: 10_000,
            variables: ["lastAttempt": .string(ISO8601DateFormatter().string(from: Date()))])
        do {
            try await client.failJob(jobKey: jobKey, failure)
            print("Failed job \(jobKey); it will be retried in 10 s")
        } catch let error as CamundaError where error.status == 404 {
            print("Job \(jobKey) is no longer active: \(error.problem?.detail ?? "not found")")
        }
    }

    /// Throws a BPMN error from a job, for an error boundary event to catch.
    public static func throwJobError(_ client: CamundaClient) async throws {
        let jobKey = JobKey("2251799813685249")
        try await client.throwJobError(
            jobKey: jobKey,
            JobErrorRequest(errorCode: "PAYMENT_DECLINED", errorMessage: "Card declined", variables: ["reason": "insufficient funds"]))
        print("Threw PAYMENT_DECLINED for job \(jobKey)")
    }

    /// Pages through the failed `payment` jobs, fifty at a time.
    public static func searchJobs(_ client: CamundaClient) async throws {
        let query = JobSearchQuery(filter: JobFilter(state: .exact(.failed), type: "payment"))
        for try await job in client.paginate(query, pageSize: 50, { client, query in try await client.searchJobs(query) }) {
            print("Failed job \(job.jobKey): \(job.errorMessage ?? "no message")")
        }
    }

    /// Gives a job five more retries and a new timeout.
    public static func updateJob(_ client: CamundaClient) async throws {
        let jobKey = JobKey("2251799813685249")
        try await client.updateJob(jobKey: jobKey, JobUpdateRequest(changeset: JobChangeset(retries: 5, timeout: 60_000)))
        print("Job \(jobKey) now has 5 retries")
    }
}
