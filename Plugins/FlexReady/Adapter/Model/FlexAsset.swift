/// An asset a BACS offers for flexibility: the whole building (``wholeBuilding``) or a part of it.
public struct FlexAsset: Sendable, Hashable {
    /// The asset id the building chose.
    public var id: String
    /// The service it offers.
    public var flexProduct: FlexProduct
    /// Its potentials, the first matching one applying.
    public var potentials: [FlexPotential]

    /// The reserved id of the whole building. The référentiel makes it a BACS's only asset when
    /// present; the emulator's own data set has it beside `IRVE`, so it is not enforced.
    public static let wholeBuilding = "WholeBuilding"

    public init(id: String, flexProduct: FlexProduct, potentials: [FlexPotential]) {
        self.id = id
        self.flexProduct = flexProduct
        self.potentials = potentials
    }

    /// The potential that applies over `start ..< end`: the first one covering it.
    public func potential(from start: FlexTime, to end: FlexTime) -> FlexPotential? {
        potentials.first { $0.covers(from: start, to: end) }
    }
}
