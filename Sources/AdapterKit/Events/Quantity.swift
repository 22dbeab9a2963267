/// The normalized quantities (ARCHITECTURE.md §3), each with its SI unit.
///
/// A measurement value carries the quantity's raw value as its `quantity` string and
/// ``unit`` as its `unit`; never a unit hidden in a string, never a scaled unit (kW, kWh).
public enum Quantity: String, Sendable, CaseIterable {
    /// Active power drawn from the grid, in W.
    case activePowerImport = "active_power_import"
    /// Active power injected into the grid, in W.
    case activePowerExport = "active_power_export"
    /// Apparent power drawn from the grid, in VA.
    case apparentPowerImport = "apparent_power_import"
    /// Apparent power injected into the grid, in VA.
    case apparentPowerExport = "apparent_power_export"
    /// Reactive power, signed, in var.
    case reactivePower = "reactive_power"
    /// Active energy drawn from the grid, in Wh; its `register` is `total` or a tariff index name.
    case activeEnergyImport = "active_energy_import"
    /// Active energy injected into the grid, in Wh, with a `register`.
    case activeEnergyExport = "active_energy_export"
    /// Reactive energy of quadrant 1, in varh.
    case reactiveEnergyQ1 = "reactive_energy_q1"
    /// Reactive energy of quadrant 2, in varh.
    case reactiveEnergyQ2 = "reactive_energy_q2"
    /// Reactive energy of quadrant 3, in varh.
    case reactiveEnergyQ3 = "reactive_energy_q3"
    /// Reactive energy of quadrant 4, in varh.
    case reactiveEnergyQ4 = "reactive_energy_q4"
    /// Apparent energy, in VAh.
    case apparentEnergy = "apparent_energy"
    /// Current, in A, with a `phase` (1, 2, 3) where it applies.
    case current
    /// Voltage, in V, with a `phase` where it applies.
    case voltage
    /// Grid frequency, in Hz.
    case frequency
    /// The contract's subscribed power, in VA (in W when the contract states it in W).
    case subscribedPower = "subscribed_power"
    /// tan φ, reactive over active power (dimensionless, unit `1`).
    case tanPhi = "tan_phi"

    /// The SI unit values of this quantity are expressed in. `subscribed_power` is in VA unless
    /// the contract states W; its value then says so in its own `unit`.
    public var unit: String {
        switch self {
        case .activePowerImport, .activePowerExport: "W"
        case .apparentPowerImport, .apparentPowerExport, .subscribedPower: "VA"
        case .reactivePower: "var"
        case .activeEnergyImport, .activeEnergyExport: "Wh"
        case .reactiveEnergyQ1, .reactiveEnergyQ2, .reactiveEnergyQ3, .reactiveEnergyQ4: "varh"
        case .apparentEnergy: "VAh"
        case .current: "A"
        case .voltage: "V"
        case .frequency: "Hz"
        case .tanPhi: "1"
        }
    }
}

extension EnergyValue {
    /// A value of a normalized quantity in its SI unit.
    public init(_ quantity: Quantity, _ value: Double, register: String = "", phase: UInt32 = 0, valid: Bool = true) {
        self.init()
        self.quantity = quantity.rawValue
        self.value = value
        self.unit = quantity.unit
        self.register = register
        self.phase = phase
        self.quality = valid ? "valid" : "invalid"
    }
}

extension EnergyMeasurement {
    /// The first value of `quantity` (optionally of one phase or register), if present.
    public func value(of quantity: Quantity, phase: UInt32 = 0, register: String? = nil) -> EnergyValue? {
        values.first {
            $0.quantity == quantity.rawValue && $0.phase == phase && (register == nil || $0.register == register)
        }
    }
}
