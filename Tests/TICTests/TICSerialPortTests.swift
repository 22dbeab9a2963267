import AdapterKit
import AdapterKitHarness
import AdapterKitTesting
import EnergyHost
import Foundation
import EnergyTIC
import Testing

/// The adapter library loaded by the host's real loader reads a real pseudo-terminal: the port is
/// set to the mode's speed and 7E1, frames written on the other side reach the bus, and a byte
/// with a parity error invalidates its group.
@Suite(.serialized) struct TICSerialPortTests {
    /// The controlling side of a new pseudo-terminal, and the device path the adapter opens.
    final class PseudoTerminal {
        let master: Int32
        let path: String

        /// Linux ioctls of <asm-generic/ioctls.h> (function-like macros Swift does not import).
        private static let unlock = UInt(0x4004_5431)  // TIOCSPTLCK
        private static let number = UInt(0x8004_5430)  // TIOCGPTN

        init() throws {
            master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
            var locked: Int32 = 0
            var index: UInt32 = 0
            guard master >= 0, ioctl(master, Self.unlock, &locked) == 0, ioctl(master, Self.number, &index) == 0 else {
                throw TICSourceErrorForTests("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
            }
            path = "/dev/pts/\(index)"
        }

        deinit { close(master) }

        /// The line settings the adapter put on the terminal.
        var settings: termios {
            var options = termios()
            tcgetattr(master, &options)
            return options
        }

        /// Waits until the adapter set the input speed to `speed`.
        func waitForSpeed(_ speed: speed_t) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while inputSpeed != speed, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
        }

        var inputSpeed: speed_t {
            var options = settings
            return cfgetispeed(&options)
        }

        var outputSpeed: speed_t {
            var options = settings
            return cfgetospeed(&options)
        }

        func write(_ bytes: [UInt8]) {
            _ = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
        }
    }

    private func frame() -> [UInt8] {
        TICCompose.frame([("ADCO", "812164417227"), ("OPTARIF", "BASE"), ("BASE", "000000104"), ("PTEC", "TH.."), ("PAPP", "10350")], mode: .historic)
    }

    @Test(.timeLimit(.minutes(1)), arguments: [(1200, speed_t(B1200), "linky-historic"), (9600, speed_t(B9600), "linky-standard")])
    func framesWrittenOnAPseudoTerminalReachTheBus(baud: Int, speed: speed_t, mode: String) async throws {
        let terminal = try PseudoTerminal()
        let harness = try PluginHarness(typeName: "TIC")
        let measurements = harness.observe("sites/test-site/tic/measurements")
        let instance = try await harness.makeInstance(id: "tic", configuration: #"{"source": "\#(terminal.path)", "mode": "\#(mode)"}"#)
        let bytes = mode == "linky-historic" ? frame() : try TICFixtures.bytes("linky-standard-enedis-tic2websocket.tic")
        try await instance.run { _ in
            try await terminal.waitForSpeed(speed)
            // What a pseudo-terminal keeps of 7E1: the speed, parity checking and marking on input,
            // no stripping, raw. (Linux's pty driver forces its c_cflag to CS8 without PARENB, so
            // the character size and parity bit are only observable on a real UART.)
            let options = terminal.settings
            #expect(options.c_iflag & tcflag_t(INPCK) != 0 && options.c_iflag & tcflag_t(PARMRK) != 0)
            #expect(options.c_iflag & tcflag_t(ISTRIP) == 0 && options.c_iflag & tcflag_t(IGNPAR) == 0)
            #expect(options.c_iflag & tcflag_t(ICRNL) == 0 && options.c_iflag & tcflag_t(IXON) == 0)
            #expect(options.c_lflag & tcflag_t(ICANON) == 0)
            #expect(options.c_cflag & tcflag_t(CSTOPB) == 0)
            #expect(terminal.outputSpeed == speed)
            terminal.write(bytes + bytes)
            let events = await measurements.collect(count: 2)
            #expect(events.count == 2, "baud \(baud)")
            let measurement = try #require(events.first).decode(EnergyMeasurement.self)
            #expect(!measurement.deviceID.isEmpty && !measurement.values.isEmpty)
        }
        instance.destroy()
    }

    @Test(.timeLimit(.minutes(1))) func aByteWithAParityErrorInvalidatesItsGroup() async throws {
        let terminal = try PseudoTerminal()
        let harness = try PluginHarness(typeName: "TIC")
        let measurements = harness.observe("sites/test-site/tic/measurements")
        // `software`: the port is 8N1 and the wire's parity bit arrives as bit 7, as a 7E1 line read 8N1.
        let instance = try await harness.makeInstance(
            id: "tic", configuration: #"{"source": "\#(terminal.path)", "mode": "linky-historic", "parity": "software", "baud": 1200}"#)
        let plain = frame()
        var wire = plain.map { $0 | ($0.nonzeroBitCount % 2 == 1 ? 0x80 : 0) }
        let base = try #require((0..<plain.count).first { Array(plain[$0..<($0 + 5)]) == Array("\nBASE".utf8) })
        wire[base + 8] ^= 0x80  // flip one parity bit inside BASE's data
        try await instance.run { _ in
            try await terminal.waitForSpeed(speed_t(B1200))
            #expect(terminal.settings.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
            terminal.write(wire)
            let events = await measurements.collect(count: 1)
            let measurement = try #require(events.first).decode(EnergyMeasurement.self)
            #expect(measurement.raw["BASE"] == nil)
            #expect(measurement.raw["PAPP"] == "10350")
            #expect(measurement.value(of: .activeEnergyImport) == nil)
        }
        let metrics = harness.metricsExposition()
        #expect(metrics.contains(#"energy_adapter_tic_parity_errors_total{site="test-site",adapter="tic"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"energy_adapter_tic_groups_rejected_total{site="test-site",adapter="tic",reason="parity"} 1"#))
        instance.destroy()
    }
}
