import AdapterKit
import Logging

/// The byte form of ``RunnerMessage`` on the runner's socket: frames of a 4-byte little-endian
/// length, then a 1-byte message type and its fields (integers little-endian, strings and byte
/// strings as a 4-byte length and their bytes).
enum RunnerWire {
    /// The largest frame either side accepts: a batch of 256 events of 256 KiB each fits.
    static let maximumFrame = 80 << 20

    /// A frame that cannot be decoded: the other side is not a runner of this build, or is broken.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private enum Tag: UInt8 {
        case create = 1, start, deliver, stop, destroy, publishAcknowledged, ping
        case created = 20, started, delivered, runDone, publish, log, metric, destroyed, pong
    }

    /// Appends `message` as one frame to `bytes`.
    static func append(_ message: RunnerMessage, to bytes: inout [UInt8]) {
        var writer = Writer(bytes: [])
        swap(&writer.bytes, &bytes)  // moved, not copied
        defer { swap(&writer.bytes, &bytes) }
        let lengthAt = writer.bytes.count
        writer.u32(0)
        switch message {
        case .create(let creation):
            writer.tag(.create)
            writer.string(creation.configJSON)
            writer.string(creation.siteID)
            writer.string(creation.instanceID)
            writer.string(creation.dataDirectory)
            writer.string(creation.configurationDirectory)
            writer.level(creation.minimumLevel)
        case .start: writer.tag(.start)
        case .deliver(let id, let events):
            writer.tag(.deliver)
            writer.u64(id)
            writer.u32(UInt32(events.count))
            for event in events { writer.event(event) }
        case .stop: writer.tag(.stop)
        case .destroy: writer.tag(.destroy)
        case .publishAcknowledged(let count, let ready):
            writer.tag(.publishAcknowledged)
            writer.u32(count)
            writer.bool(ready)
        case .created(let failure, let invalidConfiguration):
            writer.tag(.created)
            writer.bool(failure != nil)
            writer.string(failure ?? "")
            writer.bool(invalidConfiguration)
        case .started(let started):
            writer.tag(.started)
            writer.bool(started)
        case .delivered(let id, let handled):
            writer.tag(.delivered)
            writer.u64(id)
            writer.bool(handled)
        case .runDone(let outcome):
            writer.tag(.runDone)
            switch outcome {
            case .stopped: writer.u8(0); writer.string("")
            case .failed(let message): writer.u8(1); writer.string(message)
            case .invalidConfiguration(let message): writer.u8(2); writer.string(message)
            }
        case .publish(let event):
            writer.tag(.publish)
            writer.event(event)
        case .log(let level, let message, let metadata):
            writer.tag(.log)
            writer.level(level)
            writer.string(message)
            writer.pairs(metadata)
        case .metric(let sample):
            writer.tag(.metric)
            writer.u8(UInt8(sample.kind.rawValue))
            writer.string(sample.name)
            writer.pairs(sample.labels)
            writer.u64(sample.value.bitPattern)
        case .destroyed: writer.tag(.destroyed)
        case .ping: writer.tag(.ping)
        case .pong: writer.tag(.pong)
        }
        writer.patchLength(at: lengthAt)
    }

    /// Decodes the frames at the front of `buffer` (from `start`), calling `body` with each;
    /// returns where the first incomplete frame begins.
    static func decodeFrames(
        in buffer: UnsafeRawBufferPointer,
        body: (RunnerMessage) throws -> Void
    ) throws -> Int {
        var offset = 0
        while buffer.count - offset >= 4 {
            let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            guard length >= 1, length <= maximumFrame else { throw Malformed(description: "a frame of \(length) bytes") }
            guard buffer.count - offset - 4 >= length else { break }
            var reader = Reader(bytes: UnsafeRawBufferPointer(rebasing: buffer[(offset + 4)..<(offset + 4 + length)]))
            try body(try reader.message())
            guard reader.isAtEnd else { throw Malformed(description: "\(reader.remaining) bytes left after a message") }
            offset += 4 + length
        }
        return offset
    }

    // MARK: - Writing

    private struct Writer {
        var bytes: [UInt8]

        mutating func u8(_ value: UInt8) { bytes.append(value) }
        mutating func tag(_ tag: Tag) { u8(tag.rawValue) }
        mutating func bool(_ value: Bool) { u8(value ? 1 : 0) }
        mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func level(_ level: Logger.Level) { u8(UInt8(Logger.Level.allCases.firstIndex(of: level) ?? 0)) }

        mutating func string(_ value: String) {
            var value = value
            value.withUTF8 { utf8 in
                u32(UInt32(utf8.count))
                bytes.append(contentsOf: utf8)
            }
        }

        /// Sorted by key: one message, one encoding.
        mutating func pairs(_ pairs: [String: String]) {
            u32(UInt32(pairs.count))
            for (key, value) in pairs.sorted(by: { $0.key < $1.key }) {
                string(key)
                string(value)
            }
        }

        mutating func event(_ event: Event) {
            string(event.topic)
            string(event.kind.rawValue)
            string(event.source)
            string(event.via)
            u64(UInt64(bitPattern: event.time.nanosecondsSinceEpoch))
            u64(event.sequence)
            u32(UInt32(event.payload.count))
            bytes.append(contentsOf: event.payload)
        }

        mutating func patchLength(at offset: Int) {
            let length = UInt32(bytes.count - offset - 4).littleEndian
            withUnsafeBytes(of: length) { bytes.replaceSubrange(offset..<(offset + 4), with: $0) }
        }
    }

    // MARK: - Reading

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var isAtEnd: Bool { offset == bytes.count }
        var remaining: Int { bytes.count - offset }

        mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
            guard count >= 0, remaining >= count else { throw Malformed(description: "a message cut short") }
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        }

        mutating func u8() throws -> UInt8 { try take(1)[0] }
        mutating func bool() throws -> Bool { try u8() != 0 }
        mutating func u32() throws -> UInt32 { UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self)) }
        mutating func u64() throws -> UInt64 { UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self)) }
        mutating func string() throws -> String { String(decoding: try take(Int(try u32())), as: UTF8.self) }

        mutating func level() throws -> Logger.Level {
            let index = Int(try u8())
            guard index < Logger.Level.allCases.count else { throw Malformed(description: "log level \(index)") }
            return Logger.Level.allCases[index]
        }

        mutating func pairs() throws -> [String: String] {
            let count = Int(try u32())
            var pairs: [String: String] = [:]
            for _ in 0..<count { pairs[try string()] = try string() }
            return pairs
        }

        mutating func event() throws -> Event {
            let topic = try string()
            let kind = try string()
            let source = try string()
            let via = try string()
            let time = Int64(bitPattern: try u64())
            let sequence = try u64()
            let payload = Array(try take(Int(try u32())))
            return Event(
                topic: topic, kind: EventKind(rawValue: kind), source: source,
                time: EventTime(nanosecondsSinceEpoch: time), sequence: sequence, payload: payload, via: via
            )
        }

        mutating func message() throws -> RunnerMessage {
            guard let tag = Tag(rawValue: try u8()) else { throw Malformed(description: "unknown message type") }
            switch tag {
            case .create:
                return .create(RunnerMessage.Creation(
                    configJSON: try string(), siteID: try string(), instanceID: try string(),
                    dataDirectory: try string(), configurationDirectory: try string(), minimumLevel: try level()
                ))
            case .start: return .start
            case .deliver:
                let id = try u64()
                let count = Int(try u32())
                guard count <= remaining / 40 else { throw Malformed(description: "\(count) events in \(remaining) bytes") }
                var events: [Event] = []
                events.reserveCapacity(count)
                for _ in 0..<count { events.append(try event()) }
                return .deliver(id: id, events: events)
            case .stop: return .stop
            case .destroy: return .destroy
            case .publishAcknowledged: return .publishAcknowledged(count: try u32(), ready: try bool())
            case .created:
                let failed = try bool()
                let message = try string()
                return .created(failure: failed ? message : nil, invalidConfiguration: try bool())
            case .started: return .started(try bool())
            case .delivered: return .delivered(id: try u64(), handled: try bool())
            case .runDone:
                let code = try u8()
                let message = try string()
                switch code {
                case 0: return .runDone(.stopped)
                case 1: return .runDone(.failed(message))
                case 2: return .runDone(.invalidConfiguration(message))
                default: throw Malformed(description: "run outcome \(code)")
                }
            case .publish: return .publish(try event())
            case .log: return .log(level: try level(), message: try string(), metadata: try pairs())
            case .metric:
                guard let kind = MetricSample.Kind(rawValue: Int32(try u8())) else { throw Malformed(description: "metric kind") }
                let name = try string()
                let labels = try pairs()
                return .metric(MetricSample(kind: kind, name: name, labels: labels, value: Double(bitPattern: try u64())))
            case .destroyed: return .destroyed
            case .ping: return .ping
            case .pong: return .pong
            }
        }
    }
}
