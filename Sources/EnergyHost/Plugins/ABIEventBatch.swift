import AdapterKit
import AdapterKitABI

// The host's side of the ABI's event layout; adapter libraries never need it.

/// Lays a batch of events out in one contiguous buffer and hands their ABI form to `body`.
///
/// One allocation per batch instead of one nested `withCString` per string.
enum ABIEventBatch {
    static func withEvents<Result>(
        _ events: some Collection<Event>,
        _ body: (UnsafePointer<ak_event>, Int) -> Result
    ) -> Result {
        var arena: [UInt8] = []
        var offsets: [(topic: Int, kind: Int, source: Int, via: Int?, payload: Int)] = []
        offsets.reserveCapacity(events.count)
        arena.reserveCapacity(events.reduce(0) { $0 + $1.topic.utf8.count + $1.payload.count + 48 })
        func append(_ text: String) -> Int {
            let start = arena.count
            arena.append(contentsOf: text.utf8)
            arena.append(0)
            return start
        }
        for event in events {
            let topic = append(event.topic)
            let kind = append(event.kind.rawValue)
            let source = append(event.source)
            let via = event.via.isEmpty ? nil : append(event.via)
            let payload = arena.count
            arena.append(contentsOf: event.payload)
            offsets.append((topic, kind, source, via, payload))
        }
        return arena.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            let cString = { (offset: Int) in UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self) }
            var abiEvents: [ak_event] = []
            abiEvents.reserveCapacity(offsets.count)
            for (event, offset) in zip(events, offsets) {
                abiEvents.append(
                    ak_event(
                        struct_size: UInt32(MemoryLayout<ak_event>.size),
                        reserved: 0,
                        topic: cString(offset.topic),
                        kind: cString(offset.kind),
                        source: cString(offset.source),
                        time_ns: event.time.nanosecondsSinceEpoch,
                        sequence: event.sequence,
                        payload: base + offset.payload,
                        payload_len: event.payload.count,
                        via: offset.via.map(cString)
                    )
                )
            }
            return abiEvents.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
        }
    }
}

extension PublishOutcome {
    /// The AK_* status code of this outcome.
    var status: Int32 {
        switch self {
        case .accepted: Int32(AK_OK)
        case .backpressure: Int32(AK_BACKPRESSURE)
        case .stopped: Int32(AK_ERR_STOPPED)
        case .overloaded: Int32(AK_ERR_OVERLOADED)
        case .invalid: Int32(AK_ERR_INVALID)
        }
    }
}
