package import AdapterKitABI

extension Event {
    /// Copies an event out of its ABI form (pointers valid only during the call that gave it).
    package init(abi event: ak_event) {
        self.init(
            topic: event.topic.map { String(cString: $0) } ?? "",
            kind: EventKind(rawValue: event.kind.map { String(cString: $0) } ?? ""),
            source: event.source.map { String(cString: $0) } ?? "",
            time: EventTime(nanosecondsSinceEpoch: event.time_ns),
            sequence: event.sequence,
            payload: event.payload.map { Array(UnsafeBufferPointer(start: $0, count: event.payload_len)) } ?? []
        )
    }
}

extension PublishOutcome {
    /// The outcome an AK_* status code stands for.
    package init(status: Int32) {
        switch Int(status) {
        case Int(AK_OK): self = .accepted
        case Int(AK_BACKPRESSURE): self = .backpressure
        case Int(AK_ERR_STOPPED): self = .stopped
        case Int(AK_ERR_OVERLOADED): self = .overloaded
        default: self = .invalid
        }
    }
}
