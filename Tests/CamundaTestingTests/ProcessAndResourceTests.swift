import CamundaAPI
import CamundaTesting
import Foundation
import Testing

@Suite("Embedded gateway: deployments, process instances, search")
struct ProcessAndResourceTests {
    @Test("A BPMN deployment yields process definitions; instances run their service tasks as jobs in order")
    func deploymentAndInstances() async throws {
        try await withGateway { gateway, client in
            let deployment = try await client.createDeployment(
                resources: [MultipartFile(fileName: "order.bpmn", data: Data(sampleBPMN.utf8))])
            #expect(deployment.tenantId == "<default>")
            let process = try #require(deployment.deployments.first?.processDefinition)
            #expect(process.processDefinitionId == "order-process")
            #expect(process.processDefinitionVersion == 1)
            #expect(process.resourceName == "order.bpmn")
            #expect(deployment.deployments.count == 1)

            let created = try await client.createProcessInstance(
                ProcessInstanceCreationInstructionById(processDefinitionId: "order-process", variables: ["orderId": "A-1"]))
            #expect(created.processDefinitionKey == process.processDefinitionKey)

            let payment = try #require(try await client.activateJobs(.make("payment")).jobs.first)
            #expect(payment.processInstanceKey == created.processInstanceKey)
            #expect(payment.elementId == "charge")
            #expect(payment.variables == ["orderId": "A-1"])
            #expect(payment.customHeaders == ["currency": "EUR"])
            try await client.completeJob(jobKey: payment.jobKey, JobCompletionRequest(variables: ["paid": true]))

            let shipping = try #require(try await client.activateJobs(.make("shipping")).jobs.first)
            #expect(shipping.variables == ["orderId": "A-1", "paid": true])
            #expect(try await client.getProcessInstance(processInstanceKey: created.processInstanceKey).state == .active)
            try await client.completeJob(jobKey: shipping.jobKey)
            let finished = try await client.getProcessInstance(processInstanceKey: created.processInstanceKey)
            #expect(finished.state == .completed)
            #expect(finished.endDate != nil)

            // Redeploying bumps the version.
            let second = try await client.createDeployment(
                resources: [MultipartFile(fileName: "order.bpmn", data: Data(sampleBPMN.utf8))], tenantId: "tenant-a")
            #expect(second.tenantId == "tenant-a")
            #expect(second.deployments.first?.processDefinition?.processDefinitionVersion == 1)
        }
    }

    @Test("Resources can be downloaded as bytes and process definitions as XML")
    func resourceDownloads() async throws {
        try await withGateway { _, client in
            let deployment = try await client.createDeployment(
                resources: [
                    MultipartFile(fileName: "order.bpmn", data: Data(sampleBPMN.utf8)),
                    MultipartFile(fileName: "data.bin", data: Data([0, 1, 2, 255])),
                ])
            let process = try #require(deployment.deployments.compactMap(\.processDefinition).first)
            let xml = try await client.getProcessDefinitionXML(processDefinitionKey: process.processDefinitionKey)
            #expect(xml == sampleBPMN)
            let bpmnBytes = try await client.getResourceContentBinary(resourceKey: ResourceKey(process.processDefinitionKey.rawValue))
            #expect(bpmnBytes == Data(sampleBPMN.utf8))
            let binary = try #require(deployment.deployments.compactMap(\.resource).first)
            #expect(try await client.getResourceContentBinary(resourceKey: binary.resourceKey) == Data([0, 1, 2, 255]))
            let missing = try await expectCamundaError {
                _ = try await client.getResourceContentBinary(resourceKey: "999")
            }
            #expect(missing.status == 404)
        }
    }

    @Test("setJobType makes instances of an undeployed process create a job of that type")
    func jobTypeOverride() async throws {
        try await withGateway { gateway, client in
            gateway.setJobType("payment", forProcess: "quick-process")
            let created = try await client.createProcessInstance(
                ProcessInstanceCreationInstructionById(processDefinitionId: "quick-process", variables: ["x": 1]))
            let job = try #require(try await client.activateJobs(.make("payment")).jobs.first)
            #expect(job.processInstanceKey == created.processInstanceKey)
            #expect(job.processDefinitionId == "quick-process")

            let unknown = try await expectCamundaError {
                _ = try await client.createProcessInstance(
                    ProcessInstanceCreationInstructionById(processDefinitionId: "nope"))
            }
            #expect(unknown.status == 404)
        }
    }

    @Test("Job search pages forwards and backwards with cursors and by offset")
    func jobSearchPagination() async throws {
        try await withGateway { gateway, client in
            let keys = gateway.seedJobs(type: "paged", count: 5)
            gateway.seedJobs(type: "other", count: 3)
            let filter = JobFilter(type: "paged")

            let first = try await client.searchJobs(JobSearchQuery(filter: filter, page: .limit(2)))
            #expect(first.items.map(\.jobKey) == Array(keys[0..<2]))
            #expect(first.page.totalItems == 5)
            #expect(first.page.hasMoreTotalItems == false)
            let end = try #require(first.page.endCursor)

            let second = try await client.searchJobs(JobSearchQuery(filter: filter, page: .after(end, limit: 2)))
            #expect(second.items.map(\.jobKey) == Array(keys[2..<4]))
            let third = try await client.searchJobs(
                JobSearchQuery(filter: filter, page: .after(try #require(second.page.endCursor), limit: 2)))
            #expect(third.items.map(\.jobKey) == [keys[4]])
            let past = try await client.searchJobs(
                JobSearchQuery(filter: filter, page: .after(try #require(third.page.endCursor), limit: 2)))
            #expect(past.items.isEmpty)
            #expect(past.page.endCursor == nil)

            let back = try await client.searchJobs(
                JobSearchQuery(filter: filter, page: .before(try #require(third.page.startCursor), limit: 2)))
            #expect(back.items.map(\.jobKey) == Array(keys[2..<4]))

            let offset = try await client.searchJobs(JobSearchQuery(filter: filter, page: .offset(from: 3, limit: 10)))
            #expect(offset.items.map(\.jobKey) == Array(keys[3...]))

            let all = try await client.searchJobs()
            #expect(all.page.totalItems == 8)
            #expect(all.items.first?.state == .created)

            _ = try await client.activateJobs(.make("paged", max: 1))
            try await client.completeJob(jobKey: keys[0])
            let completed = try await client.searchJobs(JobSearchQuery(filter: JobFilter(state: .exact(.completed))))
            #expect(completed.items.map(\.jobKey) == [keys[0]])
            let inFilter = try await client.searchJobs(
                JobSearchQuery(filter: JobFilter(jobKey: .advanced(AdvancedJobKeyFilter(in: [keys[1], keys[2]])))))
            #expect(inFilter.items.map(\.jobKey) == [keys[1], keys[2]])
        }
    }

    @Test("Process instance search pages and filters; unknown instances get 404")
    func processInstanceSearch() async throws {
        try await withGateway { gateway, client in
            gateway.setJobType("t", forProcess: "p")
            var created: [ProcessInstanceKey] = []
            for index in 0..<5 {
                let result = try await client.createProcessInstance(
                    ProcessInstanceCreationInstructionById(processDefinitionId: "p", variables: ["i": .int(Int64(index))]))
                created.append(result.processInstanceKey)
            }
            let page = try await client.searchProcessInstances(
                ProcessInstanceSearchQuery(filter: ProcessInstanceFilter(processDefinitionId: "p"), page: .limit(3)))
            #expect(page.items.map(\.processInstanceKey) == Array(created[0..<3]))
            #expect(page.page.totalItems == 5)
            let next = try await client.searchProcessInstances(
                ProcessInstanceSearchQuery(page: .after(try #require(page.page.endCursor), limit: 3)))
            #expect(next.items.map(\.processInstanceKey) == Array(created[3...]))

            let missing = try await expectCamundaError {
                _ = try await client.getProcessInstance(processInstanceKey: "42")
            }
            #expect(missing.status == 404)
            #expect(missing.problem?.title == "NOT_FOUND")
        }
    }
}
