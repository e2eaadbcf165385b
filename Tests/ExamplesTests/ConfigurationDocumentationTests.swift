import CamundaOrchestration
import Foundation
import Testing

/// The configuration reference of the DocC catalog is generated from `CamundaConfiguration.variables`:
/// this test fails when the committed article differs from what the code says.
///
/// Regenerate with `scripts/examples/update-configuration-doc.sh`
/// (`UPDATE_CONFIGURATION_DOC=1 swift test --filter ConfigurationDocumentationTests`).
@Suite struct ConfigurationDocumentationTests {
    static let begin = "<!-- BEGIN GENERATED: CamundaConfiguration.variables -->"
    static let end = "<!-- END GENERATED -->"

    static var articleURL: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/CamundaOrchestration/Documentation.docc/ConfiguringTheClient.md")
    }

    /// The reference table, one row per variable, in the order of `CamundaConfiguration.variables`.
    static func renderTable(_ variables: [ConfigurationVariable]) -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        var lines = [
            "| Variable | Default | Meaning |",
            "|---|---|---|",
        ]
        for variable in variables {
            var name = "`\(variable.name)`"
            if !variable.aliases.isEmpty {
                name += " (also " + variable.aliases.map { "`\($0)`" }.joined(separator: ", ") + ")"
            }
            let defaultValue = variable.defaultValue.map { "`\($0)`" } ?? "none"
            var meaning = variable.summary
            if variable.isSecret { meaning += " Secret: never logged or shown in errors." }
            lines.append("| \(cell(name)) | \(cell(defaultValue)) | \(cell(meaning)) |")
        }
        return lines.joined(separator: "\n")
    }

    @Test func committedConfigurationArticleMatchesTheCode() throws {
        let article = try String(contentsOf: Self.articleURL, encoding: .utf8)
        let start = try #require(article.range(of: Self.begin), "no \(Self.begin) marker in ConfiguringTheClient.md")
        let stop = try #require(article.range(of: Self.end, range: start.upperBound..<article.endIndex))
        let expected = "\n" + Self.renderTable(CamundaConfiguration.variables) + "\n"
        let committed = String(article[start.upperBound..<stop.lowerBound])
        if committed != expected, ProcessInfo.processInfo.environment["UPDATE_CONFIGURATION_DOC"] == "1" {
            let updated = article.replacingCharacters(in: start.upperBound..<stop.lowerBound, with: expected)
            try updated.write(to: Self.articleURL, atomically: true, encoding: .utf8)
            return
        }
        #expect(
            committed == expected,
            "ConfiguringTheClient.md is stale; run scripts/examples/update-configuration-doc.sh. Expected:\n\(expected)")
    }

    @Test func everyVariableIsDocumentedOnce() {
        let names = CamundaConfiguration.variables.flatMap { [$0.name] + $0.aliases }
        #expect(Set(names).count == names.count)
        #expect(CamundaConfiguration.variables.allSatisfy { !$0.summary.isEmpty })
    }
}
