/// A small, fast, reproducible random number generator (SplitMix64) for fuzz tests: the same
/// seed gives the same inputs, so a failure reproduces.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SeededGenerator {
    /// `bytes` with a few bytes flipped, inserted, deleted or duplicated (1 to 4 changes), the
    /// inserted ones chosen among JSON's and TIC's structural characters and invalid UTF-8: the
    /// mutations parsers of untrusted text are fuzzed with.
    public mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        let interesting: [UInt8] = Array("{}[]\":,0-9eE.+\\ntruefalsenull#/$".utf8) + [0, 0xFF, 0xC3]
        for _ in 0..<Int.random(in: 1...4, using: &self) where !out.isEmpty {
            let index = Int.random(in: 0..<out.count, using: &self)
            switch Int.random(in: 0..<4, using: &self) {
            case 0: out[index] = interesting.randomElement(using: &self)!
            case 1: out.insert(interesting.randomElement(using: &self)!, at: index)
            case 2: out.remove(at: index)
            default: out.insert(contentsOf: out[index..<min(out.count, index + 8)], at: index)
            }
        }
        return out
    }
}
