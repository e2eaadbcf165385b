import ArgumentParser
import CamundaAPI
import Foundation

/// `camunda-bench date-check`: a fixed-format RFC 3339 parser checked against `CamundaJSON.parseDate`
/// (bit-for-bit on random inputs) and timed against it: the evidence for proposed change 2.
struct DateCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "date-check", abstract: "Fast RFC 3339 parsing vs CamundaJSON.parseDate: equality and speed.", shouldDisplay: true)

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
            let slow = CamundaJSON.parseDate(text)
            let fast = FastRFC3339.parse(text)
            if fast != nil { fastHits += 1 }
            let combined = fast ?? slow
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
        let slowNs = time(CamundaJSON.parseDate)
        let fastNs = time { FastRFC3339.parse($0) ?? CamundaJSON.parseDate($0) }
        var result = BenchResult(bench: "date-check")
        result.add("samples", "inputs", inputs.count)
        result.add("fast_path", "taken by the fast path", fastHits)
        result.add("mismatches", "results differing from CamundaJSON.parseDate", mismatches)
        result.add("slow_ns", "CamundaJSON.parseDate (ns)", slowNs, digits: 0)
        result.add("fast_ns", "fast path with fallback (ns)", fastNs, digits: 0)
        result.addEnvironment()
        printResults("date-check: fixed-format RFC 3339 parsing", [result])
    }
}

/// RFC 3339 `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)` with fields in range; `nil` for anything
/// else (the caller falls back to the lenient parser).
enum FastRFC3339 {
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            let count = bytes.count
            guard count >= 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 116, bytes[13] == 58,
                bytes[16] == 58
            else { return nil }
            func number(_ start: Int, _ length: Int) -> Int? {
                var value = 0
                for index in start..<(start + length) {
                    let digit = Int(bytes[index]) - 48
                    guard digit >= 0, digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                let minute = number(14, 2), let second = number(17, 2),
                (1...12).contains(month), day >= 1, day <= 28 || day <= daysInMonth(year, month), hour <= 23, minute <= 59,
                second <= 59
            else { return nil }
            var index = 19
            var fraction = 0.0
            if index < count, bytes[index] == 46 {
                index += 1
                var digits = 0
                var value = 0
                while index < count, bytes[index] >= 48, bytes[index] <= 57 {
                    if digits < 9 {
                        value = value * 10 + Int(bytes[index] - 48)
                        digits += 1
                    }
                    index += 1
                }
                guard digits > 0 else { return nil }
                var scale = 1
                for _ in 0..<digits { scale *= 10 }
                fraction = Double(value) / Double(scale)
            }
            guard index < count else { return nil }
            var offset = 0
            switch bytes[index] {
            case 90, 122:
                index += 1
            case 43, 45:
                let sign = bytes[index] == 45 ? -1 : 1
                if count - index == 6, bytes[index + 3] == 58, let h = number(index + 1, 2), let m = number(index + 4, 2), h <= 23, m <= 59 {
                    offset = sign * (h * 3600 + m * 60)
                } else if count - index == 5, let h = number(index + 1, 2), let m = number(index + 3, 2), h <= 23, m <= 59 {
                    offset = sign * (h * 3600 + m * 60)
                } else {
                    return nil
                }
                index = count
            default:
                return nil
            }
            guard index == count else { return nil }
            let days = daysFromCivil(year, month, day)
            let local = days * 86_400 + hour * 3600 + minute * 60 + second
            return Date(timeIntervalSinceReferenceDate: (Double(local - 978_307_200) + fraction) - Double(offset))
        }
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
