/// A meter family's output: its line settings, checksum, and label dictionary.
///
/// Built-in families: ``linkyHistoric``, ``linkyStandard``, ``pmePmi``. Others (SAPHIR, ICE…)
/// come as JSON files of the same shape, named in the adapter's `dictionaries` setting.
public struct TICFamily: Codable, Sendable {
    /// The family's name, as the adapter's `mode` setting names it (`linky-historic`).
    public var name: String
    /// Which bytes the checksum covers, and the separator.
    public var checksum: TICChecksumMode
    /// Serial speeds the meters of this family use, most common first.
    public var baudRates: [Int]
    /// Whether labels are matched regardless of case (PME-PMI meters differ: `EAP-1_s`, `EaP-1_s`).
    public var caseInsensitiveLabels: Bool
    /// Whether `_` in a label stands for `-` (ISKRA Linky meters send `SMAXSN_1`).
    public var underscoreAsDash: Bool
    /// Labels that identify the family in auto detection (`ADCO`, `ADSC`, `MESURES1`…).
    public var identifyingLabels: [String]
    /// The labels the family knows. Unknown labels are kept raw, with the checksum as only check.
    public var labels: [TICLabel]

    private var index: [String: Int] = [:]

    /// The speeds a TIC line may use (02E §1.4).
    public static let lineSpeeds: Set<Int> = [1200, 2400, 4800, 9600, 19200]

    enum CodingKeys: String, CodingKey {
        case name, checksum, baudRates = "baud_rates", caseInsensitiveLabels = "case_insensitive_labels"
        case underscoreAsDash = "underscore_as_dash", identifyingLabels = "identifying_labels", labels
    }

    /// A family; see the properties.
    public init(
        name: String, checksum: TICChecksumMode, baudRates: [Int], caseInsensitiveLabels: Bool = false,
        underscoreAsDash: Bool = false, identifyingLabels: [String], labels: [TICLabel]
    ) {
        self.name = name
        self.checksum = checksum
        self.baudRates = baudRates
        self.caseInsensitiveLabels = caseInsensitiveLabels
        self.underscoreAsDash = underscoreAsDash
        self.identifyingLabels = identifyingLabels
        self.labels = labels
        buildIndex()
    }

    /// Decodes a family from JSON (snake_case keys); the flags default to false.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            checksum: try container.decode(TICChecksumMode.self, forKey: .checksum),
            baudRates: try container.decodeIfPresent([Int].self, forKey: .baudRates) ?? [1200],
            caseInsensitiveLabels: try container.decodeIfPresent(Bool.self, forKey: .caseInsensitiveLabels) ?? false,
            underscoreAsDash: try container.decodeIfPresent(Bool.self, forKey: .underscoreAsDash) ?? false,
            identifyingLabels: try container.decodeIfPresent([String].self, forKey: .identifyingLabels) ?? [],
            labels: try container.decode([TICLabel].self, forKey: .labels)
        )
    }

    /// The entry of `label`, if the family knows it.
    public func entry(for label: String) -> TICLabel? {
        // Labels as the dictionary spells them are indexed too: the common case needs no folding.
        (index[label] ?? index[key(label)]).map { labels[$0] }
    }

    /// Whether `group` passes its label's checks; true for a label the family does not know.
    /// (On the hot path: checks the entry in place rather than copying it out.)
    func accepts(_ group: TICGroup) -> Bool {
        guard let position = index[group.label] ?? index[key(group.label)] else { return true }
        return labels[position].accepts(group)
    }

    /// Whether `label` identifies this family.
    func isIdentified(by label: String) -> Bool {
        identifyingLabels.contains { key($0) == key(label) }
    }

    /// The lookup key of a label: ASCII upper case when labels are case-insensitive, `-` for `_`
    /// when the family says so. Works on bytes: it runs for every group.
    private func key(_ label: String) -> String {
        let fold = caseInsensitiveLabels && label.utf8.contains { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
        let dash = underscoreAsDash && label.utf8.contains(UInt8(ascii: "_"))
        guard fold || dash else { return label }
        return String(decoding: label.utf8.map { byte -> UInt8 in
            if fold, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) { return byte - 0x20 }
            if dash, byte == UInt8(ascii: "_") { return UInt8(ascii: "-") }
            return byte
        }, as: UTF8.self)
    }

    private mutating func buildIndex() {
        index = [:]
        for (position, label) in labels.enumerated() where index[key(label.name)] == nil {
            index[key(label.name)] = position
            index[label.name] = position
        }
    }
}
