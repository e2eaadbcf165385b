import CamundaAPI
import Foundation
import Testing

/// Hostile or unusual job payloads: each is handled exactly or rejected with a clear error, never a crash.
@Suite struct InputHygiene {
    @Test func multiMegabyteVariablesAndHeaders() throws {
        let big = String(repeating: "x", count: 3 << 20)
        let json = activatedJobJSON.replacingOccurrences(of: #""orderId":"A-1""#, with: #""orderId":"\#(big)""#)
            .replacingOccurrences(of: #""region":"eu""#, with: #""region":"\#(big)""#)
        let job = try CamundaJSON.decode(ActivatedJobResult.self, from: Data(json.utf8))
        #expect(job.variables["orderId"]?.stringValue?.count == 3 << 20)
        #expect(job.customHeaders["region"]?.stringValue?.count == 3 << 20)
        let reencoded = try CamundaJSON.encode(job)
        #expect(reencoded.count > 6 << 20)
    }

    @Test func deepNestingIsRejectedCleanly() throws {
        let depth = 10_000
        let json = #"{"a":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        do {
            let value = try CamundaJSON.decode([String: JSONValue].self, from: Data(json.utf8))
            // If the parser accepts it, the value must be exact.
            var depthSeen = 0
            var current = value["a"]
            while case .array(let elements)? = current {
                depthSeen += 1
                current = elements.first
            }
            #expect(depthSeen == depth)
        } catch let error as DecodingError {
            let wrapped = CamundaError(operationID: "activateJobs", kind: .decoding, status: 200, cause: error)
            #expect(wrapped.description.contains("activateJobs"))
        }
    }

    @Test func invalidUTF8IsADecodingError() {
        var bytes = Array(#"{"jobs":[{"type":""#.utf8)
        bytes += [0xC3, 0x28, 0xFF]
        bytes += Array(#""}]}"#.utf8)
        #expect(throws: DecodingError.self) { try CamundaJSON.decode(JobActivationResult.self, from: Data(bytes)) }
    }

    @Test func numbersAreExactUpToInt64AndPredictableBeyond() throws {
        let json = #"{"max":9223372036854775807,"min":-9223372036854775808,"over":9223372036854775808,"frac":0.1,"exp":1e300,"negzero":-0}"#
        let value = try CamundaJSON.decode([String: JSONValue].self, from: Data(json.utf8))
        #expect(value["max"] == .int(.max))
        #expect(value["min"] == .int(.min))
        #expect(value["over"] == .double(9_223_372_036_854_775_808))  // beyond Int64: a Double, as the engine stores it
        #expect(value["frac"] == .double(0.1))
        #expect(value["exp"] == .double(1e300))
        #expect(value["negzero"] == .int(0))
        let text = String(decoding: try CamundaJSON.encode(value), as: UTF8.self)
        #expect(text.contains("9223372036854775807") && text.contains("-9223372036854775808"))
    }

    /// Decimals are read by a fast path (up to 15 significant digits, no exponent); every form must
    /// give exactly what `Double(text)` gives, and a fraction of zeros the exact integer.
    @Test func decimalsDecodeAsDoubleParsingDoes() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = ["0.1", "-0.1", "129.99", "9.95", "59.99", "0.000001", "-0.0", "5.00", "123456789012345.0", "1.5",
            "0.30000000000000004", "123456789.123456", "1234567.12345678", "9007199254740993.5", "0.1e1", "2.50E+2"]
        for _ in 0..<2_000 {
            let integral = String(UInt64.random(in: 0...999_999_999, using: &generator) >> UInt64.random(in: 0...29, using: &generator))
            var fraction = String(UInt64.random(in: 0...UInt64.max, using: &generator))
            fraction = String(fraction.prefix(Int.random(in: 1...12, using: &generator)))
            texts.append((Bool.random(using: &generator) ? "-" : "") + integral + "." + fraction)
        }
        for text in texts {
            let value = try CamundaJSON.decode(JSONValue.self, from: Data(#"{"n":\#(text)}"#.utf8))
            let number = try #require(value.objectValue?["n"])
            let expected = try #require(Double(text))
            switch number {
            case .int(let integer):
                #expect(Double(integer) == expected && expected.rounded() == expected, "\(text) gave \(integer)")
            case .double(let double):
                #expect(double.bitPattern == expected.bitPattern || (double == 0 && expected == 0), "\(text) gave \(double)")
                let fraction = text.split(separator: ".").last ?? ""
                let writtenIntegral = !text.contains(where: { $0 == "e" || $0 == "E" }) && fraction.allSatisfy { $0 == "0" }
                #expect(!writtenIntegral, "\(text): an integral value must stay an integer")
            default:
                Issue.record("\(text) gave \(number)")
            }
        }
    }

    @Test func keysOutsideTheSpecPatternAreKeptVerbatim() throws {
        // The spec's LongKey pattern is ^-?[0-9]+$; the SDK does not second-guess the server on decode.
        let json = activatedJobJSON.replacingOccurrences(of: #""jobKey":"2251799813685249""#, with: #""jobKey":"not-a-number ✓""#)
        let job = try CamundaJSON.decode(ActivatedJobResult.self, from: Data(json.utf8))
        #expect(job.jobKey.rawValue == "not-a-number ✓")
        // A key given as a JSON number (not the spec's string) is a clear decoding error naming the path.
        let numeric = activatedJobJSON.replacingOccurrences(of: #""jobKey":"2251799813685249""#, with: #""jobKey":2251799813685249"#)
        do {
            _ = try CamundaJSON.decode(ActivatedJobResult.self, from: Data(numeric.utf8))
            Issue.record("a numeric key must not decode silently")
        } catch {
            let wrapped = CamundaError(operationID: "activateJobs", kind: .decoding, status: 200, cause: error)
            #expect(wrapped.codingPath == "jobKey")
        }
    }
}

/// `CamundaJSON.decode` gives `Data`, `URL` and `Decimal` the JSON forms `JSONDecoder` gives them.
@Suite struct FoundationTypeForms {
    struct Holder: Codable, Equatable {
        var data: Data
        var url: URL
        var amount: Decimal
        var when: Date
    }

    @Test func matchesJSONDecoder() throws {
        let json = Data(#"{"data":"AAEC","url":"https://example.com/a?b=c","amount":12.5,"when":"2024-06-05T08:29:15.027Z"}"#.utf8)
        let ours = try CamundaJSON.decode(Holder.self, from: json)
        let theirs = try CamundaJSON.makeDecoder().decode(Holder.self, from: json)
        #expect(ours == theirs)
        #expect(ours.data == Data([0, 1, 2]))
    }
}
