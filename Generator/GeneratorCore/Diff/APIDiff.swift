import Foundation

/// One change a user of the generated SDK would see.
public struct APIChange: Hashable, Comparable {
    public enum Section: Int, CaseIterable, Comparable {
        case operationsAdded, operationsRemoved, operationsChanged
        case typesAdded, typesRemoved, typesChanged
        case properties, enumValues, unionCases

        public var title: String {
            switch self {
            case .operationsAdded: "Operations added"
            case .operationsRemoved: "Operations removed"
            case .operationsChanged: "Operations changed"
            case .typesAdded: "Types added"
            case .typesRemoved: "Types removed"
            case .typesChanged: "Types changed"
            case .properties: "Properties"
            case .enumValues: "Enum values"
            case .unionCases: "Union cases"
            }
        }

        public static func < (a: Section, b: Section) -> Bool { a.rawValue < b.rawValue }
    }

    public enum Kind: Hashable {
        case added, removed, changed
    }

    public var section: Section
    public var kind: Kind
    /// What changed: an operationId, a type's qualified Swift name, or `Type.property`.
    public var subject: String
    /// The change, in Swift terms (Markdown code spans for Swift code).
    public var detail: String
    /// Whether code written against the old SDK may stop compiling.
    public var breaking: Bool
    /// The spec's `x-added-in-version` for what was added, when it gives one.
    public var addedIn: String?

    public init(section: Section, kind: Kind, subject: String, detail: String, breaking: Bool, addedIn: String? = nil) {
        self.section = section
        self.kind = kind
        self.subject = subject
        self.detail = detail
        self.breaking = breaking
        self.addedIn = addedIn
    }

    public static func < (a: APIChange, b: APIChange) -> Bool {
        (a.section, a.subject, a.detail) < (b.section, b.subject, b.detail)
    }
}

/// The difference between the generated Swift APIs of two specs.
public struct APIDiff {
    public var changes: [APIChange]

    public var breakingCount: Int { changes.filter(\.breaking).count }

    public func changes(in section: APIChange.Section) -> [APIChange] { changes.filter { $0.section == section } }

    public init(from old: APISurface, to new: APISurface) {
        var differ = Differ()
        differ.compareOperations(old, new)
        differ.compareTypes(old, new)
        changes = differ.changes.sorted()
    }

    // MARK: Rendering

    public enum Format: String, CaseIterable {
        case markdown, text
    }

    /// The diff as a document: a `## title` heading (Markdown) or a title line (text), a summary,
    /// then one section per kind of change that has any, each sorted.
    public func render(_ format: Format, title: String) -> String {
        var out: [String] = []
        let summary = summaryLine()
        switch format {
        case .markdown:
            out.append("## \(title)")
            out.append("")
            out.append(summary)
            if breakingCount > 0 {
                out.append("")
                out.append("Entries marked **breaking** can stop code written against the previous SDK from compiling.")
            }
            for section in APIChange.Section.allCases {
                let entries = changes(in: section)
                guard !entries.isEmpty else { continue }
                out.append("")
                out.append("### \(section.title) (\(entries.count))")
                out.append("")
                for change in entries { out.append("- " + markdownLine(change)) }
            }
        case .text:
            out.append(title)
            out.append(summary)
            for section in APIChange.Section.allCases {
                let entries = changes(in: section)
                guard !entries.isEmpty else { continue }
                out.append("")
                out.append("\(section.title) (\(entries.count)):")
                for change in entries { out.append("  " + textLine(change)) }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    func summaryLine() -> String {
        func count(_ s: APIChange.Section) -> Int { changes(in: s).count }
        if changes.isEmpty { return "No changes to the generated Swift API." }
        let changedOps = Set(changes(in: .operationsChanged).map(\.subject)).count
        let changedTypes = Set(
            (changes(in: .typesChanged) + changes(in: .properties) + changes(in: .enumValues) + changes(in: .unionCases))
                .map { $0.subject.split(separator: ".").dropLast($0.section == .properties ? 1 : 0).joined(separator: ".") }
        ).count
        return "Operations: \(count(.operationsAdded)) added, \(count(.operationsRemoved)) removed, \(changedOps) changed. "
            + "Types: \(count(.typesAdded)) added, \(count(.typesRemoved)) removed, \(changedTypes) changed. "
            + "Breaking changes: \(breakingCount)."
    }

    func markdownLine(_ c: APIChange) -> String {
        var line = c.breaking ? "**breaking** " : ""
        line += "`\(c.subject)`"
        if !c.detail.isEmpty { line += ": \(c.detail)" }
        if let version = c.addedIn { line += " (added in \(version))" }
        return line
    }

    func textLine(_ c: APIChange) -> String {
        let sign = switch c.kind {
        case .added: "+"
        case .removed: "-"
        case .changed: "~"
        }
        var line = "\(sign) \(c.subject)"
        if !c.detail.isEmpty { line += ": " + c.detail.replacingOccurrences(of: "`", with: "") }
        if let version = c.addedIn { line += " (added in \(version))" }
        if c.breaking { line += " [breaking]" }
        return line
    }

    // MARK: Changelog

    /// Puts `entry` (a rendered Markdown diff starting with `## heading`) into a changelog: it
    /// replaces an entry with the same heading, or goes before the first entry, after the header.
    public static func insert(entry: String, into changelog: String) -> String {
        let entryLines = entry.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let heading = entryLines.first(where: { $0.hasPrefix("## ") }) else { return changelog + entry }
        var lines = changelog.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        var body = entryLines
        while body.last == "" { body.removeLast() }
        if let start = lines.firstIndex(of: heading) {
            var end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.count
            while end > start + 1, lines[end - 1] == "" { end -= 1 }
            lines.replaceSubrange(start..<end, with: body)
        } else if let first = lines.firstIndex(where: { $0.hasPrefix("## ") }) {
            lines.replaceSubrange(first..<first, with: body + [""])
        } else {
            lines += [""] + body
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

// MARK: - Comparison

private struct Differ {
    var changes: [APIChange] = []
    let renderer = SwiftRenderer()

    mutating func add(
        _ section: APIChange.Section, _ kind: APIChange.Kind, _ subject: String, _ detail: String,
        breaking: Bool, addedIn: String? = nil
    ) {
        changes.append(APIChange(section: section, kind: kind, subject: subject, detail: detail, breaking: breaking, addedIn: addedIn))
    }

    // MARK: Operations

    func declaration(_ op: OperationDecl) -> String {
        "func \(op.methodName)(\(renderer.signature(op))) async throws\(renderer.returnClause(op))"
    }

    func endpoint(_ op: OperationDecl) -> String {
        "\(op.httpMethod.uppercased()) \(op.fromRoot ? "" : "/v2")\(op.pathTemplate)"
    }

    func parameter(_ p: ParameterDecl) -> String {
        "\(p.label.map { "\($0) " } ?? "")\(p.swiftName): \(p.type.rendered)\(p.optional ? "?" : "")"
    }

    func result(_ r: ResultDecl) -> String {
        switch r {
        case .none: "Void"
        case .json(let type, let optional): type.rendered + (optional ? "?" : "")
        case .text(let optional): "String" + (optional ? "?" : "")
        case .binary: "Data"
        }
    }

    func role(_ r: ParameterDecl.Role) -> String {
        switch r {
        case .path(let wire): "path parameter `\(wire)`"
        case .query(let wire): "query parameter `\(wire)`"
        case .jsonBody: "JSON body"
        case .multipartFile(let wire, let multiple): "multipart file\(multiple ? "s" : "") `\(wire)`"
        case .multipartField(let wire, let json): "multipart \(json ? "JSON" : "text") field `\(wire)`"
        case .multipartFields(let wire, let json): "multipart \(json ? "JSON" : "text") fields `\(wire)` (one part per item)"
        case .header(let wire): "header `\(wire)`"
        case .cookie(let wire): "cookie `\(wire)`"
        case .rawBody(let contentType, _): "`\(contentType)` body"
        }
    }

    mutating func compareOperations(_ old: APISurface, _ new: APISurface) {
        for (id, op) in new.operations where old.operations[id] == nil {
            add(.operationsAdded, .added, id, "`\(declaration(op))`, `\(endpoint(op))`", breaking: false, addedIn: new.operationAddedIn[id])
        }
        for (id, op) in old.operations where new.operations[id] == nil {
            add(.operationsRemoved, .removed, id, "`\(declaration(op))`, `\(endpoint(op))`", breaking: true)
        }
        for (id, a) in old.operations {
            guard let b = new.operations[id] else { continue }
            compare(id, a, b)
        }
    }

    mutating func compare(_ id: String, _ a: OperationDecl, _ b: OperationDecl) {
        func changed(_ detail: String, breaking: Bool, kind: APIChange.Kind = .changed) {
            add(.operationsChanged, kind, id, detail, breaking: breaking)
        }
        if endpoint(a) != endpoint(b) {
            changed("now `\(endpoint(b))` (was `\(endpoint(a))`)", breaking: false)
        }
        if a.methodName != b.methodName {
            changed("method renamed `\(a.methodName)` → `\(b.methodName)`", breaking: true)
        }
        let oldParams = Dictionary(a.parameters.map { ($0.swiftName, $0) }, uniquingKeysWith: { first, _ in first })
        let newParams = Dictionary(b.parameters.map { ($0.swiftName, $0) }, uniquingKeysWith: { first, _ in first })
        for p in b.parameters where oldParams[p.swiftName] == nil {
            changed("parameter `\(parameter(p))` added\(p.optional ? "" : ", required")", breaking: !p.optional, kind: .added)
        }
        for p in a.parameters where newParams[p.swiftName] == nil {
            changed("parameter `\(parameter(p))` removed", breaking: true, kind: .removed)
        }
        for p in a.parameters {
            guard let q = newParams[p.swiftName] else { continue }
            if p.type != q.type {
                changed("parameter `\(p.swiftName)` retyped `\(p.type.rendered)` → `\(q.type.rendered)`", breaking: true)
            }
            if p.optional != q.optional {
                changed(
                    "parameter `\(p.swiftName)` is now \(q.optional ? "optional" : "required")",
                    breaking: !q.optional)
            }
            if p.label != q.label {
                changed("parameter `\(p.swiftName)` label `\(p.label ?? p.swiftName)` → `\(q.label ?? q.swiftName)`", breaking: true)
            }
            if p.role != q.role {
                changed("parameter `\(p.swiftName)` is now sent as \(role(q.role)) (was \(role(p.role)))", breaking: false)
            }
        }
        let commonOld = a.parameters.map(\.swiftName).filter { newParams[$0] != nil }
        let commonNew = b.parameters.map(\.swiftName).filter { oldParams[$0] != nil }
        if commonOld != commonNew {
            changed("parameters reordered: `\(commonNew.joined(separator: ", "))` (was `\(commonOld.joined(separator: ", "))`)", breaking: true)
        }
        if a.result != b.result {
            changed("returns `\(result(b.result))` (was `\(result(a.result))`)", breaking: true)
        }
        let oldBranches = Set(a.bodyBranches.map { $0.payload.rendered })
        let newBranches = Set(b.bodyBranches.map { $0.payload.rendered })
        for branch in newBranches.subtracting(oldBranches) {
            changed("overload taking `\(branch)` as the body added", breaking: false, kind: .added)
        }
        for branch in oldBranches.subtracting(newBranches) {
            changed("overload taking `\(branch)` as the body removed", breaking: true, kind: .removed)
        }
        if a.doc.deprecated != b.doc.deprecated {
            changed(b.doc.deprecated ? "now deprecated" : "no longer deprecated", breaking: false)
        }
    }

    // MARK: Types

    func kindName(_ d: Declaration) -> String {
        switch d {
        case .structure: "struct"
        case .stringEnum: "enum"
        case .identifier(let i): i.integer ? "identifier (integer)" : "identifier"
        case .union: "union enum"
        case .alias(let a): "typealias to `\(a.target.rendered)`"
        }
    }

    func article(_ kind: String) -> String {
        (kind.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + kind
    }

    func isDeprecated(_ d: Declaration) -> Bool {
        switch d {
        case .structure(let s): s.doc.deprecated
        case .stringEnum(let e): e.doc.deprecated
        case .identifier(let i): i.doc.deprecated
        case .union(let u): u.doc.deprecated
        case .alias(let a): a.doc.deprecated
        }
    }

    /// The type a nested type is declared in (`Owner` for `Owner.Nested`).
    func owner(_ qualifiedName: String) -> String? {
        qualifiedName.lastIndex(of: ".").map { String(qualifiedName[..<$0]) }
    }

    mutating func compareTypes(_ old: APISurface, _ new: APISurface) {
        // A nested type comes and goes with its owner, so only the outermost one is listed.
        for (name, entry) in new.types where old.types[name] == nil {
            if let owner = owner(name), old.types[owner] == nil { continue }
            add(.typesAdded, .added, name, kindName(entry.declaration), breaking: false, addedIn: entry.addedIn)
        }
        for (name, entry) in old.types where new.types[name] == nil {
            if let owner = owner(name), new.types[owner] == nil { continue }
            add(.typesRemoved, .removed, name, kindName(entry.declaration), breaking: true)
        }
        for (name, a) in old.types {
            guard let b = new.types[name] else { continue }
            compare(name, a, b)
        }
    }

    mutating func compare(_ name: String, _ a: APISurface.TypeEntry, _ b: APISurface.TypeEntry) {
        if isDeprecated(a.declaration) != isDeprecated(b.declaration) {
            add(.typesChanged, .changed, name, isDeprecated(b.declaration) ? "now deprecated" : "no longer deprecated", breaking: false)
        }
        switch (a.declaration, b.declaration) {
        case (.structure(let x), .structure(let y)):
            compareStruct(name, x, y, addedIn: b.propertyAddedIn)
        case (.stringEnum(let x), .stringEnum(let y)):
            compareEnum(name, x, y)
        case (.union(let x), .union(let y)):
            compareUnion(name, x, y)
        case (.identifier(let x), .identifier(let y)):
            if x.integer != y.integer {
                add(.typesChanged, .changed, name, "now \(kindName(b.declaration)) (was \(kindName(a.declaration)))", breaking: true)
            }
            for source in Set(y.convertibleFrom).subtracting(x.convertibleFrom).sorted() {
                add(.typesChanged, .added, name, "can now be created from `\(source)`", breaking: false)
            }
            for source in Set(x.convertibleFrom).subtracting(y.convertibleFrom).sorted() {
                add(.typesChanged, .removed, name, "can no longer be created from `\(source)`", breaking: true)
            }
        case (.alias(let x), .alias(let y)):
            if x.target != y.target {
                add(.typesChanged, .changed, name, "now `typealias \(name.split(separator: ".").last!) = \(y.target.rendered)` (was `\(x.target.rendered)`)", breaking: true)
            }
        default:
            add(.typesChanged, .changed, name, "now \(article(kindName(b.declaration))) (was \(article(kindName(a.declaration))))", breaking: true)
        }
    }

    mutating func compareStruct(_ name: String, _ a: StructDecl, _ b: StructDecl, addedIn: [String: String]) {
        let old = Dictionary(a.properties.map { ($0.wireName, $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(b.properties.map { ($0.wireName, $0) }, uniquingKeysWith: { first, _ in first })
        func type(_ p: PropertyDecl) -> String { p.type.rendered + (p.optional ? "?" : "") }
        for p in b.properties where old[p.wireName] == nil {
            // A property whose initializer parameter has no default breaks callers of the initializer.
            add(.properties, .added, "\(name).\(p.swiftName)", "added, `\(type(p))`\(p.defaultsToNil ? "" : ", required in the initializer")",
                breaking: !p.defaultsToNil, addedIn: addedIn[p.wireName])
        }
        for p in a.properties where new[p.wireName] == nil {
            add(.properties, .removed, "\(name).\(p.swiftName)", "removed (was `\(type(p))`)", breaking: true)
        }
        for p in a.properties {
            guard let q = new[p.wireName] else { continue }
            let subject = "\(name).\(q.swiftName)"
            if p.type != q.type {
                add(.properties, .changed, subject, "retyped `\(type(p))` → `\(type(q))`", breaking: true)
            } else if p.optional != q.optional {
                // Either way existing code breaks: readers now get (or no longer get) an optional.
                add(.properties, .changed, subject, "\(q.optional ? "now optional" : "now required"): `\(type(p))` → `\(type(q))`", breaking: true)
            }
            if p.defaultsToNil != q.defaultsToNil, p.optional == q.optional {
                add(.properties, .changed, subject,
                    q.defaultsToNil ? "initializer parameter now defaults to `nil`" : "initializer parameter no longer defaults to `nil`",
                    breaking: !q.defaultsToNil)
            }
            if p.doc.deprecated != q.doc.deprecated {
                add(.properties, .changed, subject, q.doc.deprecated ? "now deprecated" : "no longer deprecated", breaking: false)
            }
        }
        let commonOld = a.properties.map(\.wireName).filter { new[$0] != nil }
        let commonNew = b.properties.map(\.wireName).filter { old[$0] != nil }
        if commonOld != commonNew {
            add(.typesChanged, .changed, name, "initializer parameters reordered", breaking: true)
        }
        for conformance in Set(b.conformances).subtracting(a.conformances).sorted() {
            add(.typesChanged, .added, name, "now conforms to `\(conformance)`", breaking: false)
        }
        for conformance in Set(a.conformances).subtracting(b.conformances).sorted() {
            add(.typesChanged, .removed, name, "no longer conforms to `\(conformance)`", breaking: true)
        }
    }

    mutating func compareEnum(_ name: String, _ a: StringEnumDecl, _ b: StringEnumDecl) {
        let old = Dictionary(a.cases.map { ($0.wireValue, $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(b.cases.map { ($0.wireValue, $0) }, uniquingKeysWith: { first, _ in first })
        for c in b.cases where old[c.wireValue] == nil {
            add(.enumValues, .added, name, "`.\(c.swiftName)` (`\"\(c.wireValue)\"`) added", breaking: false)
        }
        for c in a.cases where new[c.wireValue] == nil {
            add(.enumValues, .removed, name, "`.\(c.swiftName)` (`\"\(c.wireValue)\"`) removed", breaking: true)
        }
        for c in a.cases {
            guard let d = new[c.wireValue], c.deprecated != d.deprecated else { continue }
            add(.enumValues, .changed, name, "`.\(d.swiftName)` \(d.deprecated ? "now deprecated" : "no longer deprecated")", breaking: false)
        }
    }

    mutating func compareUnion(_ name: String, _ a: UnionDecl, _ b: UnionDecl) {
        let old = Dictionary(a.cases.map { ($0.swiftName, $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(b.cases.map { ($0.swiftName, $0) }, uniquingKeysWith: { first, _ in first })
        if a.discriminator != b.discriminator {
            add(.typesChanged, .changed, name,
                "discriminator now \(b.discriminator.map { "`\($0)`" } ?? "none") (was \(a.discriminator.map { "`\($0)`" } ?? "none"))",
                breaking: false)
        }
        for c in b.cases where old[c.swiftName] == nil {
            add(.unionCases, .added, name, "case `.\(c.swiftName)(\(c.payload.rendered))` added", breaking: false)
        }
        for c in a.cases where new[c.swiftName] == nil {
            add(.unionCases, .removed, name, "case `.\(c.swiftName)(\(c.payload.rendered))` removed", breaking: true)
        }
        for c in a.cases {
            guard let d = new[c.swiftName] else { continue }
            if c.payload != d.payload {
                add(.unionCases, .changed, name, "case `.\(c.swiftName)` payload `\(c.payload.rendered)` → `\(d.payload.rendered)`", breaking: true)
            }
            if c.tag != d.tag {
                add(.unionCases, .changed, name,
                    "case `.\(c.swiftName)` discriminator value \(d.tag.map { "`\"\($0)\"`" } ?? "none") (was \(c.tag.map { "`\"\($0)\"`" } ?? "none"))",
                    breaking: false)
            }
        }
    }
}
