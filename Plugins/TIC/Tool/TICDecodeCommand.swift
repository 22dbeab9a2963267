import AdapterKit
import ArgumentParser
import Foundation
import EnergyTIC

/// `tic-decode`: decodes a TIC capture to JSON lines, for integrators checking a meter's output.
@main
struct TICDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tic-decode",
        abstract: "Decode a TIC capture (raw bytes of an Enedis meter's output) to JSON lines.",
        discussion: """
            One line per valid group, rejected group (with its reason) and frame (with the \
            normalized measurement the adapter would publish), then a summary line. Reads standard \
            input when the file is -.
            """
    )

    @Argument(help: "The capture file, or - for standard input.")
    var file: String

    @Option(help: "auto, linky-historic, linky-standard, pme-pmi, or a family of a --dictionary file.")
    var mode = "auto"

    @Option(name: .customLong("dictionary"), help: "A JSON file of more meter families (repeatable).")
    var dictionaries: [String] = []

    @Option(help: "Override the family's checksum: historic, standard, pme_pmi, historic_mode2.")
    var checksum: String?

    @Option(help: "none (the default: 7-bit bytes) or software (8-bit bytes with the 7E1 parity bit in bit 7).")
    var parity = "none"

    @Flag(help: "Print frames, rejections and the summary only, not every valid group.")
    var framesOnly = false

    mutating func run() throws {
        let families = try TICDictionaryFile.families(adding: dictionaries)
        var reader: TICReader
        if mode == "auto" {
            reader = TICReader(detecting: families, reportsGroups: !framesOnly)
        } else if let family = families.first(where: { $0.name == mode }) {
            reader = TICReader(family: family, checksum: try checksum.map(Self.checksumMode), reportsGroups: !framesOnly)
        } else {
            throw ValidationError("--mode \(mode) is not auto or a known family (\(families.map(\.name).joined(separator: ", ")))")
        }
        guard let parity = TICParity(rawValue: parity), parity != .marked else {
            throw ValidationError("--parity must be none or software")
        }
        guard let input = file == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        var printer = TICDecodePrinter()
        var filter = TICParityFilter(parity: parity)
        var outputs: [TICReader.Output] = []
        while true {
            let data = input.readData(ofLength: 65_536)
            if data.isEmpty { break }
            printer.bytes += data.count
            if reader.isLocked {
                // The family is settled: lines are written as the reader reads, groups from its bytes.
                printer.family = reader.family
                Self.feed(data, to: &reader, filter: &filter, reportingTo: &printer)
            } else {
                // Detecting: frames' measurements need the family this read settles on.
                Self.feed(data, to: &reader, filter: &filter, reportingTo: &outputs)
                printer.family = reader.family
                printer.print(outputs)
                outputs.removeAll(keepingCapacity: true)
            }
            if printer.output.count >= 1 << 16 {
                guard printer.output.withUnsafeBytes(StandardOutput.write) else { throw ExitCode.failure }
                printer.output.removeAll()
            }
        }
        reader.finish(into: &outputs)
        printer.family = reader.family
        printer.print(outputs)
        printer.printSummary(checksum: reader.checksum, groups: reader.acceptedGroups)
        guard printer.output.withUnsafeBytes(StandardOutput.write) else { throw ExitCode.failure }
    }

    /// Feeds a read to `reader`, the whole read at once (the decoder's fast path) unless bytes
    /// carry their parity bit.
    private static func feed<Sink: TICReaderSink>(
        _ data: Data, to reader: inout TICReader, filter: inout TICParityFilter, reportingTo sink: inout Sink
    ) {
        if filter.parity == .none {
            data.withUnsafeBytes { reader.feed($0, reportingTo: &sink) }
        } else {
            filter.filter(data) { byte, error in reader.feed(byte, parityError: error, reportingTo: &sink) }
        }
    }

    private static func checksumMode(_ text: String) throws -> TICChecksumMode {
        guard let mode = TICChecksumMode(rawValue: text) else {
            throw ValidationError("--checksum must be one of \(TICChecksumMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return mode
    }
}
