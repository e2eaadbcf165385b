import Foundation

/// Finds the spec folder for tools and tests: `$CAMUNDA_SPEC_DIR`, the project's fetched copy
/// `openapi/spec/`, or the shared upstream copy `../shared/openapi/camunda-2026-08-21/`.
public enum SpecLocator {
    public static func currentSpecFolder(projectRoot: URL, version: String = "camunda-2026-08-21") -> URL? {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["CAMUNDA_SPEC_DIR"], version == "camunda-2026-08-21" {
            candidates.append(URL(fileURLWithPath: env))
        }
        if version == "camunda-2026-08-21" {
            candidates.append(projectRoot.appendingPathComponent("openapi/spec"))
        } else {
            candidates.append(projectRoot.appendingPathComponent("openapi/spec-older"))
        }
        candidates.append(projectRoot.deletingLastPathComponent().appendingPathComponent("shared/openapi/\(version)"))
        return candidates.first { fm.fileExists(atPath: $0.appendingPathComponent("rest-api.yaml").path) }
    }

    /// The project root, found from a source file path by walking up to `Package.swift`.
    public static func projectRoot(from filePath: String) -> URL {
        var url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}
