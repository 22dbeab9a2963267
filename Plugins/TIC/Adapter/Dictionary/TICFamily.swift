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
    public var caseInsensitiveLabels: Bool { didSet { reindex() } }
    /// Whether `_` in a label stands for `-` (ISKRA Linky meters send `SMAXSN_1`).
    public var underscoreAsDash: Bool { didSet { reindex() } }
    /// Labels that identify the family in auto detection (`ADCO`, `ADSC`, `MESURES1`…).
    public var identifyingLabels: [String] { didSet { reindex() } }
    /// The labels the family knows. Unknown labels are kept raw, with the checksum as only check.
    public var labels: [TICLabel] { didSet { reindex() } }

    private var table = TICLabelTable([], folding: .init(upperCase: false, dashForUnderscore: false))
    private var identifyingKeys: [TICLabelTable.Key] = []
    private var checks: [TICLabel.Check] = []
    /// The unit suffixes of the checks' formats.
    private var suffixes = TICUnitSuffixes()

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
        reindex()
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
        table.position(of: label.utf8).map { labels[$0] }
    }

    /// The position in ``labels`` of the entry of the label `label` spells, if the family knows it.
    func position<Bytes: Sequence<UInt8>>(of label: Bytes) -> Int? {
        table.position(of: label)
    }

    /// The group `span` describes in `buffer` with its label's position in ``labels`` (nil for a
    /// label the family does not know), or nil when it fails its label's checks. (On the hot
    /// path: works on bytes, and the position saves the normalizer a second lookup.)
    @inline(__always)
    func checked(_ span: TICGroupSpan, in buffer: UnsafeRawBufferPointer) -> TICGroupSpan? {
        var span = span
        span.labelPosition = table.position(of: buffer[span.label])
        guard let position = span.labelPosition else { return span }
        span.checkedValue = checks.withUnsafeBufferPointer { checks in
            suffixes.withView { checks[position].check(span, in: buffer, suffixes: $0) }
        }
        return span.checkedValue == nil ? nil : span
    }

    /// The index whose positions ``checked(_:in:)`` gives: a frame's spans carry positions of it.
    var labelIndex: TICLabelTable.Identity { table.identity }

    /// Whether `label` identifies this family.
    func isIdentified<Bytes: Sequence<UInt8>>(by label: Bytes) -> Bool {
        guard let key = TICLabelTable.Key(utf8: label, folding: folding) else { return false }
        return identifyingKeys.contains(key)
    }

    private mutating func reindex() {
        table = TICLabelTable(labels.map(\.name), folding: folding)
        var suffixes = TICUnitSuffixes()
        checks = labels.map { $0.check(suffixes: &suffixes) }
        self.suffixes = suffixes
        identifyingKeys = identifyingLabels.compactMap { TICLabelTable.Key(utf8: $0.utf8, folding: folding) }
    }

    /// The family's tolerance rules for labels.
    private var folding: TICLabelTable.Folding {
        TICLabelTable.Folding(upperCase: caseInsensitiveLabels, dashForUnderscore: underscoreAsDash)
    }
}
