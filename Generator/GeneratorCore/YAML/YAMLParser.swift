import CYAML

/// Parses YAML text with libyaml into a ``YAMLNode`` tree.
///
/// Anchors and aliases are supported (an alias repeats the anchored node); tags are ignored.
public enum YAMLParser {
    public static func parse(_ bytes: [UInt8], file: String) throws(Diagnostic) -> YAMLNode {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw Diagnostic(mark: SourceMark(file: file, line: 0, column: 0), message: "could not initialise libyaml")
        }
        defer { yaml_parser_delete(&parser) }

        return try bytes.withUnsafeBufferPointer { buffer throws(Diagnostic) -> YAMLNode in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder(file: file)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
                    let context = parser.context.map { " " + String(cString: $0) } ?? ""
                    let mark = SourceMark(
                        file: file, line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
                    throw Diagnostic(mark: mark, message: "malformed YAML: \(problem)\(context)")
                }
                defer { yaml_event_delete(&event) }
                let done = event.type == YAML_STREAM_END_EVENT
                try builder.handle(&event)
                if done { break }
            }
            guard let root = builder.root else {
                throw Diagnostic(mark: SourceMark(file: file, line: 1, column: 1), message: "empty YAML document")
            }
            return root
        }
    }

    private struct Builder {
        enum Frame {
            case mapping(mark: SourceMark, anchor: String?, pairs: [(key: String, value: YAMLNode)], pendingKey: String?)
            case sequence(mark: SourceMark, anchor: String?, elements: [YAMLNode])
        }

        let file: String
        var stack: [Frame] = []
        var anchors: [String: YAMLNode] = [:]
        var root: YAMLNode?
        var documents = 0
        var aliasCount = 0

        init(file: String) { self.file = file }

        func mark(_ m: yaml_mark_t) -> SourceMark {
            SourceMark(file: file, line: Int(m.line) + 1, column: Int(m.column) + 1)
        }

        mutating func handle(_ event: inout yaml_event_t) throws(Diagnostic) {
            let start = mark(event.start_mark)
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    throw Diagnostic(mark: start, message: "more than one YAML document in a file")
                }
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let text = String(
                    decoding: UnsafeBufferPointer(start: s.value, count: Int(s.length)), as: UTF8.self)
                let plain = s.style == YAML_PLAIN_SCALAR_STYLE
                let anchor = s.anchor.map { String(cString: $0) }
                try add(YAMLNode(kind: .scalar(text, plain: plain), mark: start), anchor: anchor)
            case YAML_ALIAS_EVENT:
                aliasCount += 1
                if aliasCount > 10_000 {
                    throw Diagnostic(mark: start, message: "more than 10000 YAML aliases (possible alias bomb)")
                }
                let name = String(cString: event.data.alias.anchor)
                guard let node = anchors[name] else {
                    throw Diagnostic(mark: start, message: "unknown YAML alias *\(name)")
                }
                try add(node, anchor: nil)
            case YAML_MAPPING_START_EVENT:
                let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
                stack.append(.mapping(mark: start, anchor: anchor, pairs: [], pendingKey: nil))
            case YAML_SEQUENCE_START_EVENT:
                let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
                stack.append(.sequence(mark: start, anchor: anchor, elements: []))
            case YAML_MAPPING_END_EVENT:
                guard case .mapping(let m, let anchor, let pairs, _) = stack.removeLast() else { return }
                try add(YAMLNode(kind: .mapping(pairs), mark: m), anchor: anchor)
            case YAML_SEQUENCE_END_EVENT:
                guard case .sequence(let m, let anchor, let elements) = stack.removeLast() else { return }
                try add(YAMLNode(kind: .sequence(elements), mark: m), anchor: anchor)
            default:
                break
            }
        }

        mutating func add(_ node: YAMLNode, anchor: String?) throws(Diagnostic) {
            if let anchor { anchors[anchor] = node }
            guard let top = stack.popLast() else {
                root = node
                return
            }
            switch top {
            case .sequence(let m, let a, var elements):
                elements.append(node)
                stack.append(.sequence(mark: m, anchor: a, elements: elements))
            case .mapping(let m, let a, var pairs, let pendingKey):
                if let key = pendingKey {
                    if key == "<<" {
                        throw Diagnostic(mark: node.mark, message: "YAML merge keys (<<) are not supported")
                    }
                    if pairs.contains(where: { $0.key == key }) {
                        throw Diagnostic(mark: node.mark, message: "duplicate key '\(key)'")
                    }
                    pairs.append((key, node))
                    stack.append(.mapping(mark: m, anchor: a, pairs: pairs, pendingKey: nil))
                } else {
                    guard let key = node.scalar else {
                        throw Diagnostic(mark: node.mark, message: "mapping keys must be scalars")
                    }
                    stack.append(.mapping(mark: m, anchor: a, pairs: pairs, pendingKey: key))
                }
            }
        }
    }
}
