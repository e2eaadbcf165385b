import Foundation

/// A spec on disk: the folder its files are read from and its entry file.
public struct SpecLocation: Sendable, Hashable {
    public var folder: URL
    public var entry: String
    public var entryURL: URL { folder.appendingPathComponent(entry) }
}

/// Finds a pinned Camunda spec for tools and tests, fetching it when no copy is at hand.
///
/// Looks in `$CAMUNDA_SPEC_DIR` (current version only), the project's fetched copy
/// (`openapi/spec`, `openapi/spec-2026-08-21`, `openapi/spec-older`) and the shared upstream copy
/// (`../shared/openapi/<folder>`); when none has it, runs `openapi/fetch-spec.sh <version>` once
/// (which copies or downloads it and checks its SHA-256). So `swift test` works on a fresh clone
/// with no prior step.
public enum SpecLocator {
    /// The pinned versions: `current` is the one `Sources/CamundaAPI/Generated` comes from.
    public enum Version: String, Sendable, CaseIterable {
        /// 2026-10-26, one bundled file (Camunda's Python SDK 10.0.1 ships it).
        case current = "2026-10-26"
        /// 2026-08-21, multi-file.
        case previous = "2026-08-21"
        /// 2026-04-30, multi-file.
        case older = "2026-04-30"

        var projectFolder: String {
            switch self {
            case .current: "openapi/spec"
            case .previous: "openapi/spec-2026-08-21"
            case .older: "openapi/spec-older"
            }
        }
        var sharedFolder: String {
            switch self {
            case .current: "camunda-2026-10-26-bundled"
            case .previous: "camunda-2026-08-21"
            case .older: "camunda-2026-04-30"
            }
        }
        public var entry: String { self == .current ? "rest-api.bundle.yaml" : "rest-api.yaml" }
    }

    /// The spec of `version`, fetched with `openapi/fetch-spec.sh` if needed; `nil` when it cannot be had
    /// (then ``failure(_:projectRoot:)`` says why).
    public static func locate(_ version: Version = .current, projectRoot: URL) -> SpecLocation? {
        // Under the fetch lock: a test never looks while another one's fetch is writing the files.
        fetchLock.lock()
        defer { fetchLock.unlock() }
        if let found = existing(version, projectRoot: projectRoot) { return found }
        _ = fetchLocked(version, projectRoot: projectRoot)
        return existing(version, projectRoot: projectRoot)
    }

    /// Why ``locate(_:projectRoot:)`` found nothing, for a test's failure message.
    public static func failure(_ version: Version, projectRoot: URL) -> String {
        let output = fetch(version, projectRoot: projectRoot)
        return "the \(version.rawValue) spec is not in \(version.projectFolder) nor ../shared/openapi/\(version.sharedFolder), "
            + "and `openapi/fetch-spec.sh \(version.rawValue)` could not get it (it needs ../shared/openapi, or network access to "
            + "PyPI for the bundle and GitHub for the multi-file versions): \(output)"
    }

    static func existing(_ version: Version, projectRoot: URL) -> SpecLocation? {
        var candidates: [URL] = []
        if version == .current, let env = ProcessInfo.processInfo.environment["CAMUNDA_SPEC_DIR"] {
            candidates.append(URL(fileURLWithPath: env))
        }
        candidates.append(projectRoot.appendingPathComponent(version.projectFolder))
        candidates.append(projectRoot.deletingLastPathComponent().appendingPathComponent("shared/openapi/\(version.sharedFolder)"))
        let fm = FileManager.default
        return candidates.first { fm.fileExists(atPath: $0.appendingPathComponent(version.entry).path) }
            .map { SpecLocation(folder: $0, entry: version.entry) }
    }

    private static let fetchLock = NSLock()
    nonisolated(unsafe) private static var fetched: [Version: String] = [:]

    /// Runs the fetch script once per version and process; returns what it printed.
    static func fetch(_ version: Version, projectRoot: URL) -> String {
        fetchLock.lock()
        defer { fetchLock.unlock() }
        return fetchLocked(version, projectRoot: projectRoot)
    }

    private static func fetchLocked(_ version: Version, projectRoot: URL) -> String {
        if let known = fetched[version] { return known }
        let script = projectRoot.appendingPathComponent("openapi/fetch-spec.sh")
        var output = "openapi/fetch-spec.sh not found"
        if FileManager.default.isExecutableFile(atPath: script.path) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [script.path, version.rawValue]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            do {
                try process.run()
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                output = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if process.terminationStatus != 0 { output = "exit \(process.terminationStatus): \(output)" }
            } catch {
                output = "cannot run \(script.path): \(error)"
            }
        }
        fetched[version] = output
        return output
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

extension SpecLocator {
    /// The folder of a spec version named by its `../shared/openapi` folder (`camunda-2026-08-21`), found or fetched.
    public static func currentSpecFolder(projectRoot: URL, version: String = "camunda-2026-10-26-bundled") -> URL? {
        guard let known = Version.allCases.first(where: { $0.sharedFolder == version }) else { return nil }
        return locate(known, projectRoot: projectRoot)?.folder
    }
}

/// A pinned spec that could be neither found nor fetched; the description says what is needed.
public struct SpecUnavailable: Error, CustomStringConvertible {
    public var description: String
}

extension SpecLocator {
    /// ``locate(_:projectRoot:)``, throwing ``SpecUnavailable`` (with what is needed) when the spec cannot be had.
    public static func required(_ version: Version = .current, projectRoot: URL) throws -> SpecLocation {
        guard let location = locate(version, projectRoot: projectRoot) else {
            throw SpecUnavailable(description: failure(version, projectRoot: projectRoot))
        }
        return location
    }
}
