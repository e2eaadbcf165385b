import Foundation
import FuzzSupport
@testable import GeneratorCore
import Testing

/// Fuzzing of the YAML loader and `$ref` resolver: mutated spec files either generate or stop with
/// a diagnostic naming a file of the spec and a line. Never a crash or a hang.
///
/// `CAMUNDA_FUZZ_ITERATIONS=20000 swift test --filter SpecFuzz` runs a long campaign; with
/// `CAMUNDA_FUZZ_SAVE=1` inputs with a new outcome are written to `Fixtures/yaml-corpus/`, which
/// `replayCorpus` replays.
@Suite struct SpecFuzz {
    static let fixtures = projectRoot.appendingPathComponent("Tests/GeneratorCoreTests/Fixtures")
    static let files = ["api.yaml", "sub/pets.yaml", "common.yaml"]

    static func originals() throws -> [String: String] {
        var result: [String: String] = [:]
        for file in files {
            result[file] = try String(contentsOf: fixtures.appendingPathComponent("golden-spec/\(file)"), encoding: .utf8)
        }
        return result
    }

    /// Runs the pipeline; returns "ok" or "diag:<file>" and checks the diagnostic is well-formed.
    static func outcome(_ files: [String: String]) -> String {
        do {
            _ = try generate(files, entry: "api.yaml")
            return "ok"
        } catch {
            #expect(files.keys.contains(error.mark.file) || error.message.contains("cannot read"), "\(error)")
            #expect(error.mark.line >= 0)
            #expect(!error.message.isEmpty)
            return "diag:\(error.mark.file):\(error.message.prefix(24))"
        }
    }

    @Test func mutatedSpecsNeverCrash() async throws {
        try await offCooperativePool {
            let originals = try Self.originals()
            #expect(Self.outcome(originals) == "ok")
            var rng = SplitMix64(seed: 0x5EED)
            var seen: [String: [String: String]] = [:]
            for _ in 0..<fuzzIterations(default: 800) {
                var files = originals
                let file = Self.files.randomElement(using: &rng)!
                let mutated = Mutator.mutate(Array(files[file]!.utf8), using: &rng)
                files[file] = String(decoding: mutated, as: UTF8.self)
                let result = Self.outcome(files)
                if seen[result] == nil { seen[result] = [file: files[file]!] }
            }
            #expect(seen.count > 3, "the mutations reach several outcomes")
            if ProcessInfo.processInfo.environment["CAMUNDA_FUZZ_SAVE"] == "1" {
                let folder = Self.fixtures.appendingPathComponent("yaml-corpus")
                for (number, (_, mutated)) in seen.sorted(by: { $0.key < $1.key }).prefix(60).enumerated() {
                    let (file, text) = mutated.first!
                    let name = "\(number)-" + file.replacingOccurrences(of: "/", with: "__")
                    try Data(text.utf8).write(to: folder.appendingPathComponent(name))
                }
            }
        }
    }

    /// A few mutations of the real spec, to cover its size and shapes.
    @Test func mutatedRealSpecNeverCrashes() async throws {
        try await offCooperativePool {
            let folder = try SpecLocator.required(.previous, projectRoot: projectRoot).folder
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
            var files: [String: String] = [:]
            for name in names { files[name] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) }
            var rng = SplitMix64(seed: 42)
            for _ in 0..<fuzzIterations(default: 12) / 4 + 3 {
                var mutatedFiles = files
                let file = ["jobs.yaml", "keys.yaml", "filters.yaml", "rest-api.yaml"].randomElement(using: &rng)!
                mutatedFiles[file] = String(decoding: Mutator.mutate(Array(files[file]!.utf8), using: &rng), as: UTF8.self)
                _ = Self.outcome(mutatedFiles.mapKeysForEntry())
            }
        }
    }

    @Test func replayCorpus() throws {
        let folder = Self.fixtures.appendingPathComponent("yaml-corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(names.count >= 5, "the corpus is committed")
        let originals = try Self.originals()
        for name in names {
            var files = originals
            let file = String(name.split(separator: "-", maxSplits: 1)[1]).replacingOccurrences(of: "__", with: "/")
            files[file] = try String(decoding: Data(contentsOf: folder.appendingPathComponent(name)), as: UTF8.self)
            _ = Self.outcome(files)
        }
    }
}

extension Dictionary where Key == String, Value == String {
    /// The real spec's entry is `rest-api.yaml`; `outcome` generates from `api.yaml`.
    func mapKeysForEntry() -> [String: String] {
        var copy = self
        copy["api.yaml"] = self["rest-api.yaml"]
        return copy
    }
}
