import Foundation
import FuzzSupport
@testable import GeneratorCore
import Testing

/// `camunda-generate diff`: the changes between the generated Swift APIs of two specs.
@Suite struct APIDiffTests {
    static let fixtures = projectRoot.appendingPathComponent("Tests/GeneratorCoreTests/Fixtures")

    static func surface(_ folder: String) throws -> APISurface {
        try APISurface.load(entryFile: fixtures.appendingPathComponent("\(folder)/api.yaml").path)
    }

    static func fixtureDiff() throws -> APIDiff {
        APIDiff(from: try surface("diff-old"), to: try surface("diff-new"))
    }

    /// The one change in `section` about `subject` whose detail contains `detail`.
    func change(
        _ diff: APIDiff, _ section: APIChange.Section, _ subject: String, _ detail: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> APIChange {
        let matches = diff.changes.filter { $0.section == section && $0.subject == subject && $0.detail.contains(detail) }
        #expect(matches.count == 1, "\(section.title) \(subject) '\(detail)': \(matches.count) matches in\n\(diff.render(.text, title: "diff"))", sourceLocation: sourceLocation)
        return try #require(matches.first, sourceLocation: sourceLocation)
    }

    @Test func reportsEachKindOfOperationChange() throws {
        let diff = try Self.fixtureDiff()

        let added = try change(diff, .operationsAdded, "adoptPet", "func adoptPet(petKey: PetKey, _ body: Adoption) async throws")
        #expect(added.detail.contains("`POST /v2/pets/{petKey}/adoption`"))
        #expect(added.addedIn == "8.10")
        #expect(!added.breaking)

        let removed = try change(diff, .operationsRemoved, "deleteLegacyPets", "func deleteLegacyPets() async throws")
        #expect(removed.detail.contains("`DELETE /v2/pets/legacy`"))
        #expect(removed.breaking)

        #expect(try change(diff, .operationsChanged, "getPet", "parameter `includeOwner: Bool` added").breaking)
        #expect(try change(diff, .operationsChanged, "getPet", "parameter `verbose: Bool?` removed").breaking)
        #expect(try change(diff, .operationsChanged, "getPet", "parameter `limit` retyped `Int32` → `Int64`").breaking)
        #expect(try change(diff, .operationsChanged, "getPet", "parameter `fields` is now required").breaking)
        #expect(try change(diff, .operationsChanged, "getPet", "returns `PetResult` (was `Pet`)").breaking)
        let moved = try change(diff, .operationsChanged, "getPetOwner", "now `GET /v2/owners/of-pet/{petKey}` (was `GET /v2/pets/{petKey}/owner`)")
        #expect(!moved.breaking)
        #expect(try !change(diff, .operationsChanged, "getPetOwner", "now deprecated").breaking)
        // Unchanged operations do not appear at all.
        #expect(!diff.changes.contains { $0.subject == "searchPets" })
    }

    @Test func reportsTypesPropertiesEnumValuesAndUnionCases() throws {
        let diff = try Self.fixtureDiff()

        let adoption = try change(diff, .typesAdded, "Adoption", "struct")
        #expect(adoption.addedIn == "8.10")
        _ = try change(diff, .typesAdded, "PetResult", "struct")
        _ = try change(diff, .typesAdded, "Pet.Diet", "enum")
        // A nested type of a new type is not listed on its own.
        #expect(try Self.surface("diff-new").types["PetResult.Status"] != nil)
        #expect(!diff.changes.contains { $0.subject.hasPrefix("PetResult.") })
        #expect(try change(diff, .typesRemoved, "WetFood", "struct").breaking)
        #expect(try change(diff, .typesChanged, "Collar", "now an enum (was a struct)").breaking)
        #expect(try change(diff, .typesChanged, "Weight", "now `typealias Weight = Int64` (was `Int32`)").breaking)

        let vaccinated = try change(diff, .properties, "Pet.vaccinated", "added, `Bool?`")
        #expect(vaccinated.addedIn == "8.9")
        #expect(!vaccinated.breaking)
        #expect(try change(diff, .properties, "Pet.microchip", "added, `String`, required in the initializer").breaking)
        #expect(try change(diff, .properties, "Pet.legacyTag", "removed (was `String?`)").breaking)
        #expect(try change(diff, .properties, "Pet.weight", "retyped `Int32` → `String?`").breaking)
        #expect(try change(diff, .properties, "Pet.color", "now required: `String?` → `String`").breaking)
        #expect(try change(diff, .properties, "Pet.nickname", "now optional: `String` → `String?`").breaking)
        #expect(!diff.changes.contains { $0.subject == "Pet.name" || $0.subject == "Owner" })

        #expect(try !change(diff, .enumValues, "PetKind", "`.parrot` (`\"PARROT\"`) added").breaking)
        #expect(try change(diff, .enumValues, "PetKind", "`.hamster` (`\"HAMSTER\"`) removed").breaking)
        #expect(try !change(diff, .unionCases, "Food", "case `.raw(RawFood)` added").breaking)
        #expect(try change(diff, .unionCases, "Food", "case `.wet(WetFood)` removed").breaking)

        #expect(diff.changes.count == 27)
        #expect(diff.breakingCount == 16)
    }

    @Test func sameSpecHasNoChanges() throws {
        let diff = APIDiff(from: try Self.surface("diff-old"), to: try Self.surface("diff-old"))
        #expect(diff.changes.isEmpty)
        #expect(diff.render(.markdown, title: "Same").contains("No changes to the generated Swift API."))
    }

    @Test func rendersSortedSectionsInBothFormats() throws {
        let diff = try Self.fixtureDiff()
        let markdown = diff.render(.markdown, title: "Spec new (from old)")
        #expect(markdown == (try Self.fixtureDiff()).render(.markdown, title: "Spec new (from old)"))
        #expect(markdown.hasPrefix("## Spec new (from old)\n\nOperations: 1 added, 1 removed, 2 changed. Types: 4 added, 1 removed, 5 changed. Breaking changes: 16.\n"))
        let headings = markdown.split(separator: "\n").filter { $0.hasPrefix("### ") }
        #expect(headings == [
            "### Operations added (1)", "### Operations removed (1)", "### Operations changed (7)", "### Types added (4)",
            "### Types removed (1)", "### Types changed (2)", "### Properties (7)", "### Enum values (2)", "### Union cases (2)",
        ])
        #expect(markdown.contains("\n- **breaking** `Pet.legacyTag`: removed (was `String?`)\n"))
        #expect(markdown.contains("\n- `Pet.vaccinated`: added, `Bool?` (added in 8.9)\n"))
        let properties = markdown.split(separator: "\n").filter { $0.contains("`Pet.") }
        #expect(properties.map { $0.replacingOccurrences(of: "**breaking** ", with: "") } == properties.map { $0.replacingOccurrences(of: "**breaking** ", with: "") }.sorted())

        let text = diff.render(.text, title: "new from old")
        #expect(text.contains("\nProperties (7):\n"))
        #expect(text.contains("\n  - Pet.legacyTag: removed (was String?) [breaking]\n"))
        #expect(text.contains("\n  + Pet.vaccinated: added, Bool? (added in 8.9)\n"))
        #expect(text.contains("\n  ~ getPet: returns PetResult (was Pet) [breaking]\n"))
        #expect(!text.contains("`"))
    }

    @Test func changelogEntriesGoNewestFirstAndReplaceTheirOwnHeading() {
        let header = "# Changelog\n\nIntro.\n"
        let first = APIDiff.insert(entry: "## Spec B (from A)\n\nOne.\n", into: header)
        #expect(first == "# Changelog\n\nIntro.\n\n## Spec B (from A)\n\nOne.\n")
        let second = APIDiff.insert(entry: "## Spec C (from B)\n\nTwo.\n", into: first)
        #expect(second == "# Changelog\n\nIntro.\n\n## Spec C (from B)\n\nTwo.\n\n## Spec B (from A)\n\nOne.\n")
        let replaced = APIDiff.insert(entry: "## Spec C (from B)\n\nTwo, again.\n", into: second)
        #expect(replaced == "# Changelog\n\nIntro.\n\n## Spec C (from B)\n\nTwo, again.\n\n## Spec B (from A)\n\nOne.\n")
        let replacedLast = APIDiff.insert(entry: "## Spec B (from A)\n\nOne, again.\n", into: replaced)
        #expect(replacedLast == "# Changelog\n\nIntro.\n\n## Spec C (from B)\n\nTwo, again.\n\n## Spec B (from A)\n\nOne, again.\n")
    }

    // MARK: Real specs

    static let older = SpecLocator.currentSpecFolder(projectRoot: projectRoot, version: "camunda-2026-04-30")
    static let current = SpecLocator.currentSpecFolder(projectRoot: projectRoot, version: "camunda-2026-08-21")

    /// The operationIds in every YAML file of a spec folder, read with a plain text scan rather
    /// than through the loader.
    static func scannedOperationIDs(_ folder: URL) throws -> Set<String> {
        var ids: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".yaml") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard trimmed.hasPrefix("operationId:") else { continue }
                ids.insert(trimmed.dropFirst("operationId:".count).trimmingCharacters(in: CharacterSet(charactersIn: " \"'")))
            }
        }
        return ids
    }

    @Test(
        .enabled(
            if: older != nil && current != nil,
            "specs 2026-04-30 and 2026-08-21 not found (openapi/spec-older, openapi/spec or ../shared/openapi): run openapi/fetch-spec.sh"))
    func realSpecs0430To0821() async throws {
        try await offCooperativePool {
            let olderFolder = try #require(Self.older), currentFolder = try #require(Self.current)
            let old = try APISurface.load(entryFile: olderFolder.appendingPathComponent("rest-api.yaml").path)
            let new = try APISurface.load(entryFile: currentFolder.appendingPathComponent("rest-api.yaml").path)
            let diff = APIDiff(from: old, to: new)

            let oldIDs = try Self.scannedOperationIDs(olderFolder), newIDs = try Self.scannedOperationIDs(currentFolder)
            #expect(Set(diff.changes(in: .operationsAdded).map(\.subject)) == newIDs.subtracting(oldIDs))
            #expect(Set(diff.changes(in: .operationsRemoved).map(\.subject)) == oldIDs.subtracting(newIDs))
            #expect(newIDs.subtracting(oldIDs).count == 57)

            let businessID = try change(diff, .operationsAdded, "assignProcessInstanceBusinessId", "POST /v2/process-instances/{processInstanceKey}/business-id-assignment")
            #expect(businessID.addedIn == "8.10")
            #expect(try change(diff, .operationsChanged, "getRole", "parameter `roleId` retyped `String` → `RoleId`").breaking)
            #expect(try change(diff, .operationsChanged, "getResourceContent", "returns `[String: JSONValue]` (was `Data`)").breaking)
            #expect(try change(diff, .typesAdded, "SignalWaitStateDetails", "struct").addedIn == "8.10")
            #expect(try change(diff, .properties, "MessageSubscriptionResult.extensionProperties", "removed").breaking)
            #expect(try change(diff, .properties, "JobActivationRequest.withLease", "added, `Bool?`").addedIn == "8.10")
            _ = try change(diff, .enumValues, "ProcessInstanceStateEnum", "`.suspended` (`\"SUSPENDED\"`) added")
            // 04-30 wraps the key in a one-branch `oneOf`, 08-21 does not: both are typed `ElementInstanceKey`
            // (a one-branch `oneOf` is its branch), so a user sees no change.
            #expect(diff.changes.allSatisfy { !$0.subject.hasPrefix("DirectAncestorKeyInstruction") })

            // Every type the new SDK declares and the old one did not is reported, and nothing else,
            // except nested types whose owner is new too (`…SortRequest.Field` of a new sort request).
            let newNames = Set(new.types.keys).subtracting(old.types.keys)
            let outermost = newNames.filter { name in
                guard let dot = name.lastIndex(of: ".") else { return true }
                return !newNames.contains(String(name[..<dot]))
            }
            #expect(Set(diff.changes(in: .typesAdded).map(\.subject)) == outermost)
            #expect(outermost.contains("AgentInstanceSearchQuery") && !outermost.contains("AgentInstanceSearchQuerySortRequest.Field"))
            #expect(newNames.contains("AgentInstanceSearchQuerySortRequest.Field"))
            print("API diff 2026-04-30 → 2026-08-21: \(diff.changes.count) changes, \(diff.breakingCount) breaking")
        }
    }
}
