import Foundation

/// A small deterministic PRNG (SplitMix64) so fuzz runs are reproducible from their seed.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Byte-level mutations of a JSON or YAML text, the way a coverage-less fuzzer would make them.
public enum Mutator {
    static let interesting: [[UInt8]] = [
        Array("null".utf8), Array("true".utf8), Array("-1".utf8), Array("1e309".utf8), Array("9223372036854775808".utf8),
        Array("\"\"".utf8), Array("{}".utf8), Array("[]".utf8), Array("\"\\ud800\"".utf8), [0xFF, 0xFE], Array("{\"".utf8),
        Array(":".utf8), Array(",".utf8), Array("]".utf8), Array("}".utf8), Array("\n".utf8), Array("- ".utf8),
        Array("$ref: '#/x'".utf8), Array("&a".utf8), Array("*a".utf8), Array("\t".utf8),
    ]

    public static func mutate(_ input: [UInt8], using rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let rounds = Int.random(in: 1...4, using: &rng)
        for _ in 0..<rounds where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            case 1: bytes.remove(at: index)
            case 2: bytes.insert(contentsOf: interesting.randomElement(using: &rng)!, at: index)
            case 3:
                let length = min(bytes.count - index, Int.random(in: 1...32, using: &rng))
                bytes.removeSubrange(index..<(index + length))
            case 4:
                let length = min(bytes.count - index, Int.random(in: 1...64, using: &rng))
                bytes.insert(contentsOf: bytes[index..<(index + length)], at: Int.random(in: 0...bytes.count, using: &rng))
            default: bytes[index] = UInt8.random(in: 0...255, using: &rng)
            }
        }
        return bytes
    }
}

/// How many mutations each fuzz test runs: `CAMUNDA_FUZZ_ITERATIONS` or a CI-sized default.
public func fuzzIterations(default value: Int) -> Int {
    ProcessInfo.processInfo.environment["CAMUNDA_FUZZ_ITERATIONS"].flatMap(Int.init) ?? value
}
