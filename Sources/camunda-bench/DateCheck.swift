import ArgumentParser
import CamundaAPI
import Foundation

/// `camunda-bench date-check`: `CamundaJSON.parseDate` (fixed-format fast path) checked against Foundation's ISO 8601 parsing
/// (bit-for-bit on random inputs) and timed against it: the evidence for proposed change 2.
struct DateCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "date-check", abstract: "CamundaJSON.parseDate vs Foundation ISO 8601 parsing: equality and speed.", shouldDisplay: true)

    @Option(help: "Random dates to compare.") var samples = 200_000

    func run() throws {
        var generator = SystemRandomNumberGenerator()
        var inputs: [String] = []
        inputs.reserveCapacity(samples)
        for _ in 0..<samples {
            let year = Int.random(in: 1970...2100, using: &generator)
            let month = Int.random(in: 1...12, using: &generator)
            let day = Int.random(in: 1...28, using: &generator)
            let hour = Int.random(in: 0...23, using: &generator)
            let minute = Int.random(in: 0...59, using: &generator)
            let second = Int.random(in: 0...59, using: &generator)
            var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second)
            let digits = [0, 1, 2, 3, 3, 3, 6, 9].randomElement(using: &generator)!
            if digits > 0 {
                text += "." + (0..<digits).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            }
            switch Int.random(in: 0..<4, using: &generator) {
            case 0, 1: text += "Z"
            case 2: text += String(format: "+%02d:%02d", Int.random(in: 0...14, using: &generator), [0, 30, 45].randomElement()!)
            default: text += String(format: "-%02d%02d", Int.random(in: 0...12, using: &generator), [0, 30].randomElement()!)
            }
            inputs.append(text)
        }
        inputs += ["2024-06-05T08:29:15.027Z", "2024-02-29T23:59:59.999+00:00", "2024-13-01T00:00:00Z", "2024-06-05 08:29:15Z", "garbage"]
        var mismatches = 0
        var fastHits = 0
        for text in inputs {
            let slow = FoundationDates.parse(text)
            let fast = CamundaJSON.parseDate(text)
            if fast != nil { fastHits += 1 }
            let combined = fast
            if combined != slow {
                mismatches += 1
                if mismatches <= 5 {
                    progress("mismatch: \(text): fast \(fast.map { "\($0.timeIntervalSinceReferenceDate)" } ?? "nil") slow \(slow.map { "\($0.timeIntervalSinceReferenceDate)" } ?? "nil")")
                }
            }
        }
        func time(_ body: (String) -> Date?) -> Double {
            let start = monotonicNanos()
            var count = 0
            for text in inputs where body(text) != nil { count += 1 }
            return Double(monotonicNanos() - start) / Double(inputs.count)
        }
        let slowNs = time(FoundationDates.parse)
        let fastNs = time(CamundaJSON.parseDate)
        var result = BenchResult(bench: "date-check")
        result.add("samples", "inputs", inputs.count)
        result.add("fast_path", "taken by the fast path", fastHits)
        result.add("mismatches", "results differing from Foundation (sub-ns ULP)", mismatches)
        result.add("slow_ns", "Foundation ISO 8601 (ns)", slowNs, digits: 0)
        result.add("fast_ns", "CamundaJSON.parseDate (ns)", fastNs, digits: 0)
        result.addEnvironment()
        printResults("date-check: fixed-format RFC 3339 parsing", [result])
    }
}

/// The lenient parsing `CamundaJSON.parseDate` did before its fixed-format fast path (which now lives
/// in `Sources/CamundaJSONEngine/RFC3339.swift`): Foundation's ISO 8601 styles, `+hhmm` normalised.
enum FoundationDates {
    static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    static let whole = Date.ISO8601FormatStyle()

    static func parse(_ text: String) -> Date? {
        var text = text
        let utf8 = Array(text.utf8)
        if utf8.count > 10, let sign = utf8.dropLast(4).last, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            utf8.suffix(4).allSatisfy({ (48...57).contains($0) })
        {
            text = String(text.dropLast(2)) + ":" + String(text.suffix(2))
        }
        return (try? fractional.parse(text)) ?? (try? whole.parse(text))
    }
}
