public import AdapterKit

/// A frame's measurement as the session publishes it: its Protocol Buffers payload (kind
/// `measurement`), written from the frame's bytes, ready for an `Event`.
public struct TICMeasurementPayload: Sendable, Hashable {
    /// The encoded `EnergyMeasurement`.
    public var bytes: [UInt8]

    /// A payload of `bytes`, an encoded `EnergyMeasurement`.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The measurement decoded (for tests and tools: the adapter publishes ``bytes`` as they are).
    public var measurement: EnergyMeasurement {
        (try? Event(topic: "", kind: .measurement, time: EventTime(nanosecondsSinceEpoch: 0), payload: bytes).decode(EnergyMeasurement.self))
            ?? EnergyMeasurement()
    }
}
