import EnergyHost
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `energy-host` process on the repository's demo configuration: time until the admin
/// API answers, and resident memory once events flow.
enum StartupBenchmark {
    static func run(configuration: String, runs: Int) async throws -> (startup: [Duration], rssKiB: [Int]) {
        var startups: [Duration] = []
        var rss: [Int] = []
        for _ in 0..<runs {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: PluginLoader.executableDirectory + "/energy-host")
            process.arguments = ["run", "--config", configuration, "--log-level", "warning"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let clock = ContinuousClock()
            let start = clock.now
            try process.run()
            while clock.now - start < .seconds(10) {
                if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:9480/health")!),
                    (response as? HTTPURLResponse)?.statusCode == 200
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            startups.append(clock.now - start)
            try await Task.sleep(for: .seconds(3))
            rss.append(residentKiB(process.processIdentifier))
            process.terminate()
            process.waitUntilExit()
        }
        return (startups, rss)
    }

    private static func residentKiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}
