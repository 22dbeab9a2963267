public import ArgumentParser
import EnergyHost
public import Logging

/// `energy-host run`: validates the configuration, then runs every adapter until SIGTERM/SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the adapters of a configuration until SIGTERM or SIGINT."
    )

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "Override host.log_level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: Logger.Level?

    func run() async throws {
        let loaded: ConfigurationLoader.Loaded
        do {
            loaded = try ConfigurationLoader(pluginDirectories: options.pluginsDirectories).load(file: options.config)
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        let level = logLevel ?? loaded.configuration.host.logLevel
        LoggingSystem.bootstrap { label in
            var handler = EscapingLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "energy-host")
        logger[metadataKey: "host.id"] = "\(loaded.configuration.host.id)"
        var adjusted = loaded
        adjusted.configuration.host.logLevel = level
        let (directories, file) = (options.pluginsDirectories, options.config)
        let reloader: @Sendable () throws -> ConfigurationLoader.Loaded = {
            var reloaded = try ConfigurationLoader(pluginDirectories: directories).load(file: file)
            reloaded.configuration.host.logLevel = level
            return reloaded
        }
        do {
            try await HostRuntime(loaded: adjusted, logger: logger, reloader: reloader).run()
        } catch let error as AdminListenError {
            logger.critical("host stopped: \(error)")
            printError("energy-host: \(error)")
            throw ExitCode(1)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
