import Foundation

/// One value of a result line.
enum ReportValue {
    case int(Int64)
    case double(Double, digits: Int)
    case string(String)
    case bool(Bool)

    var json: String {
        switch self {
        case .int(let value): return String(value)
        case .double(let value, let digits):
            guard value.isFinite else { return "null" }
            return String(format: "%.\(digits)f", value)
        case .string(let value):
            var escaped = ""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": escaped += "\\\""
                case "\\": escaped += "\\\\"
                case "\n": escaped += "\\n"
                default:
                    if scalar.value < 0x20 { escaped += String(format: "\\u%04x", scalar.value) } else { escaped.unicodeScalars.append(scalar) }
                }
            }
            return "\"" + escaped + "\""
        case .bool(let value): return value ? "true" : "false"
        }
    }

    var text: String {
        switch self {
        case .string(let value): return value
        default: return json
        }
    }
}

/// One result: printed as rows of a human table and as one JSON line.
struct BenchResult {
    var fields: [(key: String, label: String, value: ReportValue)] = []

    init(bench: String) {
        add("bench", "benchmark", .string(bench))
    }

    mutating func add(_ key: String, _ label: String, _ value: ReportValue) {
        fields.append((key, label, value))
    }

    mutating func add(_ key: String, _ label: String, _ value: Double, digits: Int = 1) {
        add(key, label, .double(value, digits: digits))
    }

    mutating func add(_ key: String, _ label: String, _ value: Int) {
        add(key, label, .int(Int64(value)))
    }

    /// Adds the date, host load and CPU count, so every line says under what conditions it was taken.
    mutating func addEnvironment() {
        let formatter = ISO8601DateFormatter()
        add("date", "date (UTC)", .string(formatter.string(from: Date())))
        let loads = loadAverages()
        if loads.count == 3 {
            add("load", "load average 1/5/15 min", .string(loads.map { String(format: "%.2f", $0) }.joined(separator: " ")))
        }
        add("cpus", "CPUs", cpuCount())
    }

    var jsonLine: String {
        "{" + fields.map { "\"\($0.key)\":\($0.value.json)" }.joined(separator: ",") + "}"
    }
}

/// Prints results as one table (a column per result) and then one JSON line per result.
func printResults(_ title: String, _ results: [BenchResult]) {
    guard !results.isEmpty else { return }
    var labels: [(key: String, label: String)] = []
    for result in results {
        for field in result.fields where !labels.contains(where: { $0.key == field.key }) {
            labels.append((field.key, field.label))
        }
    }
    let columns = results.map { result in
        labels.map { label in result.fields.first { $0.key == label.key }?.value.text ?? "" }
    }
    if results.count > 6 {
        printRows(title, labels, results)
        return
    }
    let labelWidth = labels.map(\.label.count).max() ?? 0
    let widths = columns.map { $0.map(\.count).max() ?? 0 }
    print("")
    print(title)
    print(String(repeating: "-", count: labelWidth + widths.reduce(0) { $0 + $1 + 3 }))
    for (row, label) in labels.enumerated() {
        var line = label.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
        for (column, values) in columns.enumerated() {
            let value = values[row]
            line += " | " + String(repeating: " ", count: max(widths[column] - value.count, 0)) + value
        }
        print(line)
    }
    print("")
    for result in results { print(result.jsonLine) }
    fflush(nil)
}

/// Prints a progress line to standard error (keeps standard output to the table and JSON lines).
func progress(_ message: String) {
    FileHandle.standardError.write(Data(("camunda-bench: " + message + "\n").utf8))
}

/// A benchmark failure with a message for the user.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Prints many results as rows (one per result), columns being the fields.
private func printRows(_ title: String, _ labels: [(key: String, label: String)], _ results: [BenchResult]) {
    let rows = results.map { result in labels.map { label in result.fields.first { $0.key == label.key }?.value.text ?? "" } }
    let widths = labels.indices.map { column in max(labels[column].label.count, rows.map { $0[column].count }.max() ?? 0) }
    print("")
    print(title)
    print(labels.indices.map { labels[$0].label.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: " | "))
    print(String(repeating: "-", count: widths.reduce(0) { $0 + $1 + 3 }))
    for row in rows {
        print(row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: " | "))
    }
    print("")
    for result in results { print(result.jsonLine) }
    fflush(nil)
}
