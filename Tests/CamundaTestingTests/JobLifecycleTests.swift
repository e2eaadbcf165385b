import CamundaAPI
import CamundaTesting
import Foundation
import Testing

@Suite("Embedded gateway: jobs")
struct JobLifecycleTests {
    @Test("Seeded jobs are activated with every field and completed")
    func seedActivateComplete() async throws {
        try await withGateway { gateway, client in
            let keys = gateway.seedJobs(
                type: "payment", count: 3, variables: ["amount": 42, "currency": "EUR"],
                customHeaders: ["region": "eu"])
            #expect(keys.count == 3)

            let result = try await client.activateJobs(.make("payment", max: 2, worker: "w1"))
            #expect(result.jobs.count == 2)
            let job = try #require(result.jobs.first)
            #expect(job.jobKey == keys[0])
            #expect(job.type == "payment")
            #expect(job.worker == "w1")
            #expect(job.retries == 3)
            #expect(job.tenantId == "<default>")
            #expect(job.kind == .bpmnElement)
            #expect(job.listenerEventType == .unspecified)
            #expect(job.variables == ["amount": 42, "currency": "EUR"])
            #expect(job.customHeaders == ["region": "eu"])
            #expect(job.deadline > Int64(Date().timeIntervalSince1970 * 1000))
            #expect(gateway.counts(type: "payment").activated == 2)
            #expect(gateway.counts(type: "payment").activatable == 1)

            try await client.completeJob(jobKey: job.jobKey, JobCompletionRequest(variables: ["paid": true]))
            let snapshot = try #require(gateway.job(job.jobKey))
            #expect(snapshot.state == .completed)
            #expect(snapshot.completionCount == 1)
            #expect(snapshot.lastCompletion?.variables == ["paid": true])
            let counts = gateway.counts(type: "payment")
            #expect(counts.completed == 1)
            #expect(counts.activated == 1)
            #expect(counts.seeded == 3)
            #expect(counts.peakActivated == 2)
        }
    }

    @Test("fetchVariable limits the variables returned")
    func fetchVariables() async throws {
        try await withGateway { gateway, client in
            gateway.seedJobs(type: "t", variables: ["a": 1, "b": 2, "c": 3])
            let result = try await client.activateJobs(.make("t", fetch: ["a", "c"]))
            #expect(result.jobs.first?.variables == ["a": 1, "c": 3])
        }
    }

    @Test("A long poll is answered as soon as jobs arrive")
    func longPollAnswersWhenJobsArrive() async throws {
        try await withGateway { gateway, client in
            async let activation = client.activateJobs(.make("late", requestTimeout: 60_000))
            try await gateway.waitUntil(type: "late") { $0.waitingRequests == 1 }
            let keys = gateway.seedJobs(type: "late", count: 2)
            let result = try await activation
            #expect(result.jobs.map(\.jobKey) == keys)
            #expect(gateway.counts(type: "late").waitingRequests == 0)
        }
    }

    @Test("A long poll without jobs answers an empty list after its request timeout")
    func longPollTimesOut() async throws {
        try await withGateway { gateway, client in
            let result = try await client.activateJobs(.make("none", requestTimeout: 100))
            #expect(result.jobs.isEmpty)
            #expect(gateway.counts(type: "none").waitingRequests == 0)
        }
    }

    @Test("The default request timeout applies when requestTimeout is 0")
    func defaultRequestTimeout() async throws {
        try await withGateway(.init(defaultRequestTimeout: .milliseconds(50))) { _, client in
            let result = try await client.activateJobs(.make("none", requestTimeout: 0))
            #expect(result.jobs.isEmpty)
        }
    }

    @Test("A job whose lock expires is activated again")
    func lockExpiry() async throws {
        try await withGateway { gateway, client in
            let key = try #require(gateway.seedJobs(type: "slow").first)
            let first = try await client.activateJobs(.make("slow", timeout: 100, worker: "a"))
            #expect(first.jobs.map(\.jobKey) == [key])
            let second = try await client.activateJobs(.make("slow", requestTimeout: 30_000, worker: "b"))
            #expect(second.jobs.map(\.jobKey) == [key])
            #expect(second.jobs.first?.worker == "b")
            let snapshot = try #require(gateway.job(key))
            #expect(snapshot.activationCount == 2)
            #expect(snapshot.timeoutCount == 1)
            #expect(gateway.counts(type: "slow").timedOut == 1)
        }
    }

    @Test("Failing with retries and back-off makes the job activatable again; no retries raises an incident")
    func failRetriesBackoffIncident() async throws {
        try await withGateway { gateway, client in
            let key = try #require(gateway.seedJobs(type: "flaky", retries: 2).first)
            _ = try await client.activateJobs(.make("flaky"))
            try await client.failJob(
                jobKey: key, JobFailRequest(retries: 1, errorMessage: "boom", retryBackOff: 1_500))
            #expect(gateway.job(key)?.state == .failed)
            #expect(gateway.counts(type: "flaky").retrying == 1)

            let again = try await client.activateJobs(.make("flaky", requestTimeout: 30_000))
            #expect(again.jobs.first?.jobKey == key)
            #expect(again.jobs.first?.retries == 1)

            try await client.failJob(jobKey: key, JobFailRequest(retries: 0, errorMessage: "fatal"))
            let snapshot = try #require(gateway.job(key))
            #expect(snapshot.state == .incident)
            #expect(snapshot.failureCount == 2)
            #expect(snapshot.lastFailure?.errorMessage == "fatal")
            let counts = gateway.counts(type: "flaky")
            #expect(counts.failed == 2)
            #expect(counts.incidents == 1)
            #expect(counts.open == 0)
        }
    }

    @Test("Failing without back-off makes the job activatable at once")
    func failWithoutBackoff() async throws {
        try await withGateway { gateway, client in
            let key = try #require(gateway.seedJobs(type: "t").first)
            _ = try await client.activateJobs(.make("t"))
            try await client.failJob(jobKey: key, JobFailRequest(retries: 2))
            #expect(gateway.job(key)?.state == .activatable)
            #expect(try await client.activateJobs(.make("t")).jobs.first?.retries == 2)
        }
    }

    @Test("Throwing a BPMN error is recorded")
    func bpmnError() async throws {
        try await withGateway { gateway, client in
            let key = try #require(gateway.seedJobs(type: "t").first)
            _ = try await client.activateJobs(.make("t"))
            try await client.throwJobError(
                jobKey: key, JobErrorRequest(errorCode: "NOT_ENOUGH_STOCK", errorMessage: "none left"))
            let snapshot = try #require(gateway.job(key))
            #expect(snapshot.state == .errorThrown)
            #expect(snapshot.lastError?.errorCode == "NOT_ENOUGH_STOCK")
            #expect(gateway.counts().errorThrown == 1)
        }
    }

    @Test("Completing twice gets 404 and is counted; completing a failed job gets 409; unknown keys get 404")
    func rejectedCommands() async throws {
        try await withGateway { gateway, client in
            let keys = gateway.seedJobs(type: "t", count: 2)
            _ = try await client.activateJobs(.make("t"))
            try await client.completeJob(jobKey: keys[0])
            let duplicate = try await expectCamundaError { try await client.completeJob(jobKey: keys[0]) }
            #expect(duplicate.status == 404)
            #expect(duplicate.problem?.title == "NOT_FOUND")
            #expect(gateway.job(keys[0])?.completionCount == 1)
            #expect(gateway.job(keys[0])?.rejectedCommandCount == 1)
            #expect(gateway.counts(type: "t").duplicateCompletions == 1)

            try await client.failJob(jobKey: keys[1], JobFailRequest(retries: 1, retryBackOff: 60_000))
            let conflict = try await expectCamundaError { try await client.completeJob(jobKey: keys[1]) }
            #expect(conflict.status == 409)
            #expect(conflict.problem?.title == "INVALID_STATE")

            let unknown = try await expectCamundaError { try await client.completeJob(jobKey: "12345") }
            #expect(unknown.status == 404)
            #expect(gateway.counts().rejectedCommands == 3)
        }
    }

    @Test("A stale lease token is rejected with 409")
    func leaseTokens() async throws {
        try await withGateway { gateway, client in
            gateway.seedJobs(type: "t")
            var request = JobActivationRequest.make("t")
            request.withLease = true
            let job = try #require(try await client.activateJobs(request).jobs.first)
            let token = try #require(job.jobLeaseToken)
            let stale = try await expectCamundaError {
                try await client.completeJob(jobKey: job.jobKey, JobCompletionRequest(jobLeaseToken: JobLeaseToken(rawValue: token.rawValue + "-old")))
            }
            #expect(stale.status == 409)
            try await client.completeJob(jobKey: job.jobKey, JobCompletionRequest(jobLeaseToken: token))
        }
    }

    @Test("Updating a job changes its retries and timeout")
    func updateJob() async throws {
        try await withGateway { gateway, client in
            let key = try #require(gateway.seedJobs(type: "t").first)
            _ = try await client.activateJobs(.make("t", timeout: 60_000))
            try await client.updateJob(jobKey: key, JobUpdateRequest(changeset: JobChangeset(retries: 7, timeout: 100)))
            #expect(gateway.job(key)?.retries == 7)
            // The shorter timeout expires the lock.
            let again = try await client.activateJobs(.make("t", requestTimeout: 30_000))
            #expect(again.jobs.first?.jobKey == key)
            #expect(again.jobs.first?.retries == 7)
        }
    }

    @Test("User-task-listener jobs carry their kind, event type and user task")
    func userTaskListenerJobs() async throws {
        try await withGateway { gateway, client in
            let task = UserTaskProperties(
                action: "assign", assignee: "anna", candidateGroups: [], candidateUsers: [], changedAttributes: ["assignee"],
                dueDate: nil, followUpDate: nil, formKey: nil, priority: 50, userTaskKey: "2251799813685999")
            gateway.seedJobs(type: "listener", kind: .taskListener, listenerEventType: .assigning, userTask: task)
            let job = try #require(try await client.activateJobs(.make("listener")).jobs.first)
            #expect(job.kind == .taskListener)
            #expect(job.listenerEventType == .assigning)
            #expect(job.userTask?.assignee == "anna")
            try await client.completeJob(
                jobKey: job.jobKey,
                JobCompletionRequest(result: .userTask(JobResultUserTask(denied: false))))
            #expect(gateway.job(job.jobKey)?.lastCompletion?.result != nil)
        }
    }

    @Test("waitUntil resumes when concurrent workers complete every job, each exactly once")
    func concurrentWorkers() async throws {
        try await withGateway { gateway, client in
            gateway.seedJobs(type: "bulk", count: 400)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        while true {
                            let jobs = try await client.activateJobs(.make("bulk", max: 16, worker: "w\(worker)")).jobs
                            if jobs.isEmpty { return }
                            for job in jobs { try await client.completeJob(jobKey: job.jobKey) }
                        }
                    }
                }
                try await gateway.waitUntil(type: "bulk") { $0.completed == 400 }
                try await group.waitForAll()
            }
            let counts = gateway.counts(type: "bulk")
            #expect(counts.duplicateCompletions == 0)
            #expect(counts.activations == 400)
            #expect(counts.peakActivated <= 8 * 16)
            #expect(gateway.jobs(type: "bulk").allSatisfy { $0.completionCount == 1 })
        }
    }

    @Test("waitUntil times out with an error")
    func waitUntilTimesOut() async throws {
        try await withGateway { gateway, _ in
            await #expect(throws: EmbeddedGatewayError.self) {
                try await gateway.waitUntil(timeout: .milliseconds(50)) { $0.completed == 1 }
            }
        }
    }
}
