import AdapterKit
import ArgumentParser
import EnergyHost
import Foundation

/// `energy-host plugins`: lists the adapter libraries found, with version, ABI and manifest.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the adapter libraries in the plugin directory, or why each cannot be used (exit status 1 if any is refused)."
    )

    @Option(name: .customLong("plugins-dir"), help: "Where lib<Name>.so are found; repeat it to search several directories in order, before the executable's own directory.")
    var pluginsDirectories: [String] = []

    @Flag(help: "Also print each plugin's manifest (configuration schema, streams, subscriptions).")
    var manifest = false

    func run() throws {
        // As run and validate do: the given directories, then the executable's own.
        let executable = PluginLoader.executableDirectory
        let loader = PluginLoader(directories: pluginsDirectories.filter { $0 != executable } + [executable])
        let libraries = loader.candidateLibraries()
        let plural = loader.directories.count == 1 ? "directory" : "directories"
        print("plugin \(plural): \(loader.directories.joined(separator: ", ")) (\(libraries.count) libraries)")
        var refused = 0
        for path in libraries {
            let file = URL(fileURLWithPath: path).lastPathComponent
            do {
                let plugin = try loader.load(path: path, inspectingWith: RunnerProcess.currentExecutable)
                let toolchain = plugin.toolchain.isEmpty ? "no Swift runtime" : plugin.toolchain
                print("\(plugin.typeName) \(plugin.version)  ABI \(plugin.abiMajor).\(plugin.abiMinor)  \(toolchain)  \(file)")
                if !plugin.manifest.summary.isEmpty { print("  \(plugin.manifest.summary)") }
                for publication in plugin.manifest.publishes {
                    print("  publishes \(publication.stream) (\(publication.kind))")
                }
                for subscription in plugin.manifest.subscriptions {
                    print("  subscribes \(subscription.topic) (\(subscription.policy.rawValue))")
                }
                if manifest { print("  config schema: \(plugin.manifest.configSchemaJSON)") }
            } catch {
                print("\(file): refused — \(error.code): \(error.message)")
                refused += 1
            }
        }
        if refused > 0 { throw ExitCode(1) }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
