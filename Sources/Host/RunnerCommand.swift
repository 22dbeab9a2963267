import ArgumentParser
import EnergyHost

/// `energy-host adapter-runner` (hidden): one adapter instance in a process of its own, started by
/// the host for an instance with `isolation: "process"`, speaking to it on descriptor 3.
struct RunnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapter-runner",
        abstract: "Runs one adapter instance for the host (started by energy-host itself).",
        shouldDisplay: false
    )

    @Option(help: "The adapter library.")
    var library: String

    @Option(help: "The instance, site/id.")
    var instance: String

    @Option(help: "The host's process id: the runner ends with it.")
    var parentPid: Int32

    @Option(help: "Address-space limit in MiB.")
    var memoryMb: Int?

    @Option(help: "Open-file limit.")
    var openFiles: Int?

    @Option(help: "Only open the library, then write this token back.")
    var inspect: String?

    func run() async throws {
        if let inspect { AdapterRunner.inspect(library: library, parentPID: parentPid, token: inspect) }
        await AdapterRunner.run(AdapterRunner.Options(
            library: library,
            instance: instance,
            parentPID: parentPid,
            limits: RunnerLimits(memoryMB: memoryMb, openFiles: openFiles)
        ))
    }
}
