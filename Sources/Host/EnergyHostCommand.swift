import ArgumentParser

/// `energy-host`: loads protocol adapters and routes normalized energy events between them.
@main
struct EnergyHostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "energy-host",
        abstract: "Loads energy protocol adapters (lib<Name>.so) and routes their events.",
        version: "0.1.0",
        subcommands: [RunCommand.self, ValidateCommand.self, PluginsCommand.self, CtlCommand.self, RunnerCommand.self]
    )
}

/// Options shared by the subcommands that read a configuration.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The configuration file.")
    var config = "adapters.json"

    @Option(name: .customLong("plugins-dir"), help: "Where lib<Name>.so are found; repeat it to search several directories in order (replaces host.plugin_dirs). The executable's own directory is always searched last.")
    var pluginsDirectories: [String] = []
}
