import ArgumentParser

/// `camunda-bench`: benchmarks of the Camunda Swift SDK (see BENCHMARKS.md).
///
/// Every subcommand prints a human table to standard output, then one JSON line per result;
/// progress goes to standard error.
@main
struct CamundaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camunda-bench",
        abstract: "Benchmarks of the Camunda Swift SDK (build with -c release).",
        subcommands: [
            WorkerCommand.self, RawCommand.self, CompareCommand.self, ConcurrencyCommand.self, MicroCommand.self, DateCheckCommand.self, DecodeCommand.self, GenerateCommand.self, ServeGatewayCommand.self,
        ])
}
