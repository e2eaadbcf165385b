import CamundaAPI
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

extension GatewayCore {
    /// Answers every route except activation and the control routes.
    func respond(_ route: Route, _ request: GatewayRequest) -> GatewayResponse {
        switch route {
        case .completeJob(let key): return completeJob(key, request)
        case .failJob(let key): return failJob(key, request)
        case .throwJobError(let key): return throwJobError(key, request)
        case .updateJob(let key): return updateJob(key, request)
        case .searchJobs: return searchJobs(request)
        case .publishMessage: return publishMessage(request)
        case .correlateMessage: return correlateMessage(request)
        case .topology: return topology()
        case .status: return .noContent
        case .createDeployment: return createDeployment(request)
        case .resource(let key): return resource(key, request)
        case .resourceContentBinary(let key): return resourceContent(key, request)
        case .processDefinition(let key): return processDefinition(key, request)
        case .processDefinitionXML(let key): return processDefinitionXML(key, request)
        case .createProcessInstance: return createProcessInstance(request)
        case .searchProcessInstances: return searchProcessInstances(request)
        case .getProcessInstance(let key): return processInstance(key, request)
        case .oauthToken: return oauthToken(request)
        case .activateJobs, .control, .unknown: return notFound(request)
        }
    }

    // MARK: Messages

    private func publishMessage(_ request: GatewayRequest) -> GatewayResponse {
        let body: MessagePublicationRequest
        switch decode(MessagePublicationRequest.self, request) {
        case .failure(let response): return response
        case .success(let value): body = value!
        }
        if body.name.isEmpty { return Self.invalid("No name provided.", request) }
        let key = state.withLock { state in
            state.messages.append(body)
            return state.nextKey()
        }
        return .json(MessagePublicationResult(tenantId: body.tenantId ?? GatewayState.defaultTenant, messageKey: MessageKey(String(key))))
    }

    private func correlateMessage(_ request: GatewayRequest) -> GatewayResponse {
        let body: MessageCorrelationRequest
        switch decode(MessageCorrelationRequest.self, request) {
        case .failure(let response): return response
        case .success(let value): body = value!
        }
        if body.name.isEmpty { return Self.invalid("No name provided.", request) }
        state.withLock { $0.correlations.append(body) }
        return .problem(
            status: 404, title: "NOT_FOUND",
            detail: "Command 'CORRELATE' rejected with code 'NOT_FOUND': Expected to find subscription for message with name '\(body.name)' and correlation key '\(body.correlationKey ?? "")', but none was found.",
            instance: request.path)
    }

    // MARK: Topology

    private func topology() -> GatewayResponse {
        let broker = BrokerInfo(
            nodeId: 0, brokerId: "0", host: configuration.host, port: Int32(port),
            partitions: [Partition(partitionId: 1, role: .leader, health: .healthy, state: nil)],
            version: configuration.gatewayVersion)
        return .json(
            TopologyResponse(
                brokers: [broker], clusterId: "embedded-gateway", clusterSize: 1, partitionsCount: 1,
                replicationFactor: 1, gatewayVersion: configuration.gatewayVersion, lastCompletedChangeId: "-1"))
    }

    // MARK: Deployments and resources

    private func createDeployment(_ request: GatewayRequest) -> GatewayResponse {
        guard let contentType = request.headers.first(name: "content-type"),
            let boundary = MultipartParser.boundary(fromContentType: contentType)
        else {
            return .problem(
                status: 415, title: "UNSUPPORTED_MEDIA_TYPE",
                detail: "Content-Type '\(request.headers.first(name: "content-type") ?? "")' is not supported; expected multipart/form-data",
                instance: request.path)
        }
        guard let parts = MultipartParser.parse(Array(request.body.readableBytesView), boundary: boundary) else {
            return Self.invalid("The multipart/form-data body could not be parsed.", request)
        }
        var files: [GatewayState.DeployedFile] = []
        var tenant: TenantId?
        for part in parts {
            if part.name == "tenantId" {
                var value = String(decoding: part.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                // A JSON part (as Spring's @RequestPart reads it) holds a JSON string.
                if part.contentType?.lowercased().hasPrefix("application/json") == true,
                    let decoded = try? CamundaJSON.decode(String.self, from: part.data)
                {
                    value = decoded
                }
                if !value.isEmpty { tenant = TenantId(value) }
            } else if part.name == "resources" {
                files.append(.init(name: part.fileName ?? "resource", data: part.data))
            }
        }
        if files.isEmpty { return Self.invalid("No resources given.", request) }
        return .json(state.withLock { $0.deploy(files, tenantId: tenant) })
    }

    private func resource(_ raw: String, _ request: GatewayRequest) -> GatewayResponse {
        guard let key = Int64(raw), let resource = state.withLock({ $0.resources[key] }) else {
            return resourceNotFound(raw, request)
        }
        return .json(
            ResourceResult(
                resourceName: resource.name, version: resource.version, versionTag: nil, resourceId: resource.name,
                tenantId: resource.tenantId, resourceKey: ResourceKey(raw)))
    }

    private func resourceContent(_ raw: String, _ request: GatewayRequest) -> GatewayResponse {
        guard let key = Int64(raw), let resource = state.withLock({ $0.resources[key] }) else {
            return resourceNotFound(raw, request)
        }
        return .bytes(resource.data, contentType: "application/octet-stream")
    }

    private func resourceNotFound(_ raw: String, _ request: GatewayRequest) -> GatewayResponse {
        .problem(
            status: 404, title: "NOT_FOUND", detail: "Resource with key '\(raw)' not found", instance: request.path)
    }

    private func processDefinition(_ raw: String, _ request: GatewayRequest) -> GatewayResponse {
        guard let key = Int64(raw), let definition = state.withLock({ $0.definitions[key] }) else {
            return .problem(
                status: 404, title: "NOT_FOUND", detail: "Process definition with key '\(raw)' not found",
                instance: request.path)
        }
        return .json(
            ProcessDefinitionResult(
                name: definition.name, resourceName: definition.resourceName, version: definition.version,
                versionTag: nil, processDefinitionId: ProcessDefinitionId(definition.id), tenantId: definition.tenantId,
                processDefinitionKey: ProcessDefinitionKey(raw), hasStartForm: false, state: nil))
    }

    private func processDefinitionXML(_ raw: String, _ request: GatewayRequest) -> GatewayResponse {
        let found = state.withLock { state -> Data?? in
            guard let key = Int64(raw), let definition = state.definitions[key] else { return nil }
            return .some(definition.resourceKey.flatMap { state.resources[$0]?.data })
        }
        switch found {
        case nil:
            return .problem(
                status: 404, title: "NOT_FOUND", detail: "Process definition with key '\(raw)' not found",
                instance: request.path)
        case .some(nil):
            return .noContent
        case .some(.some(let data)):
            return .bytes(data, contentType: "text/xml")
        }
    }

    // MARK: Process instances

    private func createProcessInstance(_ request: GatewayRequest) -> GatewayResponse {
        let body: ProcessInstanceCreationInstruction
        switch decode(ProcessInstanceCreationInstruction.self, request) {
        case .failure(let response): return response
        case .success(let value): body = value!
        }
        let now = Self.nowMillis()
        switch mutate({ $0.createInstance(body, now: now, effects: &$1) }) {
        case .success(let result): return .json(result)
        case .failure(let rejection): return rejectionResponse(rejection, request)
        }
    }

    private func processInstance(_ raw: String, _ request: GatewayRequest) -> GatewayResponse {
        guard let key = Int64(raw), let instance = state.withLock({ $0.instances[key] }) else {
            return .problem(
                status: 404, title: "NOT_FOUND", detail: "Process instance with key '\(raw)' not found",
                instance: request.path)
        }
        return .json(instance.result)
    }

    private func searchProcessInstances(_ request: GatewayRequest) -> GatewayResponse {
        let query: ProcessInstanceSearchQuery
        switch decode(ProcessInstanceSearchQuery.self, request, allowEmpty: true) {
        case .failure(let response): return response
        case .success(let value): query = value ?? ProcessInstanceSearchQuery()
        }
        let result: Result<ProcessInstanceSearchQueryResult, SearchFailure> = state.withLock { state in
            let keys = state.instanceOrder.filter { SearchSupport.matches(state.instances[$0]!, query.filter) }
            return SearchSupport.page(keys, query.page).map { chosen, page in
                ProcessInstanceSearchQueryResult(items: chosen.map { state.instances[$0]!.result }, page: page)
            }
        }
        switch result {
        case .success(let value): return .json(value)
        case .failure(let failure): return Self.invalid(failure.message, request)
        }
    }

    private func searchJobs(_ request: GatewayRequest) -> GatewayResponse {
        let query: JobSearchQuery
        switch decode(JobSearchQuery.self, request, allowEmpty: true) {
        case .failure(let response): return response
        case .success(let value): query = value ?? JobSearchQuery()
        }
        let result: Result<JobSearchQueryResult, SearchFailure> = state.withLock { state in
            let keys = state.jobOrder.filter { SearchSupport.matches(state.jobs[$0]!, query.filter) }
            return SearchSupport.page(keys, query.page).map { chosen, page in
                JobSearchQueryResult(items: chosen.map { state.jobs[$0]!.searchResult }, page: page)
            }
        }
        switch result {
        case .success(let value): return .json(value)
        case .failure(let failure): return Self.invalid(failure.message, request)
        }
    }
}
