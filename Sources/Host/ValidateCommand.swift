import ArgumentParser
import EnergyHost

/// `energy-host validate`: checks a configuration (and the plugins it names) without running it.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration and print every error with its JSON path."
    )

    @OptionGroup var options: ConfigurationOptions

    func run() throws {
        do {
            let loaded = try ConfigurationLoader(pluginDirectories: options.pluginsDirectories, checksAdapters: true, inspectsLibraries: true).load(file: options.config)
            let configuration = loaded.configuration
            print("\(options.config): valid — \(configuration.sites.count) site(s), \(configuration.instances.count) adapter(s)")
            for instance in configuration.instances {
                let plugin = loaded.plugins[instance.plugin]
                print("  \(instance.siteID)/\(instance.id): \(instance.plugin) \(plugin?.version ?? "")")
            }
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}
