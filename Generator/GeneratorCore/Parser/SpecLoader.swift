import Foundation

/// Reads spec files; injected so the core does no I/O of its own.
public protocol SpecFileReader {
    /// Returns the bytes of a file given its path relative to the spec folder.
    func read(_ relativePath: String) throws -> [UInt8]
}

/// Reads files from a folder on disk.
public struct DiskFileReader: SpecFileReader {
    public var root: URL
    public init(root: URL) { self.root = root }
    public func read(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }
}

/// Reads files from a dictionary, for tests.
public struct InMemoryFileReader: SpecFileReader {
    public var files: [String: String]
    public init(_ files: [String: String]) { self.files = files }
    public func read(_ relativePath: String) throws -> [UInt8] {
        guard let text = files[relativePath] else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: relativePath])
        }
        return Array(text.utf8)
    }
}

/// A `$ref` target: a file and a JSON pointer inside it.
public struct RefTarget: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// The decoded pointer tokens.
    public var tokens: [String]

    public var description: String {
        "\(file)#/" + tokens.map { $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }
            .joined(separator: "/")
    }

    /// The component schema name when the pointer is `/components/schemas/<name>`.
    public var componentSchemaName: String? {
        tokens.count == 3 && tokens[0] == "components" && tokens[1] == "schemas" ? tokens[2] : nil
    }
}

/// Loads the files of a multi-file spec on demand and resolves `$ref`s between them.
public final class SpecLoader {
    let reader: any SpecFileReader
    private(set) var documents: [String: YAMLNode] = [:]
    /// Files in the order they were first loaded.
    private(set) var fileOrder: [String] = []

    public init(reader: any SpecFileReader) { self.reader = reader }

    /// Loads (once) and returns the root node of a file.
    public func document(_ file: String, referencedAt mark: SourceMark?) throws(Diagnostic) -> YAMLNode {
        if let node = documents[file] { return node }
        let bytes: [UInt8]
        do {
            bytes = try reader.read(file)
        } catch {
            throw Diagnostic(
                mark: mark ?? SourceMark(file: file, line: 0, column: 0), context: file,
                message: "cannot read spec file '\(file)'")
        }
        let node = try YAMLParser.parse(bytes, file: file)
        documents[file] = node
        fileOrder.append(file)
        return node
    }

    /// Parses a `$ref` string written in `file` into its target.
    public func target(of ref: String, in file: String, at mark: SourceMark) throws(Diagnostic) -> RefTarget {
        // Fragments contain unescaped `{` `}`: split by hand rather than with URL.
        let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let filePart = String(parts[0])
        let fragment = parts.count > 1 ? String(parts[1]) : ""
        let targetFile = filePart.isEmpty ? file : Self.join(base: file, relative: filePart)
        guard fragment.isEmpty || fragment.hasPrefix("/") else {
            throw Diagnostic(mark: mark, context: ref, message: "unsupported $ref fragment (expected a JSON pointer)")
        }
        let rawTokens = fragment.isEmpty ? [] : fragment.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        let tokens = rawTokens.map {
            ($0.removingPercentEncoding ?? String($0)).replacingOccurrences(of: "~1", with: "/")
                .replacingOccurrences(of: "~0", with: "~")
        }
        return RefTarget(file: targetFile, tokens: tokens)
    }

    /// Resolves a target to its node.
    public func node(at target: RefTarget, referencedAt mark: SourceMark) throws(Diagnostic) -> YAMLNode {
        var node = try document(target.file, referencedAt: mark)
        for token in target.tokens {
            switch node.kind {
            case .mapping:
                guard let next = node[token] else {
                    throw Diagnostic(
                        mark: mark, context: target.description,
                        message: "$ref target not found: no '\(token)' in \(target.file) at line \(node.mark.line)")
                }
                node = next
            case .sequence(let elements):
                guard let index = Int(token), elements.indices.contains(index) else {
                    throw Diagnostic(mark: mark, context: target.description, message: "$ref index '\(token)' out of range")
                }
                node = elements[index]
            case .scalar:
                throw Diagnostic(mark: mark, context: target.description, message: "$ref goes through a scalar")
            }
        }
        return node
    }

    /// Follows `$ref` chains (for responses, parameters and path items) to the first node without `$ref`.
    public func dereference(_ node: YAMLNode) throws(Diagnostic) -> YAMLNode {
        var current = node
        var seen: Set<RefTarget> = []
        while let ref = current["$ref"]?.scalar {
            let target = try target(of: ref, in: current.mark.file, at: current.mark)
            guard seen.insert(target).inserted else {
                throw Diagnostic(mark: node.mark, context: ref, message: "$ref cycle")
            }
            current = try self.node(at: target, referencedAt: current.mark)
        }
        return current
    }

    static func join(base: String, relative: String) -> String {
        var components = base.split(separator: "/").map(String.init)
        components.removeLast()
        for part in relative.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(String(part))
            }
        }
        return components.joined(separator: "/")
    }
}
