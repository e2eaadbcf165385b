import CamundaOrchestration
import Foundation

// Hand-written examples of the user task operations.

extension UserTaskExamples {
    /// Pages through the open user tasks assigned to `demo`.
    public static func searchUserTasks(_ client: CamundaClient) async throws {
        let query = UserTaskSearchQuery(filter: UserTaskFilter(state: .exact(.created), assignee: "demo"))
        for try await task in client.paginate(query, pageSize: 50, { client, query in try await client.searchUserTasks(query) }) {
            print("User task \(task.userTaskKey): \(task.name ?? task.elementId.rawValue), priority \(task.priority)")
        }
    }

    /// Reads one user task.
    public static func getUserTask(_ client: CamundaClient) async throws {
        let userTaskKey = UserTaskKey("2251799813685249")
        do {
            let task = try await client.getUserTask(userTaskKey: userTaskKey)
            print("User task \(task.userTaskKey) is \(task.state), assignee \(task.assignee ?? "none")")
        } catch let error as CamundaError where error.status == 404 {
            print("User task \(userTaskKey) not found")
        }
    }

    /// Assigns a task to `demo`, even if someone else has it; a 409 means a task listener denied it.
    public static func assignUserTask(_ client: CamundaClient) async throws {
        let userTaskKey = UserTaskKey("2251799813685249")
        do {
            try await client.assignUserTask(
                userTaskKey: userTaskKey, UserTaskAssignmentRequest(assignee: "demo", allowOverride: true))
            print("Assigned user task \(userTaskKey) to demo")
        } catch let error as CamundaError where error.status == 409 {
            print("Assignment rejected: \(error.problem?.detail ?? "conflict")")
        }
    }

    /// Gives the task back to the pool of candidates.
    public static func unassignUserTask(_ client: CamundaClient) async throws {
        let userTaskKey = UserTaskKey("2251799813685249")
        try await client.unassignUserTask(userTaskKey: userTaskKey)
        print("Unassigned user task \(userTaskKey)")
    }

    /// Raises the priority and sets a due date in three days.
    public static func updateUserTask(_ client: CamundaClient) async throws {
        let userTaskKey = UserTaskKey("2251799813685249")
        let dueDate = Date().addingTimeInterval(3 * 24 * 3600)
        try await client.updateUserTask(
            userTaskKey: userTaskKey,
            UserTaskUpdateRequest(changeset: Changeset(dueDate: .set(dueDate), priority: 80), action: "escalate"))
        print("Updated user task \(userTaskKey)")
    }

    /// Completes a task with the form's variables.
    public static func completeUserTask(_ client: CamundaClient) async throws {
        let userTaskKey = UserTaskKey("2251799813685249")
        try await client.completeUserTask(
            userTaskKey: userTaskKey, UserTaskCompletionRequest(variables: ["approved": true, "comment": "Looks good"]))
        print("Completed user task \(userTaskKey)")
    }
}
