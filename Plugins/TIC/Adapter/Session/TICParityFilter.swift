/// How received bytes carry parity errors, and their removal (tic.md R1).
public enum TICParity: String, Sendable, CaseIterable, Decodable {
    /// The port is opened 7E1 with `INPCK | PARMRK`: the driver marks a byte with a parity or
    /// framing error as `FF 00 byte` (and a literal `FF` as `FF FF`).
    case marked
    /// The port is opened 8N1, the wire's 7E1 parity bit arrives as bit 7, and the adapter checks
    /// even parity itself (for USB bridges whose drivers do not report parity errors, or a TCP
    /// serial server relaying 8-bit bytes).
    case software
    /// No parity information (a capture file, a TCP server that strips it).
    case none
}

/// Turns received bytes into 7-bit characters, each flagged when it had a parity error.
/// A struct state machine: escape sequences may straddle reads.
public struct TICParityFilter: Sendable {
    public let parity: TICParity
    private var pending: [UInt8] = []

    public init(parity: TICParity) {
        self.parity = parity
    }

    /// Calls `body` with each character and whether it had a parity error.
    @inlinable
    public mutating func filter<Bytes: Sequence<UInt8>>(_ bytes: Bytes, _ body: (UInt8, Bool) -> Void) {
        if bytes.withContiguousStorageIfAvailable({ filter(UnsafeRawBufferPointer($0), body) }) == nil {
            Array(bytes).withUnsafeBytes { filter($0, body) }
        }
    }

    /// Calls `body` with each character of a buffer and whether it had a parity error.
    public mutating func filter(_ bytes: UnsafeRawBufferPointer, _ body: (UInt8, Bool) -> Void) {
        for byte in bytes {
            switch parity {
            case .none:
                body(byte, false)
            case .software:
                body(byte & 0x7F, byte.nonzeroBitCount % 2 != 0)
            case .marked:
                filterMarked(byte, body)
            }
        }
    }

    private mutating func filterMarked(_ byte: UInt8, _ body: (UInt8, Bool) -> Void) {
        switch (pending.count, byte) {
        case (0, 0xFF):
            pending = [0xFF]
        case (0, _):
            body(byte, false)
        case (1, 0xFF):  // FF FF: a literal FF, itself invalid in 7-bit TIC
            pending = []
            body(0xFF, false)
        case (1, 0x00):
            pending = [0xFF, 0x00]
        case (1, _):  // not an escape: pass both on
            pending = []
            body(0xFF, false)
            body(byte, false)
        default:  // FF 00 byte: byte had a parity or framing error
            pending = []
            body(byte, true)
        }
    }
}
