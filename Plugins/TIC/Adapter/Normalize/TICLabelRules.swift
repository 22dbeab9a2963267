/// The rules of a family's labels (``TICLabelRule``), in the family's order, with what they
/// refer to: the names of quantities, units and registers as bytes, the units of each format, and
/// the formats' unit suffixes. The normalizer reads them in place (``withView(_:)``).
struct TICLabelRules: Sendable {
    private var rules: [TICLabelRule] = []
    /// The names the rules refer to, one after the other.
    private var names: [UInt8] = []
    private var units: [TICLabelRule.Unit] = []
    /// The unit suffixes of the rules' formats.
    var suffixes = TICUnitSuffixes()
    /// Whether some label is an alarm.
    private(set) var hasAlarms = false

    /// The rules of `labels`, in their order.
    init(_ labels: [TICLabel]) {
        for label in labels { rules.append(TICLabelRule(label, adding: &self)) }
        hasAlarms = rules.contains { $0.role == .alarm }
    }

    /// Adds a name; returns where its bytes are among the names.
    mutating func addName(_ name: String) -> Range<Int> {
        let start = names.count
        names += name.utf8
        return start..<names.count
    }

    /// Adds units; returns their positions among the units, in order.
    mutating func addUnits(_ added: [(name: String, factor: Double, isAccepted: Bool)]) -> Range<Int> {
        let start = units.count
        for unit in added { units.append(TICLabelRule.Unit(name: addName(unit.name), factor: unit.factor, isAccepted: unit.isAccepted)) }
        return start..<units.count
    }

    /// Calls `body` with the rules and what they refer to, in place.
    func withView<Result>(_ body: (View) throws -> Result) rethrows -> Result {
        try rules.withUnsafeBufferPointer { rules in
            try names.withUnsafeBytes { names in
                try units.withUnsafeBufferPointer { units in
                    try suffixes.withView { suffixes in try body(View(rules: rules, names: names, units: units, suffixes: suffixes)) }
                }
            }
        }
    }

    /// The rules, read in place (valid during ``withView(_:)``); the slices of names it gives
    /// are valid as long.
    struct View {
        /// The rule of each label, in the family's order.
        let rules: UnsafeBufferPointer<TICLabelRule>
        let names: UnsafeRawBufferPointer
        let units: UnsafeBufferPointer<TICLabelRule.Unit>
        let suffixes: TICUnitSuffixes.View
    }
}
