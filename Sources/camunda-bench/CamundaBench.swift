import ArgumentParser

/// `camunda-bench`: benchmarks of the Camunda Swift SDK (see BENCHMARKS.md).
@main
struct CamundaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camunda-bench",
        abstract: "Benchmarks of the Camunda Swift SDK: worker, raw, decode, generate, concurrency.")
}
