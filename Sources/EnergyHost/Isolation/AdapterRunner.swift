import AdapterKit
import EnergyHostSupport
import Foundation
import Logging

/// The runner process's side (`energy-host adapter-runner`, started by the host only): loads one
/// adapter library, makes the calls the host's messages ask for on the instance's own thread
/// (``PluginInstance``, as in the host) and sends back their completions and the instance's
/// publishes, logs and metrics. It dies with the host.
package enum AdapterRunner {
    /// What the host starts the runner with.
    package struct Options: Sendable {
        package var library: String
        package var instance: String
        package var parentPID: Int32
        package var limits: RunnerLimits

        package init(library: String, instance: String, parentPID: Int32, limits: RunnerLimits) {
            self.library = library
            self.instance = instance
            self.parentPID = parentPID
            self.limits = limits
        }
    }

    /// Runs until the host destroys the instance or goes away; never returns.
    package static func run(_ options: Options) async -> Never {
        // Die with the host, even when it is killed with SIGKILL; it may already be gone.
        guard ehs_die_with_parent() == 0, getppid() == options.parentPID else { exit(70) }
        apply(options.limits)
        let channel = FramedChannel(fd: RunnerProcess.socketDescriptor, name: "runner")
        let (messages, continuation) = AsyncStream.makeStream(of: RunnerMessage.self)
        channel.startReading({ continuation.yield($0) }, ended: { _ in continuation.finish() })
        let plugin = Result { () throws(PluginLoadError) in try PluginLoader(directories: []).load(path: options.library) }
        var session = Session(channel: channel, plugin: plugin)
        for await message in messages {
            if await session.handle(message) { break }
        }
        // Destroyed, or the host closed the socket: what was queued goes out before the exit.
        await session.waitForDestroy()
        channel.closeAndFlush(waitingAtMost: .seconds(2))
        exit(0)
    }

    /// Opens `library` and calls its entry function (``LibraryInspection``), then writes `token`
    /// back: whether the library is a valid adapter is for the host to say; what counts here is
    /// that loading it neither crashed, nor exited, nor hung.
    package static func inspect(library: String, parentPID: Int32, token: String) -> Never {
        guard ehs_die_with_parent() == 0, getppid() == parentPID else { exit(70) }
        _ = Result { () throws(PluginLoadError) in try PluginLoader(directories: []).load(path: library) }
        let line = Array("\(token)\n".utf8)
        _ = line.withUnsafeBytes { Glibc.write(RunnerProcess.socketDescriptor, $0.baseAddress, $0.count) }
        exit(0)
    }

    private static func apply(_ limits: RunnerLimits) {
        if let memoryMB = limits.memoryMB {
            var limit = rlimit(rlim_cur: rlim_t(memoryMB) << 20, rlim_max: rlim_t(memoryMB) << 20)
            setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        }
        if let openFiles = limits.openFiles {
            var limit = rlimit(rlim_cur: rlim_t(openFiles), rlim_max: rlim_t(openFiles))
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }

    /// The one instance of the runner and the calls under way.
    private struct Session {
        let channel: FramedChannel
        let plugin: Result<LoadedPlugin, PluginLoadError>
        var services: RunnerServices?
        var instance: PluginInstance?
        var destroyed: Task<Void, Never>?

        init(channel: FramedChannel, plugin: Result<LoadedPlugin, PluginLoadError>) {
            self.channel = channel
            self.plugin = plugin
        }

        /// Handles one message from the host; true once the instance is destroyed.
        mutating func handle(_ message: RunnerMessage) async -> Bool {
            switch message {
            case .create(let creation):
                await create(creation)
            case .start:
                guard let instance else { channel.send(.started(false)); return false }
                let channel = channel
                Task {
                    let started = await instance.start()
                    channel.send(.started(started))
                    channel.send(.runDone(await instance.waitUntilStopped()))
                }
            case .deliver(let id, let events):
                guard let instance else { channel.send(.delivered(id: id, handled: false)); return false }
                let channel = channel
                // The host waits for each batch before the next: they cannot overtake each other.
                Task { channel.send(.delivered(id: id, handled: await instance.deliver(events) == .delivered)) }
            case .stop:
                instance?.stop()
            case .publishAcknowledged(let count, let ready):
                services?.acknowledge(count, ready: ready)
            case .ping:
                channel.send(.pong)
            case .destroy:
                if let instance { destroyed = Task { await instance.destroyAndWait() } }
                return true
            case .created, .started, .delivered, .runDone, .publish, .log, .metric, .destroyed, .pong:
                break
            }
            return false
        }

        private mutating func create(_ creation: RunnerMessage.Creation) async {
            let plugin: LoadedPlugin
            switch self.plugin {
            case .success(let loaded): plugin = loaded
            case .failure(let error):
                channel.send(.created(failure: error.message, invalidConfiguration: false))
                return
            }
            let services = RunnerServices(creation: creation, channel: channel)
            do throws(PluginLoadError) {
                instance = try await PluginInstance.create(
                    plugin: plugin,
                    configJSON: creation.configJSON,
                    source: services,
                    dataDirectory: creation.dataDirectory,
                    configurationDirectory: creation.configurationDirectory,
                    minimumLevel: creation.minimumLevel,
                    clock: ContinuousClock()
                )
                self.services = services
                channel.send(.created(failure: nil, invalidConfiguration: false))
            } catch {
                channel.send(.created(failure: error.message, invalidConfiguration: error.code == .invalidConfiguration))
            }
        }

        func waitForDestroy() async {
            await destroyed?.value
        }
    }
}
