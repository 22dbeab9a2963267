package import AdapterKitABI

extension Event {
    /// Copies an event out of its ABI form (pointers valid only during the call that gave it).
    /// Reads `via` (ABI 1.3) only when the event's `struct_size` covers it, and never reads past
    /// the size the writer gave.
    package init(abi pointer: UnsafePointer<ak_event>) {
        let size = Int(pointer.pointee.struct_size)
        let viaEnd = MemoryLayout<ak_event>.offset(of: \ak_event.via)! + MemoryLayout<UnsafePointer<CChar>?>.size
        var via = ""
        if size >= viaEnd, let text = UnsafeRawPointer(pointer).load(fromByteOffset: viaEnd - MemoryLayout<UnsafePointer<CChar>?>.size, as: UnsafePointer<CChar>?.self) {
            via = String(cString: text)
        }
        let topic = UnsafeRawPointer(pointer).load(fromByteOffset: MemoryLayout<ak_event>.offset(of: \ak_event.topic)!, as: UnsafePointer<CChar>?.self)
        let kind = UnsafeRawPointer(pointer).load(fromByteOffset: MemoryLayout<ak_event>.offset(of: \ak_event.kind)!, as: UnsafePointer<CChar>?.self)
        let source = UnsafeRawPointer(pointer).load(fromByteOffset: MemoryLayout<ak_event>.offset(of: \ak_event.source)!, as: UnsafePointer<CChar>?.self)
        let time = UnsafeRawPointer(pointer).load(fromByteOffset: MemoryLayout<ak_event>.offset(of: \ak_event.time_ns)!, as: Int64.self)
        let sequence = UnsafeRawPointer(pointer).load(fromByteOffset: MemoryLayout<ak_event>.offset(of: \ak_event.sequence)!, as: UInt64.self)
        let payload = UnsafeRawPointer(pointer).load(fromByteOffset: MemoryLayout<ak_event>.offset(of: \ak_event.payload)!, as: UnsafePointer<UInt8>?.self)
        let count = UnsafeRawPointer(pointer).load(fromByteOffset: MemoryLayout<ak_event>.offset(of: \ak_event.payload_len)!, as: Int.self)
        self.init(
            topic: topic.map { String(cString: $0) } ?? "",
            kind: EventKind(rawValue: kind.map { String(cString: $0) } ?? ""),
            source: source.map { String(cString: $0) } ?? "",
            time: EventTime(nanosecondsSinceEpoch: time),
            sequence: sequence,
            payload: payload.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [],
            via: via
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
