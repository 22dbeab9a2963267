import AdapterKitTesting
import Foundation
import Testing

/// The FlexReady BACS role in the real `energy-host`: a request accepted, the host killed with
/// SIGKILL and started again on the same data directory; the request is still known (its retry
/// gets the first answer), it can be confirmed and its realization is answered.
@Suite struct FlexReadyPersistenceTests {
    static let bacs2 = "building-2"
    static let ask = #"{"requestID": "req-kill", "flexProduct": "WID", "askingPrice": 50, "power": [{"power": {"unit": "W", "multiplier": "k", "value": 80.0}, "start": "2099-04-02T10:00:00", "end": "2099-04-02T10:02:00"}]}"#
    static let confirmation = #"{"flexProduct": "WID", "askingPrice": 50, "power": [{"power": {"unit": "W", "multiplier": "k", "value": 80.0}, "start": "2099-04-02T10:00:00", "end": "2099-04-02T10:02:00"}]}"#

    /// Starts the host on `directory`'s adapters.json and waits for the BACS server on `port`.
    static func start(in directory: URL, port: Int) async throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.hostExecutable)
        process.arguments = ["run", "--config", "adapters.json"]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let (status, _) = try? await HTTP.get("http://127.0.0.1:\(port)/bacs/\(bacs2)/assets", headers: ["Authorization": "Bearer flex-token-0123456789"]),
                status == 200 { return process }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        throw CancellationError()
    }

    @Test(.timeLimit(.minutes(2))) func anAcceptedRequestSurvivesSIGKILL() async throws {
        let directory = try TestSupport.temporaryDirectory()
        let port = LoopbackPort.free()
        _ = try TestSupport.write("flex-token-0123456789\n", to: "flex.token", in: directory)
        _ = try TestSupport.write(#"""
            {"host": {"id": "gw", "data_dir": "data", "admin": {"enabled": false}},
             "sites": [{"id": "s", "adapters": [
               {"id": "bacs", "plugin": "FlexReady", "config": {"port": \#(port),
                 "clients": [{"name": "aggregator", "token": "file:flex.token"}],
                 "bacs": [{"id": "building-2", "level": 2, "assets": [{"id": "WholeBuilding", "flex_product": "WID", "potentials": [
                   {"power_kw": 80, "max_duration_min": 2, "windows": [{"start": "2099-04-02T10:00:00", "end": "2099-04-02T12:00:00"}]}]}]}]}}]}]}
            """#, to: "adapters.json", in: directory)
        let headers = ["Authorization": "Bearer flex-token-0123456789"]
        let base = "http://127.0.0.1:\(port)/bacs/\(Self.bacs2)/assets/WholeBuilding/flexibilities/request"

        let first = try await Self.start(in: directory, port: port)
        let answer = try await HTTP.post(base, json: Self.ask, headers: headers)
        kill(first.processIdentifier, SIGKILL)
        await TestSupport.waitForExit(first)
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.body.contains(#""status":"accepted""#), "\(answer.body)")

        let second = try await Self.start(in: directory, port: port)
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        let retry = try await HTTP.post(base, json: Self.ask, headers: headers)
        #expect(retry.status == 200 && retry.body == answer.body, "\(retry.body)")
        let confirmed = try await HTTP.post(base + "/req-kill/confirm", json: Self.confirmation, headers: headers)
        #expect(confirmed.status == 200 && confirmed.body.contains("Flex request confirmed successfully"), "\(confirmed.body)")
        let realised = try await HTTP.get(base + "/req-kill/consumptions", headers: headers)
        #expect(realised.status == 200 && realised.body.contains(#""requestID":"req-kill""#), "\(realised.body)")
        // Killed again after the confirmation: it is still confirmed (confirming again answers the same).
        kill(second.processIdentifier, SIGKILL)
        await TestSupport.waitForExit(second)
        let third = try await Self.start(in: directory, port: port)
        defer { if third.isRunning { kill(third.processIdentifier, SIGKILL) } }
        let again = try await HTTP.post(base + "/req-kill/confirm", json: Self.confirmation, headers: headers)
        #expect(again.status == 200, "\(again.body)")
        third.terminate()
        await TestSupport.waitForExit(third)
    }
}
