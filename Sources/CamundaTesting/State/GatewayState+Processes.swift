import CamundaAPI
import Foundation

/// A deployed (or implicitly created) process definition.
struct ProcessDefinitionRecord: Sendable {
    var key: Int64
    var id: String
    var name: String?
    var version: Int32
    var resourceName: String
    var resourceKey: Int64?
    var tenantId: TenantId
    var tasks: [BPMNScanner.Task]
}

/// A deployed resource's bytes.
struct ResourceRecord: Sendable {
    var key: Int64
    var name: String
    var data: Data
    var tenantId: TenantId
    var version: Int32
}

/// A running or finished process instance: a sequence of job-based tasks.
struct InstanceRecord: Sendable {
    var key: Int64
    var definitionKey: Int64
    var definitionId: String
    var definitionName: String?
    var version: Int32
    var tenantId: TenantId
    var variables: [String: JSONValue]
    var state: ProcessInstanceStateEnum
    var hasIncident = false
    var startDate: Date
    var endDate: Date?
    var tags: TagSet
    var businessId: BusinessId?
    var remainingTasks: [BPMNScanner.Task]

    var result: ProcessInstanceResult {
        ProcessInstanceResult(
            processDefinitionId: ProcessDefinitionId(definitionId), processDefinitionName: definitionName,
            processDefinitionVersion: version, processDefinitionVersionTag: nil, startDate: startDate,
            endDate: endDate, state: state, suspendedDate: nil, hasIncident: hasIncident, tenantId: tenantId,
            processInstanceKey: ProcessInstanceKey(String(key)),
            processDefinitionKey: ProcessDefinitionKey(String(definitionKey)), parentProcessInstanceKey: nil,
            parentElementInstanceKey: nil, rootProcessInstanceKey: ProcessInstanceKey(String(key)), tags: tags,
            businessId: businessId)
    }
}

/// The parameters of seeded jobs.
struct SeedParameters: Sendable {
    var type: String
    var count: Int
    var variables: [String: JSONValue]
    var customHeaders: [String: JSONValue]
    var retries: Int32
    var kind: JobKindEnum
    var listenerEventType: JobListenerEventTypeEnum
    var userTask: UserTaskProperties?
    var processDefinitionId: String
    var tenantId: TenantId
}

extension GatewayState {
    static let defaultTenant = TenantId("<default>")

    // MARK: Seeding

    mutating func seed(_ parameters: SeedParameters, now: Int64, effects: inout Effects) -> [JobKey] {
        let definitionKey: Int64
        if let known = seededDefinitionKeys[parameters.processDefinitionId] {
            definitionKey = known
        } else {
            definitionKey = nextKey()
            seededDefinitionKeys[parameters.processDefinitionId] = definitionKey
        }
        let date = Date(timeIntervalSince1970: Double(now) / 1000)
        var keys: [JobKey] = []
        keys.reserveCapacity(parameters.count)
        for _ in 0..<Swift.max(parameters.count, 0) {
            let instanceKey = nextKey()
            let elementInstanceKey = nextKey()
            let key = nextKey()
            let job = JobRecord(
                key: key, type: parameters.type, retries: parameters.retries, variables: parameters.variables,
                customHeaders: parameters.customHeaders, tenantId: parameters.tenantId,
                processInstanceKey: instanceKey, processDefinitionKey: definitionKey,
                processDefinitionId: parameters.processDefinitionId, processDefinitionVersion: 1,
                elementId: "task-\(parameters.type)", elementInstanceKey: elementInstanceKey, kind: parameters.kind,
                listenerEventType: parameters.listenerEventType, userTask: parameters.userTask, tags: [],
                creationTime: date, lastUpdateTime: date)
            insertJob(job, effects: &effects)
            keys.append(JobKey(String(key)))
        }
        serveWaiters(type: parameters.type, now: now, effects: &effects)
        checkConditions(effects: &effects)
        return keys
    }

    // MARK: Deployments

    struct DeployedFile {
        var name: String
        var data: Data
    }

    mutating func deploy(_ files: [DeployedFile], tenantId: TenantId?) -> DeploymentResult {
        let tenant = tenantId ?? Self.defaultTenant
        let deploymentKey = nextKey()
        var metadata: [DeploymentMetadataResult] = []
        for file in files {
            let lowered = file.name.lowercased()
            if lowered.hasSuffix(".bpmn") || lowered.hasSuffix(".bpmn20.xml") || lowered.hasSuffix(".xml") {
                let xml = String(decoding: file.data, as: UTF8.self)
                for process in BPMNScanner.processes(in: xml) {
                    let key = nextKey()
                    let versionKey = "\(tenant.rawValue)/\(process.id)"
                    let version = (definitionVersions[versionKey] ?? 0) + 1
                    definitionVersions[versionKey] = version
                    definitions[key] = ProcessDefinitionRecord(
                        key: key, id: process.id, name: process.name, version: version, resourceName: file.name,
                        resourceKey: key, tenantId: tenant, tasks: process.tasks)
                    latestDefinition[versionKey] = key
                    resources[key] = ResourceRecord(key: key, name: file.name, data: file.data, tenantId: tenant, version: version)
                    metadata.append(
                        DeploymentMetadataResult(
                            processDefinition: DeploymentProcessResult(
                                processDefinitionId: ProcessDefinitionId(process.id), processDefinitionVersion: version,
                                resourceName: file.name, tenantId: tenant,
                                processDefinitionKey: ProcessDefinitionKey(String(key))),
                            decisionDefinition: nil, decisionRequirements: nil, form: nil, resource: nil))
                }
            } else {
                let key = nextKey()
                let versionKey = "\(tenant.rawValue)/resource/\(file.name)"
                let version = (definitionVersions[versionKey] ?? 0) + 1
                definitionVersions[versionKey] = version
                resources[key] = ResourceRecord(key: key, name: file.name, data: file.data, tenantId: tenant, version: version)
                metadata.append(
                    DeploymentMetadataResult(
                        processDefinition: nil, decisionDefinition: nil, decisionRequirements: nil, form: nil,
                        resource: DeploymentResourceResult(
                            resourceId: file.name, resourceName: file.name, version: version, tenantId: tenant,
                            resourceKey: ResourceKey(String(key)))))
            }
        }
        return DeploymentResult(deploymentKey: DeploymentKey(String(deploymentKey)), tenantId: tenant, deployments: metadata)
    }

    // MARK: Process instances

    mutating func createInstance(
        _ instruction: ProcessInstanceCreationInstruction, now: Int64, effects: inout Effects
    ) -> Result<CreateProcessInstanceResult, Rejection> {
        let definition: ProcessDefinitionRecord
        let variables: [String: JSONValue]
        let tags: TagSet
        let businessId: BusinessId?
        switch instruction {
        case .byId(let byID):
            let tenant = byID.tenantId ?? Self.defaultTenant
            let versionKey = "\(tenant.rawValue)/\(byID.processDefinitionId.rawValue)"
            var found: ProcessDefinitionRecord?
            if let version = byID.processDefinitionVersion, version >= 0 {
                found = definitions.values.first {
                    $0.id == byID.processDefinitionId.rawValue && $0.version == version && $0.tenantId == tenant
                }
            } else if let key = latestDefinition[versionKey] {
                found = definitions[key]
            } else if jobTypeOverrides[byID.processDefinitionId.rawValue] != nil {
                // A job type registered for an undeployed process: create the definition implicitly.
                let key = nextKey()
                let record = ProcessDefinitionRecord(
                    key: key, id: byID.processDefinitionId.rawValue, name: nil, version: 1,
                    resourceName: "\(byID.processDefinitionId.rawValue).bpmn", resourceKey: nil, tenantId: tenant, tasks: [])
                definitions[key] = record
                definitionVersions[versionKey] = 1
                latestDefinition[versionKey] = key
                found = record
            }
            guard let found else {
                return .failure(
                    Rejection(
                        status: 404, title: "NOT_FOUND",
                        detail: "Command 'CREATE' rejected with code 'NOT_FOUND': Expected to find process definition with process ID '\(byID.processDefinitionId.rawValue)', but none found"))
            }
            definition = found
            variables = byID.variables ?? [:]
            tags = byID.tags ?? []
            businessId = byID.businessId
        case .byKey(let byKey):
            guard let key = Int64(byKey.processDefinitionKey.rawValue), let found = definitions[key] else {
                return .failure(
                    Rejection(
                        status: 404, title: "NOT_FOUND",
                        detail: "Command 'CREATE' rejected with code 'NOT_FOUND': Expected to find process definition with key '\(byKey.processDefinitionKey.rawValue)', but none found"))
            }
            definition = found
            variables = byKey.variables ?? [:]
            tags = byKey.tags ?? []
            businessId = byKey.businessId
        case .byVersionTag(let byTag):
            // The embedded gateway records no version tags (its BPMN scanner reads none), so no
            // deployed definition carries one: Camunda's answer for an unknown tag.
            return .failure(
                Rejection(
                    status: 404, title: "NOT_FOUND",
                    detail: "Command 'CREATE' rejected with code 'NOT_FOUND': Expected to find process definition with process ID '\(byTag.processDefinitionId.rawValue)' and version tag '\(byTag.processDefinitionVersionTag ?? "")', but none found"))
        case .undocumented:
            return .failure(
                Rejection(
                    status: 400, title: "INVALID_ARGUMENT",
                    detail: "At least one of [processDefinitionId, processDefinitionKey] is required"))
        }

        var tasks = definition.tasks
        if let override = jobTypeOverrides[definition.id] {
            if tasks.isEmpty {
                tasks = [BPMNScanner.Task(elementId: "task-\(override)", type: override, headers: [:])]
            } else {
                tasks[0].type = override
            }
        }
        let key = nextKey()
        var instance = InstanceRecord(
            key: key, definitionKey: definition.key, definitionId: definition.id, definitionName: definition.name,
            version: definition.version, tenantId: definition.tenantId, variables: variables, state: .active,
            startDate: Date(timeIntervalSince1970: Double(now) / 1000), tags: tags, businessId: businessId,
            remainingTasks: tasks)
        advance(&instance, now: now, effects: &effects)
        instances[key] = instance
        instanceOrder.append(key)
        checkConditions(effects: &effects)
        return .success(
            CreateProcessInstanceResult(
                processDefinitionId: ProcessDefinitionId(definition.id), processDefinitionVersion: definition.version,
                tenantId: definition.tenantId, variables: variables,
                processDefinitionKey: ProcessDefinitionKey(String(definition.key)),
                processInstanceKey: ProcessInstanceKey(String(key)), tags: tags, businessId: businessId))
    }

    /// Creates the job of the instance's next task, or completes the instance when none is left.
    private mutating func advance(_ instance: inout InstanceRecord, now: Int64, effects: inout Effects) {
        guard !instance.remainingTasks.isEmpty else {
            instance.state = .completed
            instance.endDate = Date(timeIntervalSince1970: Double(now) / 1000)
            return
        }
        let task = instance.remainingTasks.removeFirst()
        let date = Date(timeIntervalSince1970: Double(now) / 1000)
        let job = JobRecord(
            key: nextKey(), type: task.type, retries: 3, variables: instance.variables,
            customHeaders: task.headers.mapValues { JSONValue.string($0) }, tenantId: instance.tenantId,
            processInstanceKey: instance.key, processDefinitionKey: instance.definitionKey,
            processDefinitionId: instance.definitionId, processDefinitionVersion: instance.version,
            elementId: task.elementId, elementInstanceKey: nextKey(), kind: .bpmnElement, listenerEventType: .unspecified,
            userTask: nil, tags: instance.tags, creationTime: date, lastUpdateTime: date)
        insertJob(job, effects: &effects)
        serveWaiters(type: task.type, now: now, effects: &effects)
    }

    /// Moves a process instance on after one of its jobs completed.
    mutating func jobFinished(_ job: JobRecord, completedWith variables: [String: JSONValue]?, now: Int64, effects: inout Effects) {
        guard var instance = instances[job.processInstanceKey], instance.state == .active else { return }
        if let variables { instance.variables.merge(variables) { $1 } }
        advance(&instance, now: now, effects: &effects)
        instances[job.processInstanceKey] = instance
    }
}
