public import AdapterKit

/// What one label of a meter family means: how its data must look and how it is normalized.
///
/// Dictionaries are data: a ``TICFamily`` is a list of these, built in for the Enedis meters and
/// loadable from JSON for others (docs/tic.md shows the format).
public struct TICLabel: Codable, Sendable, Hashable {
    /// The role a label plays in a frame besides (or instead of) a value.
    public enum Role: String, Codable, Sendable, Hashable {
        /// The meter's identity (`ADCO`, `ADSC`, `ADS`): the measurement's device id.
        case deviceID = "device_id"
        /// The meter's clock (`DATE`): its horodate (standard) or its `JJ/MM/AA HH:MM:SS` data.
        case meterTime = "meter_time"
        /// The current tariff period (`PTEC`, `LTARF`, `PTCOUR1`).
        case tariffPeriod = "tariff_period"
        /// Present only while a condition holds (`ADPS`, `PREAVIS`): raises an alarm while present.
        case alarm
    }

    /// The label as the meter sends it.
    public var name: String
    /// How its data must look.
    public var format: TICFieldFormat
    /// Standard mode: whether the group carries a horodate (`SMAXSN`, `DATE`…). A group that
    /// disagrees is refused.
    public var horodated: Bool
    /// The normalized quantity its value is (a `Quantity` raw value), if any.
    public var quantity: String?
    /// Multiplies the value into the quantity's SI unit when no unit is transmitted (`PREF` in kVA: 1000).
    public var scale: Double?
    /// The value's register (energy indexes); default: the label itself.
    public var register: String?
    /// The value's phase (1, 2, 3), or none.
    public var phase: UInt32?
    /// Its role in the frame, if any.
    public var role: Role?
    /// For ``Role/alarm``: the alarm code (`adps`).
    public var alarm: String?

    /// A label entry; only `name` and `format` are required.
    public init(
        _ name: String, _ format: TICFieldFormat, horodated: Bool = false, quantity: Quantity? = nil,
        scale: Double? = nil, register: String? = nil, phase: UInt32? = nil, role: Role? = nil, alarm: String? = nil
    ) {
        self.name = name
        self.format = format
        self.horodated = horodated
        self.quantity = quantity?.rawValue
        self.scale = scale
        self.register = register
        self.phase = phase
        self.role = role
        self.alarm = alarm
    }

    enum CodingKeys: String, CodingKey {
        case name, format, horodated, quantity, scale, register, phase, role, alarm
    }

    /// Decodes a JSON entry; `horodated` defaults to false and `quantity` must be a known quantity.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        format = try container.decode(TICFieldFormat.self, forKey: .format)
        horodated = try container.decodeIfPresent(Bool.self, forKey: .horodated) ?? false
        quantity = try container.decodeIfPresent(String.self, forKey: .quantity)
        if let quantity, Quantity(rawValue: quantity) == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .quantity, in: container, debugDescription: "\"\(quantity)\" is not a quantity of the vocabulary"
            )
        }
        scale = try container.decodeIfPresent(Double.self, forKey: .scale)
        register = try container.decodeIfPresent(String.self, forKey: .register)
        phase = try container.decodeIfPresent(UInt32.self, forKey: .phase)
        role = try container.decodeIfPresent(Role.self, forKey: .role)
        alarm = try container.decodeIfPresent(String.self, forKey: .alarm)
    }

    /// What checking a group against this entry needs; its format's unit suffixes go to `suffixes`.
    func check(suffixes: inout TICUnitSuffixes) -> Check {
        Check(parser: TICFieldParser(format, suffixes: &suffixes), horodated: horodated)
    }

    /// The checks of one entry, apart from the entry (read on the hot path, so it holds only
    /// what the checks read, and nothing to retain).
    struct Check: Sendable {
        var parser: TICFieldParser
        var horodated: Bool

        /// Checks the group `span` describes in `buffer`: the data's format, and the horodate's
        /// presence and form. `suffixes`: those the parser was made with. The data as the format
        /// reads them (``TICFieldParser/parse(utf8:suffixes:)``), or nil when the group fails.
        func check(_ span: TICGroupSpan, in buffer: UnsafeRawBufferPointer, suffixes: TICUnitSuffixes.View) -> TICFieldParser.Reading? {
            guard let value = parser.parse(utf8: buffer[span.data], suffixes: suffixes) else { return nil }
            guard let horodate = span.horodate else { return horodated ? nil : value }
            return horodated && TICHorodate(utf8: buffer[horodate]) != nil ? value : nil
        }
    }
}

extension TICFieldFormat {
    enum CodingKeys: String, CodingKey {
        case characters, width, minWidth = "min_width", maxWidth = "max_width", units
    }

    /// Decodes `{"characters": "digits", "width": 9}` or `{"characters", "min_width", "max_width", "units"}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        characters = try container.decode(TICCharacters.self, forKey: .characters)
        if let width = try container.decodeIfPresent(Int.self, forKey: .width) {
            minWidth = width
            maxWidth = width
        } else {
            minWidth = try container.decode(Int.self, forKey: .minWidth)
            maxWidth = try container.decode(Int.self, forKey: .maxWidth)
        }
        guard minWidth >= 0, minWidth <= maxWidth else {
            throw DecodingError.dataCorruptedError(forKey: .maxWidth, in: container, debugDescription: "widths must satisfy 0 ≤ min_width ≤ max_width")
        }
        units = try container.decodeIfPresent([String].self, forKey: .units) ?? []
    }

    /// Encodes the short form when the width is fixed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(characters, forKey: .characters)
        if minWidth == maxWidth {
            try container.encode(minWidth, forKey: .width)
        } else {
            try container.encode(minWidth, forKey: .minWidth)
            try container.encode(maxWidth, forKey: .maxWidth)
        }
        if !units.isEmpty { try container.encode(units, forKey: .units) }
    }
}
