/// A power as the Flex Ready® API writes it, IEC 62746-4's `FloatQuantity`:
/// `{"unit": "W", "multiplier": "k", "value": 100.0}`.
///
/// The adapter works in watts (``watts``) and answers in the unit and multiplier of the request
/// it answers, where there is one (``init(watts:like:)``).
public struct FloatQuantity: Sendable, Hashable {
    /// The unit symbol. Powers are in `W`, the only unit the API's power fields use.
    public var unit: String
    /// The decimal multiplier of the unit.
    public var multiplier: Multiplier
    /// The value, in `multiplier` × `unit`.
    public var value: Double

    /// A quantity of `value` × `multiplier` × `unit`.
    public init(unit: String = "W", multiplier: Multiplier = .kilo, value: Double) {
        self.unit = unit
        self.multiplier = multiplier
        self.value = value
    }

    /// `watts` written with the unit and multiplier of `reference` (kW when there is none).
    public init(watts: Double, like reference: FloatQuantity? = nil) {
        let multiplier = reference?.multiplier ?? .kilo
        self.init(unit: reference?.unit ?? "W", multiplier: multiplier, value: watts / multiplier.factor)
    }

    /// The value in the unit without multiplier (watts, for a power).
    public var watts: Double { value * multiplier.factor }

    /// The SI decimal multipliers IEC 61850 names (`UnitMultiplierKind`), by their symbol.
    public enum Multiplier: String, Sendable, Hashable {
        case pico = "p", nano = "n", micro = "µ", milli = "m", centi = "c", deci = "d", none = ""
        case deca = "da", hecto = "h", kilo = "k", mega = "M", giga = "G", tera = "T"

        /// The multiplier of `symbol`; `u` is accepted for micro, and no symbol means none.
        public init?(symbol: String) {
            if symbol == "u" { self = .micro } else if let multiplier = Multiplier(rawValue: symbol) { self = multiplier } else { return nil }
        }

        /// The power of ten it stands for.
        public var factor: Double {
            switch self {
            case .pico: 1e-12
            case .nano: 1e-9
            case .micro: 1e-6
            case .milli: 1e-3
            case .centi: 1e-2
            case .deci: 1e-1
            case .none: 1
            case .deca: 1e1
            case .hecto: 1e2
            case .kilo: 1e3
            case .mega: 1e6
            case .giga: 1e9
            case .tera: 1e12
            }
        }
    }
}
