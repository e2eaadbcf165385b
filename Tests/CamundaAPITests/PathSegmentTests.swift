import CamundaAPI
import Foundation
import FuzzSupport
import Testing

/// `OperationSupport.pathSegment`'s fast path gives what `addingPercentEncoding` gives.
@Suite struct PathSegments {
    static let allowed: CharacterSet = {
        var set = CharacterSet.urlPathAllowed
        set.remove(charactersIn: "/?#")
        return set
    }()

    @Test func plainBytesAreTheASCIIMembersOfTheAllowedSet() {
        for byte in UInt8(0)...UInt8(127) {
            let scalar = Unicode.Scalar(byte)
            #expect(OperationSupport.isPlainSegment(String(Character(scalar))) == Self.allowed.contains(scalar), "byte \(byte)")
        }
        #expect(!OperationSupport.isPlainSegment("é"))
        #expect(OperationSupport.isPlainSegment(""))
    }

    @Test func sameResultsAsPercentEncoding() {
        let pieces: [String] = [
            "a", "Z", "0", "9", "-", ".", "_", "~", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", ":", "@",
            "/", "?", "#", "%", " ", "\"", "<", ">", "[", "]", "{", "}", "|", "\\", "^", "`", "\u{7F}", "\n", "\t", "\u{0}",
            "é", "ü", "✓", "日本", "🚀", "\u{301}", "2251799813685249", "order-process", "<default>",
        ]
        var rng = SplitMix64(seed: 0x5E6)
        var strings = pieces + ["", "2251799813685249", "-1", "a b", "a/b", "a%2Fb"]
        for _ in 0..<5000 {
            let count = Int(rng.next() % 8)
            strings.append((0..<count).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined())
        }
        for text in strings {
            #expect(OperationSupport.pathSegment(text) == OperationSupport.percentEncodedSegment(text), "\(text)")
        }
    }
}
