import AdapterKit
import Foundation
import EnergyTIC

/// The adapter's path from bytes to events, as the host receives them: a `TICSession` (decoding,
/// checks, a normalized measurement per frame encoded as its Protocol Buffers payload, alarms,
/// status, counters), then each publication as an `Event`, which is what `AdapterContext.publish`
/// hands to the host (as `TICReading` does).
struct AdapterPath {
    private var session: TICSession
    private var publications: [TICSession.Publication] = []
    /// Events made, and the bytes of their payloads.
    private(set) var events = 0
    private(set) var payloadBytes = 0

    init(family: TICFamily) {
        session = TICSession(reader: TICReader(family: family, reportsGroups: false), parity: .none, deviceID: nil, defaultDeviceID: "bench")
    }

    mutating func consume(_ bytes: some Sequence<UInt8>) {
        session.consume(bytes, at: .zero, into: &publications)
        for publication in publications {
            let event: Event?
            switch publication {
            case .measurement(let payload):
                event = Event(topic: "sites/bench/tic/measurements", kind: .measurement, time: .init(nanosecondsSinceEpoch: 0), payload: payload.bytes)
            case .alarm(let alarm): event = try? Event(topic: "sites/bench/tic/alarms", payload: alarm, time: .init(nanosecondsSinceEpoch: 0))
            case .status(let status): event = try? Event(topic: "sites/bench/tic/status", payload: status, time: .init(nanosecondsSinceEpoch: 0))
            }
            events += 1
            payloadBytes += event?.payload.count ?? 0
        }
        publications.removeAll(keepingCapacity: true)
        _ = session.takeCounterDeltas()
    }

    /// `EnergyTICBenchmarks adapter-path MODE FILE`: the path over a capture file read in 64 KiB
    /// blocks (the adapter's `pace: fastest`), for timing the whole process against another
    /// decoder; prints the events made.
    static func run(mode: BenchmarkMode, file: String) throws {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw BenchmarkError("cannot read \(file)") }
        var path = AdapterPath(family: mode.family)
        while true {
            let data = handle.readData(ofLength: 65_536)
            if data.isEmpty { break }
            path.consume(data)
        }
        print("\(mode.name): \(path.events) events, \(path.payloadBytes) payload bytes")
    }
}

/// A benchmark command that cannot run, with why.
struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
