import AdapterKit
import AdapterKitHarness
import AdapterKitTesting
import EnergyHost
import Foundation

/// Paths and processes the host tests use.
enum TestSupport {
    /// The repository's root (this file is Tests/EnergyHostTests/Support/TestSupport.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Where `swift build` put energy-host and the adapter libraries.
    static let products = PluginHarness.builtProductsDirectory

    static var hostExecutable: String { products + "/energy-host" }

    /// A new empty directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("energy-host-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to `name` in `directory` and returns its path.
    @discardableResult
    static func write(_ text: String, to name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Runs a program to completion; returns its exit status and combined output. `environment`
    /// adds variables to the test process's own. The wait happens on a thread of its own: tests
    /// run on Swift's cooperative pool, two threads on a 2-core machine, and a child running for
    /// seconds (a compiler, `validate` waiting out a hung library) must not hold one of them.
    static func run(
        _ executable: String,
        _ arguments: [String],
        in directory: URL? = nil,
        environment: [String: String] = [:]
    ) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let reader = pipe.fileHandleForReading
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let data = reader.readToEndRetryingInterrupts()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
            }
        }
    }

    /// Waits for `process` to end without holding a thread of the cooperative pool (a host's
    /// graceful shutdown takes seconds).
    static func waitForExit(_ process: Process) async {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// Builds Plugins/CEcho/cecho.c into `lib<name>.so` with extra C flags (fault injection,
    /// another ABI version), as a third party would build an adapter against adapterkit.h.
    static func buildCAdapter(flags: [String], name: String = "CEcho", in directory: URL) async throws -> String {
        let output = directory.appendingPathComponent("lib\(name).so").path
        let result = try await run("/usr/bin/env", [
            "cc", "-shared", "-fPIC", "-std=c11", "-O1",
            "-I", repositoryRoot.appendingPathComponent("Sources/AdapterKitABI/include").path,
        ] + flags + [repositoryRoot.appendingPathComponent("Plugins/CEcho/cecho.c").path, "-o", output])
        guard result.status == 0 else { throw CompileError(output: result.output) }
        return output
    }

    struct CompileError: Error, CustomStringConvertible {
        var output: String
        var description: String { "cc failed: \(output)" }
    }
}

