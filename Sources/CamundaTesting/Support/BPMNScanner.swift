import Foundation

/// Reads what the gateway needs from a BPMN document without a full XML parser: each process's
/// id and name, and the job-based tasks (with a `zeebe:taskDefinition`) in document order.
enum BPMNScanner {
    struct Task: Hashable, Sendable {
        var elementId: String
        var type: String
        var headers: [String: String]
    }

    struct Process: Hashable, Sendable {
        var id: String
        var name: String?
        var tasks: [Task]
    }

    /// The processes of a BPMN document.
    static func processes(in xml: String) -> [Process] {
        var result: [Process] = []
        var current: Process?
        var currentElement: String?
        var currentTask: Task?

        for tag in tags(in: xml) {
            let local = tag.localName
            if tag.isClosing {
                if local == "process", let process = current {
                    if let task = currentTask { current?.tasks.append(task) }
                    result.append(current ?? process)
                    current = nil
                    currentTask = nil
                } else if isTaskElement(local), currentElement != nil {
                    if let task = currentTask { current?.tasks.append(task) }
                    currentTask = nil
                    currentElement = nil
                }
                continue
            }
            if local == "process" {
                current = Process(id: tag.attributes["id"] ?? "process", name: tag.attributes["name"], tasks: [])
                if tag.isSelfClosing {
                    result.append(current!)
                    current = nil
                }
            } else if current != nil, isTaskElement(local) {
                if !tag.isSelfClosing { currentElement = tag.attributes["id"] }
            } else if current != nil, local == "taskDefinition", let element = currentElement {
                let type = tag.attributes["type"] ?? ""
                currentTask = Task(elementId: element, type: type, headers: [:])
            } else if current != nil, local == "header", currentTask != nil,
                let key = tag.attributes["key"], let value = tag.attributes["value"]
            {
                currentTask?.headers[key] = value
            }
        }
        return result
    }

    private static func isTaskElement(_ name: String) -> Bool {
        name == "serviceTask" || name == "sendTask" || name == "scriptTask" || name == "businessRuleTask"
            || name == "intermediateThrowEvent" || name == "endEvent"
    }

    struct Tag {
        var localName: String
        var attributes: [String: String]
        var isClosing: Bool
        var isSelfClosing: Bool
    }

    /// The element tags of a document (comments, processing instructions and CDATA skipped).
    static func tags(in xml: String) -> [Tag] {
        let bytes = Array(xml.utf8)
        var tags: [Tag] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            // Comments, CDATA, processing instructions and declarations.
            if index + 3 < bytes.count, bytes[index + 1] == UInt8(ascii: "!"), bytes[index + 2] == UInt8(ascii: "-") {
                index = find(bytes, "-->", from: index + 4) ?? bytes.count
                continue
            }
            if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "!") || bytes[index + 1] == UInt8(ascii: "?") {
                index = find(bytes, ">", from: index + 2) ?? bytes.count
                continue
            }
            // Find the end of the tag, respecting quoted attribute values.
            var end = index + 1
            var quote: UInt8?
            while end < bytes.count {
                let byte = bytes[end]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    break
                }
                end += 1
            }
            guard end < bytes.count else { break }
            tags.append(parseTag(bytes[(index + 1)..<end]))
            index = end + 1
        }
        return tags
    }

    private static func find(_ bytes: [UInt8], _ needle: String, from start: Int) -> Int? {
        let pattern = Array(needle.utf8)
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index + pattern.count }
            index += 1
        }
        return nil
    }

    private static func parseTag(_ body: ArraySlice<UInt8>) -> Tag {
        var slice = body
        let isClosing = slice.first == UInt8(ascii: "/")
        if isClosing { slice = slice.dropFirst() }
        let isSelfClosing = slice.last == UInt8(ascii: "/")
        if isSelfClosing { slice = slice.dropLast() }
        let nameEnd = slice.firstIndex { isSpace($0) } ?? slice.endIndex
        let qualified = String(decoding: slice[slice.startIndex..<nameEnd], as: UTF8.self)
        let localName = qualified.split(separator: ":").last.map(String.init) ?? qualified
        var attributes: [String: String] = [:]
        var index = nameEnd
        while index < slice.endIndex {
            while index < slice.endIndex, isSpace(slice[index]) { index += 1 }
            let nameStart = index
            while index < slice.endIndex, slice[index] != UInt8(ascii: "="), !isSpace(slice[index]) { index += 1 }
            let name = String(decoding: slice[nameStart..<index], as: UTF8.self)
            while index < slice.endIndex, isSpace(slice[index]) || slice[index] == UInt8(ascii: "=") { index += 1 }
            guard index < slice.endIndex else { break }
            let quote = slice[index]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                index += 1
                continue
            }
            let valueStart = index + 1
            var valueEnd = valueStart
            while valueEnd < slice.endIndex, slice[valueEnd] != quote { valueEnd += 1 }
            let localAttribute = name.split(separator: ":").last.map(String.init) ?? name
            if !name.isEmpty, !name.hasPrefix("xmlns") {
                attributes[localAttribute] = unescape(String(decoding: slice[valueStart..<valueEnd], as: UTF8.self))
            }
            index = valueEnd + 1
        }
        return Tag(localName: localName, attributes: attributes, isClosing: isClosing, isSelfClosing: isSelfClosing)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
