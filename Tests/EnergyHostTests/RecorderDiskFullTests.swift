import AdapterKit
import AdapterKitTesting
import Foundation
import Testing

/// The demo's recorder writing on a small tmpfs that fills up, through the real `energy-host`:
/// the file keeps only whole lines, `/health` and the metrics say the recorder cannot write, the
/// log is not flooded, and recording resumes when space returns.
@Suite(.serialized) struct RecorderDiskFullTests {
    @Test(.timeLimit(.minutes(3))) func aFullDiskIsVisibleLeavesWholeLinesAndRecordingResumes() async throws {
        let disk = try SmallFilesystem(bytes: 1 << 20)
        defer { disk.unmount() }
        let file = disk.path + "/events.jsonl"
        let site = try DemoSite { adapter in
            if adapter["id"] as? String == "recorder" { adapter["config"] = ["path": file] }
        }
        // Little room left, so that the demo's events fill it within seconds even on a loaded machine.
        try disk.fill(leaving: 12 * 1024)
        let host = try site.start()
        defer { if host.isRunning { kill(host.processIdentifier, SIGKILL) } }

        try await DemoSite.waitFor(60, "/health reporting the recorder degraded") {
            guard let health = try? await HTTP.get(site.admin("/health")) else { return false }
            return health.status == 503 && health.body.contains(#""degraded":["demo/recorder"]"#)
        }
        try await Task.sleep(for: .seconds(3))
        let metrics = try await HTTP.get(site.admin("/metrics")).body
        #expect(metrics.contains(#"energy_adapter_health_degraded{site="demo",adapter="recorder"} 1"#))
        #expect(metrics.contains(#"energy_adapter_recorder_writing{site="demo",adapter="recorder"} 0"#))
        #expect(metrics.contains(#"energy_adapter_recorder_events_lost_total{site="demo",adapter="recorder"}"#))
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        #expect(throws: Never.self) { try text.split(separator: "\n").map { try Event(jsonLine: String($0)) } }
        // One error line, not one per batch.
        let log = try String(contentsOfFile: site.logPath, encoding: .utf8)
        #expect(log.components(separatedBy: "recording failed").count - 1 == 1)
        #expect(log.components(separatedBy: "handling delivered events failed").count - 1 == 0)

        // Space returns: recording resumes, health is ok again.
        let sizeBefore = text.utf8.count
        try disk.free()
        try await DemoSite.waitFor(20, "/health ok again") { (try? await HTTP.get(site.admin("/health")))?.status == 200 }
        try await DemoSite.waitFor(10, "the recording growing") {
            ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0) > sizeBefore
        }
        let resumed = try String(contentsOfFile: file, encoding: .utf8)
        #expect(throws: Never.self) { try resumed.split(separator: "\n").map { try Event(jsonLine: String($0)) } }
        host.terminate()
        host.waitUntilExit()
        let alarms = try resumed.split(separator: "\n").map { try Event(jsonLine: String($0)) }
            .filter { $0.topic == "sites/demo/recorder/alarms" }
        #expect(try alarms.map { try $0.decode(EnergyAlarm.self).active }.contains(false))
    }
}
