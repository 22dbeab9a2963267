import AdapterKit
import Foundation

/// One run of the adapter: opens the source, feeds the session, publishes what it yields, keeps
/// the metrics, retries a missing device or server, hunts the speed in auto mode.
struct TICReading<C: Clock<Duration>> {
    private let adapter: TICAdapter
    private let clock: C
    private let start: C.Instant
    private var session: TICSession
    private var publications: [TICSession.Publication] = []
    private var reportedLink: Bool?
    private var buffer = [UInt8](repeating: 0, count: 4096)

    /// How long a speed is tried without a checked group before the next (auto mode, serial).
    static var huntWindow: Duration { .seconds(3) }
    /// Pause between reads of a quiet non-blocking source.
    static var pollInterval: Duration { .milliseconds(20) }
    /// How long a TCP serial server has to accept the connection.
    static var connectTimeout: Duration { .seconds(2) }

    init(adapter: TICAdapter, clock: C) {
        self.adapter = adapter
        self.clock = clock
        self.start = clock.now
        self.session = adapter.makeSession()
    }

    private var context: AdapterContext { adapter.context }
    private var elapsed: Duration { start.duration(to: clock.now) }

    mutating func run() async throws {
        let parity = adapter.parity
        switch adapter.address {
        case .capture(let path): try await replay(path)
        case .serial(let path): try await readChannel(name: path) { baud throws(TICSourceError) in
                try SerialPort(path: path, baud: baud, parity: parity)
            }
        case .tcp(let host, let port): try await readChannel(name: "tcp://\(host):\(port)") { _ throws(TICSourceError) in
                try TCPConnection(host: host, port: port)
            }
        }
    }

    // MARK: Serial port and TCP

    private mutating func readChannel(name: String, open: (Int) throws(TICSourceError) -> any ByteChannel) async throws {
        let speeds = adapter.speeds
        var speedIndex = 0
        var retry = Duration.seconds(1)
        var lastProblem: String?
        while true {
            let channel: any ByteChannel
            do {
                channel = try open(speeds[speedIndex])
                try await waitUntilConnected(channel, name: name)
            } catch let error as TICSourceError {
                if error.description != lastProblem { context.logger.warning("TIC source unavailable, retrying", metadata: ["tic.error": "\(error)"]) }
                lastProblem = error.description
                try await wait(for: retry)
                retry = min(retry * 2, .seconds(30))
                continue
            }
            context.logger.info("TIC source open", metadata: ["tic.source": "\(name)", "tic.baud": "\(speeds[speedIndex])"])
            lastProblem = nil
            retry = .seconds(1)
            var speedSince = elapsed
            var checkedAtSpeed = session.checkedGroups
            reading: while true {
                let result: ReadResult
                do {
                    result = try buffer.withUnsafeMutableBytes { buffer throws(TICSourceError) in try channel.read(into: buffer) }
                } catch {
                    context.logger.warning("TIC source failed, reopening", metadata: ["tic.error": "\(error)"])
                    break reading
                }
                switch result {
                case .bytes(let count):
                    session.consume(buffer[..<count], at: elapsed, into: &publications)
                    session.checkLink(at: elapsed, into: &publications)
                    try await flush()
                case .wouldBlock: try await wait(for: Self.pollInterval)
                case .end:
                    context.logger.warning("TIC source closed, reconnecting", metadata: ["tic.source": "\(name)"])
                    break reading
                }
                // Auto mode on a serial port: no checked group at this speed for a while → next speed.
                if let port = channel as? SerialPort, speeds.count > 1, session.family == nil {
                    if session.checkedGroups > checkedAtSpeed + 1 {
                        checkedAtSpeed = session.checkedGroups
                        speedSince = elapsed
                    } else if elapsed - speedSince >= Self.huntWindow {
                        speedIndex = (speedIndex + 1) % speeds.count
                        do {
                            try port.configure(baud: speeds[speedIndex])
                        } catch {
                            context.logger.warning("TIC speed change failed", metadata: ["tic.error": "\(error)"])
                            break reading
                        }
                        context.logger.debug("TIC trying another speed", metadata: ["tic.baud": "\(speeds[speedIndex])"])
                        speedSince = elapsed
                        checkedAtSpeed = session.checkedGroups
                    }
                }
            }
            try await wait(for: retry)
        }
    }

    /// Waits, a poll interval at a time and without blocking a thread, until `channel` is ready.
    private mutating func waitUntilConnected(_ channel: any ByteChannel, name: String) async throws {
        let deadline = elapsed + Self.connectTimeout
        while try !channel.isConnected() {
            guard elapsed < deadline else { throw TICSourceError("\(name): cannot connect: timed out after \(Self.connectTimeout)") }
            try await wait(for: Self.pollInterval)
        }
    }

    // MARK: Capture file

    private mutating func replay(_ path: String) async throws {
        repeat {
            guard let file = FileHandle(forReadingAtPath: path) else {
                throw AdapterError(.failed, "cannot open the capture \(path)")
            }
            defer { try? file.close() }
            let paced = adapter.configuration.pace == .lineRate
            var sent = 0
            let began = elapsed
            while true {
                try Task.checkCancellation()
                let bytesPerSecond = Double(lineSpeed) / 10  // 7E1: 10 bits per character
                let chunk = paced ? max(1, Int(bytesPerSecond / 10)) : 65_536
                let data = file.readData(ofLength: chunk)
                if data.isEmpty { break }
                if paced {
                    sent += data.count
                    let due = began + .milliseconds(Int64(Double(sent) / bytesPerSecond * 1000))
                    try await wait(for: due - elapsed)
                }
                session.consume(data, at: elapsed, into: &publications)
                session.checkLink(at: elapsed, into: &publications)
                try await flush()
                if !paced { await Task.yield() }
            }
        } while adapter.configuration.loop
        session.finish(at: elapsed, into: &publications)
        try await flush()
        context.logger.info("TIC capture finished", metadata: ["tic.frames": "\(session.frameCount)"])
        while true {  // a capture that ended is a meter gone quiet: the link times out
            try await wait(for: .seconds(3600))
        }
    }

    /// The speed of the configured or identified family, for pacing a capture.
    private var lineSpeed: Int {
        adapter.configuration.baud ?? session.family?.baudRates.first ?? adapter.speeds.first ?? 9600
    }

    // MARK: Time

    /// Sleeps for `duration` on the clock, declaring the link lost at its deadline on the way
    /// (the session's link state machine says when: no polling).
    private mutating func wait(for duration: Duration) async throws {
        let end = elapsed + duration
        while true {
            let now = elapsed
            session.checkLink(at: now, into: &publications)
            try await flush()
            guard now < end else { return }
            try await clock.sleep(for: min(session.linkDeadline ?? end, end) - now)
        }
    }

    // MARK: Publishing

    private mutating func flush() async throws {
        for publication in publications {
            switch publication {
            case .measurement(let payload):
                try await context.publish(Event(topic: context.topic("measurements"), kind: .measurement, time: context.now(), payload: payload.bytes))
            case .alarm(let alarm): try await context.publish(alarm, stream: "alarms")
            case .status(let status): try await context.publish(status, stream: "status")
            }
        }
        publications.removeAll(keepingCapacity: true)
        for delta in session.takeCounterDeltas() {
            context.increment(counter: delta.name, by: delta.amount, labels: delta.labels)
        }
        if session.linkUp != reportedLink, let up = session.linkUp {
            reportedLink = up
            context.record(gauge: "tic_link_up", up ? 1 : 0)
        }
    }
}
