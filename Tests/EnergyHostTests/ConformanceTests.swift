import AdapterKitHarness
import AdapterKitTesting
import Foundation
import Testing

/// Every adapter of the repository passes the AdapterKit conformance suite, through the real
/// loader and the C ABI.
@Suite struct ConformanceTests {
    static let demoCSV = TestSupport.repositoryRoot.appendingPathComponent("demo/site-meter.csv").path
    static let demoTIC = TestSupport.repositoryRoot.appendingPathComponent("demo/linky-standard-tempo.tic").path

    static let cases: [(String, String, String)] = [
        ("Recorder", #"{"max_bytes": 65536}"#, #"{"max_bytes": "large"}"#),
        ("Replay", #"{"file": "\#(demoCSV)", "loop": true, "speed": 20}"#, #"{"file": "/nonexistent/replay.csv"}"#),
        ("Probe", #"{"mode": "emit", "rate": 1000}"#, #"{"mode": "sideways"}"#),
        ("TIC", #"{"source": "file:\#(demoTIC)", "pace": "fastest", "loop": true}"#, #"{"source": "COM1"}"#),
        ("CEcho", #"{"stream": "echo"}"#, #"{"stream": "no/slashes"}"#),
        ("FlexReady", #"{"port": 0, "allow_anonymous": true, "data_set": "emulator"}"#, #"{"port": 0, "allow_anonymous": true}"#),
        (
            "Interruptibility",
            #"{"report_id": "c_s", "points": [{"name": "a", "topic": "sites/test-site/analyser/measurements"}], "shed": [{"target": "load"}]}"#,
            #"{"report_id": "c_s", "points": [{"name": "a", "topic": "t"}], "shed": [{"target": "load"}], "threshold_hz": 49.83}"#
        ),
    ]

    @Test(.timeLimit(.minutes(1)), arguments: cases)
    func adapterConforms(typeName: String, valid: String, invalid: String) async throws {
        try await AdapterConformance(typeName: typeName, validConfiguration: valid, invalidConfiguration: invalid).run()
    }
}
