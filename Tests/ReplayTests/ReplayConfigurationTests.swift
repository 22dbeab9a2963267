import AdapterKit
import AdapterKitTesting
import Foundation
import EnergyReplay
import Testing

@Suite struct ReplayConfigurationTests {
    /// Creating a replay of a CSV file with `header` fails; returns the error.
    private func refusal(header: String, _ extra: [String: JSONValue] = [:]) throws -> AdapterError? {
        let file = try ReplaySupport.write(header + "\n2026-01-15T08:00:00Z,1\n", named: "bad.csv")
        let host = try InMemoryHost()
        return #expect(throws: AdapterError.self) {
            try host.makeAdapter(ReplayAdapter.self, configuration: ReplaySupport.configuration(file: file, extra))
        }
    }

    @Test(arguments: [
        ("time,temperature_c", #"column 2 "temperature_c""#),
        ("time,voltage_kw", #"column 2 "voltage_kw""#),
        ("time,frequency_w", #"column 2 "frequency_w""#),
        ("active_power_import_kw@4,time", #"column 1 "active_power_import_kw@4""#),
        ("time,active_power_import_kw,bogus", #"column 3 "bogus""#),
        ("when,active_power_import_kw", #"column 1 "when""#),
    ])
    func unknownColumnsAndUnitsNotFittingTheQuantityAreRefused(header: String, named: String) throws {
        let error = try refusal(header: header)
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains(named) == true, "\(error?.message ?? "")")
    }

    @Test func aHeaderWithoutTimeOrQuantityIsRefused() throws {
        let noTime = try refusal(header: "active_power_import_kw,frequency_hz")
        #expect(noTime?.message.contains("no time column") == true)
        let noQuantity = try refusal(header: "time")
        #expect(noQuantity?.message.contains("no quantity column") == true)
    }

    @Test func anEmptyOrMissingFileIsRefused() throws {
        let empty = try ReplaySupport.write("", named: "empty.csv")
        let host = try InMemoryHost()
        let emptyError = #expect(throws: AdapterError.self) {
            try host.makeAdapter(ReplayAdapter.self, configuration: ReplaySupport.configuration(file: empty))
        }
        #expect(emptyError?.code == .invalidConfiguration)
        #expect(emptyError?.message.contains("is empty") == true)
        let missing = empty + ".missing"
        let missingError = #expect(throws: AdapterError.self) {
            try host.makeAdapter(ReplayAdapter.self, configuration: ReplaySupport.configuration(file: missing))
        }
        #expect(missingError?.code == .invalidConfiguration)
        #expect(missingError?.message.contains(missing) == true)
    }

    @Test func aRenameCanRescueAnUnknownColumn() throws {
        let file = try ReplaySupport.write("time,P\n2026-01-15T08:00:00Z,1\n", named: "p.csv")
        let host = try InMemoryHost()
        #expect(throws: AdapterError.self) {
            try host.makeAdapter(ReplayAdapter.self, configuration: ReplaySupport.configuration(file: file))
        }
        _ = try host.makeAdapter(ReplayAdapter.self, configuration: ReplaySupport.configuration(
            file: file, ["columns": .object(["P": .string("active_power_import_mw")])]))
    }

    @Test func schemaViolationsAreRefused() throws {
        let host = try InMemoryHost()
        let error = #expect(throws: AdapterError.self) {
            try host.makeAdapter(ReplayAdapter.self, configuration: #"{"pace": "slow", "speed": 0, "stream": "a/b"}"#)
        }
        #expect(error?.code == .invalidConfiguration)
        for path in ["config.file: is required", "config.pace", "config.speed", "config.stream"] {
            #expect(error?.message.contains(path) == true, "\(path)")
        }
    }

    @Test func relativeFilesResolveAgainstTheConfigurationDirectory() throws {
        let file = try ReplaySupport.write("time,frequency_hz\n2026-01-15T08:00:00Z,50\n", named: "rel.csv")
        let url = URL(fileURLWithPath: file)
        let host = try InMemoryHost(configurationDirectory: url.deletingLastPathComponent().path)
        _ = try host.makeAdapter(ReplayAdapter.self, configuration: #"{"file": "rel.csv"}"#)
        let elsewhere = try InMemoryHost(configurationDirectory: url.deletingLastPathComponent().deletingLastPathComponent().path)
        #expect(throws: AdapterError.self) {
            try elsewhere.makeAdapter(ReplayAdapter.self, configuration: #"{"file": "rel.csv"}"#)
        }
    }
}
