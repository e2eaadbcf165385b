import ArgumentParser
import Foundation
import GeneratorCore

@main
struct CamundaGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camunda-generate",
        abstract: "Generate the Swift models and client methods from the Camunda OpenAPI spec.",
        subcommands: [Generate.self, Diff.self],
        defaultSubcommand: Generate.self)
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the Swift models and client methods (the default when no subcommand is given).")

    @Option(help: "The spec's entry file: a bundled spec, or a multi-file spec's rest-api.yaml (files it references are read from its folder).")
    var spec: String = "openapi/spec/rest-api.bundle.yaml"

    @Option(help: "The folder to write the generated Swift files into.")
    var output: String = "Sources/CamundaAPI/Generated"

    @Flag(help: "Write nothing; exit non-zero when the output folder differs from what would be written.")
    var check = false

    @Option(
        help: ArgumentHelp(
            "Which models get the JSON fast paths: worker (the worker's hot path, the default), all, or none.",
            discussion: "all and none only reproduce the measurement in BENCHMARKS.md; the committed output is worker.",
            visibility: .hidden))
    var fastPaths: FastPathOption = .worker

    func run() throws {
        let start = ContinuousClock.now
        let specURL = URL(fileURLWithPath: spec)
        let folder = specURL.deletingLastPathComponent()
        let generated: GeneratorOutput
        do {
            generated = try GeneratorPipeline.run(
                reader: DiskFileReader(root: folder), entry: specURL.lastPathComponent, fastPaths: fastPaths.scope)
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

enum FastPathOption: String, CaseIterable, ExpressibleByArgument {
    case worker, all, none

    var scope: FastPathScope {
        switch self {
        case .worker: .workerHotPath
        case .all: .all
        case .none: .none
        }
    }
}

enum DiffFormat: String, CaseIterable, ExpressibleByArgument {
    case markdown, text

    var format: APIDiff.Format { self == .markdown ? .markdown : .text }
}

/// `camunda-generate diff`: what a user of the SDK would see change between two specs.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print how the generated Swift API changes from one spec to another.",
        discussion: """
            Both specs are translated as for generation, and the declarations are compared: operations \
            added, removed and changed, types added and removed, properties, enum values and union cases, \
            with the spec's x-added-in-version where it gives one.
            """)

    @Option(help: "The older spec's entry file (a multi-file spec's rest-api.yaml, or a bundled file).")
    var from: String

    @Option(help: "The newer spec's entry file.")
    var to: String

    @Option(help: "How to name the older spec in the heading (default: the --from path).")
    var fromLabel: String?

    @Option(help: "How to name the newer spec in the heading (default: the --to path).")
    var toLabel: String?

    @Option(help: "Output format: markdown or text.")
    var format: DiffFormat = .markdown

    @Option(help: "Also put the Markdown entry into this changelog file, replacing an entry with the same heading.")
    var changelog: String?

    func validate() throws {
        if changelog != nil && format != .markdown {
            throw ValidationError("--changelog needs --format markdown")
        }
    }

    func run() throws {
        let old = try load(from)
        let new = try load(to)
        let diff = APIDiff(from: old, to: new)
        let title = "Spec \(toLabel ?? to) (from \(fromLabel ?? from))"
        let rendered = diff.render(format.format, title: title)
        print(rendered, terminator: "")
        if let changelog {
            let url = URL(fileURLWithPath: changelog)
            let existing = (try? String(contentsOf: url, encoding: .utf8)) ?? "# Changelog\n"
            try APIDiff.insert(entry: rendered, into: existing).write(to: url, atomically: true, encoding: .utf8)
            var stderr = StandardError()
            print("camunda-generate diff: entry '## \(title)' written to \(changelog)", to: &stderr)
        }
    }

    func load(_ path: String) throws -> APISurface {
        do {
            return try APISurface.load(entryFile: path)
        } catch {
            var stderr = StandardError()
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            print("\(folder)/\(error)", to: &stderr)
            print("camunda-generate diff: \(path) could not be translated.", to: &stderr)
            throw ExitCode(1)
        }
    }
}
