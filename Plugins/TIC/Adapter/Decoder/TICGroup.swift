/// How a TIC mode separates fields and which bytes its checksum covers (docs: tic.md §2–§3).
public enum TICChecksumMode: String, Codable, Sendable, Hashable, CaseIterable {
    /// Linky historic and older meters ("mode 1"): SP separators, sum of `label SP data`.
    case historic
    /// Linky standard: HT separators, sum of `label HT [horodate HT] data HT`.
    case standard
    /// PME-PMI: SP separators (data may contain SP), sum of `label SP data`.
    case pmePmi = "pme_pmi"
    /// Historic "mode 2", seen on some meters: the trailing SP is summed too.
    case historicMode2 = "historic_mode2"

    /// The field separator of the mode.
    public var separator: UInt8 {
        self == .standard ? 0x09 : 0x20
    }

    /// The checksum character of `zone`: `(sum & 0x3F) + 0x20`.
    public static func checksum<Bytes: Collection<UInt8>>(of zone: Bytes) -> UInt8 {
        UInt8(truncatingIfNeeded: zone.reduce(0) { $0 &+ Int($1) } & 0x3F) + 0x20
    }
}

/// One checked `LF label SEP [horodate SEP] data SEP checksum CR` group.
public struct TICGroup: Sendable, Hashable {
    /// The label, as transmitted (PME-PMI labels are matched case-insensitively later).
    public var label: String
    /// The horodate of a standard-mode horodated label (`E240924225642`), else nil.
    public var horodate: String?
    /// The data, as transmitted (may contain the separator in PME-PMI and standard mode).
    public var data: String

    public init(label: String, horodate: String? = nil, data: String) {
        self.label = label
        self.horodate = horodate
        self.data = data
    }

    /// The group whose parts are these bytes (as received: ASCII).
    init(label: Slice<UnsafeRawBufferPointer>, horodate: Slice<UnsafeRawBufferPointer>?, data: Slice<UnsafeRawBufferPointer>) {
        self.label = String(decoding: label, as: UTF8.self)
        self.horodate = horodate.map { String(decoding: $0, as: UTF8.self) }
        self.data = String(decoding: data, as: UTF8.self)
    }

    /// The group as a meter of `mode` sends it, `LF … checksum CR` (for simulators and tests).
    public func encoded(mode: TICChecksumMode) -> [UInt8] {
        let separator = mode.separator
        var zone = Array(label.utf8) + [separator]
        if let horodate { zone += Array(horodate.utf8) + [separator] }
        zone += Array(data.utf8)
        let summed = mode == .standard || mode == .historicMode2 ? zone + [separator] : zone
        return [0x0A] + zone + [separator, TICChecksumMode.checksum(of: summed), 0x0D]
    }
}

/// A group the decoder refused, with why and its bytes (between LF and CR, both excluded).
public struct TICRejectedGroup: Sendable, Hashable {
    /// Why a group was refused.
    public enum Reason: String, Error, Sendable, Hashable, CaseIterable {
        /// The checksum does not match the zone.
        case checksum
        /// No separator before the checksum, or no label.
        case malformed
        /// A byte outside printable ASCII (or a stray control byte) inside the group.
        case invalidCharacter = "invalid_character"
        /// The group ended early: LF, STX, ETX or EOT came before its CR.
        case truncated
        /// Longer than any TIC group may be.
        case tooLong = "too_long"
        /// A byte of the group arrived with a parity error (7E1).
        case parity
        /// The checksum holds but the data do not have the label's width or characters, or the
        /// horodate is missing, unexpected or malformed (the label dictionary of the meter family).
        case invalidField = "invalid_field"
    }

    /// Why it was refused.
    public var reason: Reason
    /// The group's bytes as received (at most ``TICDecoder/maximumGroupLength``).
    public var bytes: [UInt8]
}
