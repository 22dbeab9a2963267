public import Foundation
public import SwiftProtobuf

/// An event on the bus: an envelope the host routes on, and an encoded payload.
///
/// The host never decodes the payload to route it. For the kinds AdapterKit defines, the payload
/// is the binary Protocol Buffers encoding of the matching `energy.v1` message; use
/// ``decode(_:)`` to read it and ``AdapterContext/publish(_:stream:time:)`` to produce one.
public struct Event: Sendable, Hashable {
    /// MQTT-syntax topic without wildcards, conventionally `sites/{site}/{adapter}/{stream}`.
    public var topic: String
    /// What the payload is (``EventKind/measurement``, ``EventKind/command``...).
    public var kind: EventKind
    /// Instance id of the adapter that published it (set by the host).
    public var source: String
    /// When it happened, UTC, with nanosecond resolution.
    public var time: EventTime
    /// Per-source sequence number from 1, set by the host; gaps reveal drops.
    public var sequence: UInt64

    /// The `source` of the commands an authenticated operator sends through the host's admin API
    /// (`energy-host ctl`); no adapter instance may have this id.
    public static let operatorSource = "admin"
    /// The `source` of the alarms the host itself raises about an adapter (a blocked call, for
    /// example), published on that adapter's `alarms` stream; no adapter instance may have this id.
    public static let hostSource = "host"
    /// The encoded payload.
    public var payload: [UInt8]
    /// For an event a bridge brought from another host, the local instance that injected it (set by
    /// the host); `source` is then the original publisher on that host. Empty for an event
    /// published on this host. An adapter publishing a bridged event sets it to any non-empty value
    /// to keep its `source`.
    public var via: String

    /// Creates an event; `source` and `sequence` are normally filled by the host on publish.
    public init(
        topic: String,
        kind: EventKind,
        source: String = "",
        time: EventTime,
        sequence: UInt64 = 0,
        payload: [UInt8],
        via: String = ""
    ) {
        self.topic = topic
        self.kind = kind
        self.source = source
        self.time = time
        self.sequence = sequence
        self.payload = payload
        self.via = via
    }

    /// Whether a bridge brought this event from another host (``via`` is set).
    public var isBridged: Bool { !via.isEmpty }

    /// Creates an event carrying `payload` encoded.
    public init<Payload: EventPayload>(topic: String, payload: Payload, time: EventTime) throws {
        self.init(topic: topic, kind: Payload.kind, time: time, payload: try payload.serializedBytes())
    }

    /// Decodes the payload as `type`; throws when the kind does not match or the bytes are invalid.
    public func decode<Payload: EventPayload>(_ type: Payload.Type) throws -> Payload {
        guard kind == Payload.kind else {
            throw AdapterError(.invalidEvent, "event of kind \(kind) on \(topic) is not a \(Payload.kind)")
        }
        do {
            return try Payload(serializedBytes: payload)
        } catch {
            throw AdapterError(.invalidEvent, "\(kind) payload on \(topic) does not decode: \(error)")
        }
    }
}

/// A UTC instant with nanosecond resolution, as the ABI carries it.
public struct EventTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanosecondsSinceEpoch: Int64

    /// Creates the instant `nanosecondsSinceEpoch` nanoseconds after 1970-01-01T00:00:00Z.
    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    /// Creates the instant of `date`, rounded to the nearest nanosecond.
    public init(_ date: Date) {
        let nanoseconds = (date.timeIntervalSince1970 * 1e9).rounded()
        // Saturates at the range EventTime covers (years 1677 to 2262) instead of trapping.
        self.nanosecondsSinceEpoch = nanoseconds.isNaN ? 0 : Int64(max(min(nanoseconds, 9.2e18), -9.2e18))
    }

    /// Creates the instant `sinceEpoch` after 1970-01-01T00:00:00Z (state machines that run on an
    /// injected clock keep their times as durations).
    public init(sinceEpoch: Duration) {
        let (seconds, attoseconds) = sinceEpoch.components
        self.nanosecondsSinceEpoch = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The instant as a duration since 1970-01-01T00:00:00Z.
    public var sinceEpoch: Duration { .nanoseconds(nanosecondsSinceEpoch) }

    /// The current wall-clock time.
    public static func now() -> EventTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return EventTime(nanosecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }

    /// The instant as a `Date`, whose `Double` seconds do not keep the full nanosecond resolution.
    public var date: Date { Date(timeIntervalSince1970: Double(nanosecondsSinceEpoch) / 1e9) }

    public static func < (lhs: EventTime, rhs: EventTime) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    /// RFC 3339 UTC with the fraction the value needs, e.g. `2026-11-22T10:00:00.25Z`.
    public var description: String { RFC3339.format(self) }
}

extension EventTime {
    /// The Protocol Buffers timestamp of this instant (for `meter_time`, `valid_from`...).
    public var timestamp: Google_Protobuf_Timestamp {
        var seconds = nanosecondsSinceEpoch / 1_000_000_000
        var nanos = nanosecondsSinceEpoch % 1_000_000_000
        if nanos < 0 {
            nanos += 1_000_000_000
            seconds -= 1
        }
        return Google_Protobuf_Timestamp(seconds: seconds, nanos: Int32(nanos))
    }

    /// The instant of a Protocol Buffers timestamp, clamped to what nanoseconds since 1970 in
    /// 64 bits can hold (the years 1677 to 2262).
    public init(_ timestamp: Google_Protobuf_Timestamp) {
        let (scaled, overflow) = timestamp.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow {
            self.init(nanosecondsSinceEpoch: timestamp.seconds < 0 ? .min : .max)
        } else {
            let (sum, overflowSum) = scaled.addingReportingOverflow(Int64(timestamp.nanos))
            self.init(nanosecondsSinceEpoch: overflowSum ? .max : sum)
        }
    }
}
