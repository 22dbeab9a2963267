public import SwiftProtobuf

/// A payload schema for one ``EventKind``: a Protocol Buffers message of the `energy.v1` package.
public protocol EventPayload: SwiftProtobuf.Message {
    /// The kind this payload travels as.
    static var kind: EventKind { get }
}

// The messages of the normalized kinds, each travelling as the kind of the same name.
extension EnergyMeasurement: EventPayload {
    public static var kind: EventKind { .measurement }
}

extension EnergyCommand: EventPayload {
    public static var kind: EventKind { .command }
}

extension EnergyCommandAck: EventPayload {
    public static var kind: EventKind { .commandAck }
}

extension EnergySchedule: EventPayload {
    public static var kind: EventKind { .schedule }
}

extension EnergyFlexRequest: EventPayload {
    public static var kind: EventKind { .flexRequest }
}

extension EnergyFlexConfirmation: EventPayload {
    public static var kind: EventKind { .flexConfirmation }
}

extension EnergyFlexRealization: EventPayload {
    public static var kind: EventKind { .flexRealization }
}

extension EnergyTariffSignal: EventPayload {
    public static var kind: EventKind { .tariffSignal }
}

extension EnergyAlarm: EventPayload {
    public static var kind: EventKind { .alarm }
}

extension EnergyStatus: EventPayload {
    public static var kind: EventKind { .status }
}

/// The payload types of the normalized kinds, for rendering and parsing their JSON form.
package enum PayloadRegistry {
    package static let types: [EventKind: any EventPayload.Type] = [
        .measurement: EnergyMeasurement.self,
        .command: EnergyCommand.self,
        .commandAck: EnergyCommandAck.self,
        .schedule: EnergySchedule.self,
        .flexRequest: EnergyFlexRequest.self,
        .flexConfirmation: EnergyFlexConfirmation.self,
        .flexRealization: EnergyFlexRealization.self,
        .tariffSignal: EnergyTariffSignal.self,
        .alarm: EnergyAlarm.self,
        .status: EnergyStatus.self,
    ]
}
