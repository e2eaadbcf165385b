import ArgumentParser
import Foundation
import GeneratorCore

@main
struct CamundaGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camunda-generate",
        abstract: "Generate the Swift models and client methods from the Camunda OpenAPI spec.")

    @Option(help: "The spec's entry file: a bundled spec, or a multi-file spec's rest-api.yaml (files it references are read from its folder).")
    var spec: String = "openapi/spec/rest-api.bundle.yaml"

    @Option(help: "The folder to write the generated Swift files into.")
    var output: String = "Sources/CamundaAPI/Generated"

    @Flag(help: "Write nothing; exit non-zero when the output folder differs from what would be written.")
    var check = false

    func run() throws {
        let start = ContinuousClock.now
        let specURL = URL(fileURLWithPath: spec)
        let folder = specURL.deletingLastPathComponent()
        let generated: GeneratorOutput
        do {
            generated = try GeneratorPipeline.run(reader: DiskFileReader(root: folder), entry: specURL.lastPathComponent)
        } catch {
            var stderr = StandardError()
            print("\(folder.path)/\(error)", to: &stderr)
            print("camunda-generate: generation failed; the output folder was not touched.", to: &stderr)
            throw ExitCode(1)
        }
        let report = try OutputWriter(folder: URL(fileURLWithPath: output)).apply(generated.files, check: check)
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let verb = check ? "would write" : "written"
        var stderr = StandardError()
        for warning in generated.warnings { print("\(folder.path)/\(warning)", to: &stderr) }
        print("camunda-generate: \(generated.specFiles) spec files, \(generated.schemaCount) component schemas, \(generated.inlineTypeCount) inline types, \(generated.operationCount) operations, 0 errors, \(generated.warnings.count) warnings")
        print("camunda-generate: \(report.written.count) files \(verb), \(report.unchanged.count) unchanged, \(report.removed.count) \(check ? "would be removed" : "removed") in \(String(format: "%.0f", ms)) ms")
        for file in report.written { print("  \(check ? "differs" : "wrote"): \(file)") }
        for file in report.removed { print("  \(check ? "stale" : "removed"): \(file)") }
        if check && !report.isClean {
            var stderr = StandardError()
            print("camunda-generate --check: \(output) is out of date; run camunda-generate to refresh it.", to: &stderr)
            throw ExitCode(1)
        }
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
