/// `camunda-soak`: a chaos soak of the job workers.
///
/// Starts `camunda-test-gateway` (from the same build folder) as a child process on a fixed port with
/// OAuth on, runs one worker per execution strategy (`.async`, `.thread`, `.process`), seeds jobs
/// continuously, and injects faults on a schedule: 503 and 429 bursts, 500 with `RESOURCE_EXHAUSTED`,
/// dropped connections, responses slower than the client's timeout, a full gateway restart (SIGKILL,
/// then a new process on the same port) followed by token endpoint failures, and jobs whose lock
/// expires while their handler still runs. At the end it drains, inspects every job and writes a
/// report (Markdown) to standard output and to `--report`.
///
///     camunda-soak [--duration SECONDS (600)] [--port N (26599)] [--jobs-per-second N (4, per strategy)]
///                  [--phase SECONDS (20)] [--report PATH (SOAK.md)] [--work-dir PATH]
///
/// `.process` children re-enter this `main` with the same arguments: they only register the
/// `.process` worker and serve it.
import CamundaOrchestration
import Foundation
import Logging

let options = SoakOptions.parse(Array(CommandLine.arguments.dropFirst()))

if JobWorker.isChildProcess {
    // A `.process` child: register the same `.process` worker and serve jobs from the parent.
    let client = try CamundaClient(
        configuration: ["CAMUNDA_REST_ADDRESS": "http://127.0.0.1:\(options.port)/v2"], environment: [:],
        logger: soakLogger(label: "camunda.soak.child"))
    try Soak.registerProcessWorker(on: client)
    try await client.runWorkers()
    exit(0)
}

do {
    let soak = try Soak(options: options)
    let report = try await soak.run()
    print(report)
    try report.write(toFile: options.reportPath, atomically: true, encoding: .utf8)
    FileHandle.standardError.write(Data("camunda-soak: report written to \(options.reportPath)\n".utf8))
} catch {
    FileHandle.standardError.write(Data("camunda-soak: \(error)\n".utf8))
    exit(1)
}
