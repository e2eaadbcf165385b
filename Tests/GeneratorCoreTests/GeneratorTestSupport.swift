import Foundation
import GeneratorCore
import Testing

/// Runs the pipeline over in-memory files. Every model gets the JSON fast paths unless told
/// otherwise, so that snippets show their emission (the generator's own default is the worker's hot
/// path, which these small specs mostly lack; see `FastPathSelectionTests`).
func generate(
    _ files: [String: String], entry: String = "api.yaml", fastPaths: FastPathScope = .all
) throws(Diagnostic) -> GeneratorOutput {
    try GeneratorPipeline.run(reader: InMemoryFileReader(files), entry: entry, fastPaths: fastPaths)
}

/// A one-file spec whose `components.schemas` is `schemas` (YAML, indented by 4 spaces) and whose
/// `paths` is `paths` (YAML, indented by 2 spaces).
func spec(schemas: String, paths: String = "  {}") -> String {
    """
    openapi: 3.0.3
    info: {title: Test, version: "1"}
    paths:
    \(paths)
    components:
      schemas:
    \(schemas)
    """
}

/// The generated model text for one-file spec schemas, without the banner and import.
func modelText(_ schemas: String) throws -> String {
    let output = try generate(["api.yaml": spec(schemas: schemas)])
    let text = try #require(output.files["Models+Api.swift"])
    return stripBanner(text)
}

func stripBanner(_ text: String) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    while let first = lines.first, !first.hasPrefix("///"), first.hasPrefix("//") || first.hasPrefix("import") || first.isEmpty {
        lines.removeFirst()
    }
    return lines.joined(separator: "\n")
}

/// Compares texts and shows a line diff on mismatch.
func expectSame(_ actual: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual != expected else { return }
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    var diff: [String] = []
    for i in 0..<max(a.count, e.count) {
        let l = i < a.count ? String(a[i]) : "<none>"
        let r = i < e.count ? String(e[i]) : "<none>"
        if l != r { diff.append("line \(i + 1):\n  actual:   \(l)\n  expected: \(r)") }
    }
    let summary = diff.prefix(10).joined(separator: "\n")
    Issue.record("generated text differs:\n\(summary)\n--- actual ---\n\(actual)", sourceLocation: sourceLocation)
}

let projectRoot = SpecLocator.projectRoot(from: #filePath)
