import EnergyHostSupport
import Foundation
import Synchronization

/// Starting a runner process and telling how it ended.
///
/// The runner asks the kernel to kill it when its parent goes (`PR_SET_PDEATHSIG`), which Linux
/// ties to the thread that started it: runners are therefore started from one thread that lives
/// as long as the host, never from a pool thread that may end when idle.
public enum RunnerProcess {
    /// What a runner is started with.
    struct Launch: Sendable {
        /// The runner executable: `energy-host` itself.
        var executable: String
        /// The adapter library the runner loads.
        var library: String
        /// The instance, for the runner's process title and messages.
        var instance: String
        /// Address-space limit, in MiB (`RLIMIT_AS`), if any.
        var memoryMB: Int?
        /// Open-file limit (`RLIMIT_NOFILE`), if any.
        var openFiles: Int?
        /// Only open the library and write this token back (``LibraryInspection``).
        var inspectToken: String?

        var arguments: [String] {
            var arguments = [executable, RunnerProcess.subcommand, "--library", library, "--instance", instance, "--parent-pid", "\(getpid())"]
            if let memoryMB { arguments += ["--memory-mb", "\(memoryMB)"] }
            if let openFiles { arguments += ["--open-files", "\(openFiles)"] }
            if let inspectToken { arguments += ["--inspect", inspectToken] }
            return arguments
        }
    }

    /// The hidden subcommand of `energy-host` that runs one adapter instance.
    static let subcommand = "adapter-runner"
    /// The descriptor the runner finds its socket on.
    static let socketDescriptor: Int32 = 3

    /// The thread every runner is started from (see above).
    private static let spawner = AdapterCallThread(name: "runner-spawner")

    /// The path of the running executable.
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Starts a runner; returns its pid and the host's end of its socket.
    static func start(_ launch: Launch) async throws(PluginLoadError) -> (pid: pid_t, socket: Int32) {
        let result = await spawner.submitting { spawn(launch) }.waitIgnoringCancellation()
        switch result {
        case .success(let started)?: return started
        case .failure(let error)?: throw error
        case nil: throw PluginLoadError(.createRefused, library: launch.library, "the runner could not be started")
        }
    }

    /// Starts a runner from the calling thread (which should outlive it; see above).
    static func spawn(_ launch: Launch) -> Result<(pid: pid_t, socket: Int32), PluginLoadError> {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            return .failure(PluginLoadError(.createRefused, library: launch.library, "cannot make the runner's socket: \(String(cString: strerror(errno)))"))
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // dup2 onto the same number would keep close-on-exec: go through a spare number first.
        var childEnd = pair[1]
        if childEnd == socketDescriptor {
            childEnd = fcntl(pair[1], F_DUPFD_CLOEXEC, 10)
            close(pair[1])
            pair[1] = childEnd
        }
        posix_spawn_file_actions_adddup2(&actions, childEnd, socketDescriptor)
        ehs_spawn_close_from(&actions, socketDescriptor + 1)
        var argv: [UnsafeMutablePointer<CChar>?] = launch.arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var environment: [UnsafeMutablePointer<CChar>?] = runnerEnvironment.map { strdup($0) } + [nil]
        defer { environment.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, launch.executable, &actions, &attributes, &argv, &environment)
        close(pair[1])
        guard code == 0 else {
            close(pair[0])
            return .failure(PluginLoadError(.createRefused, library: launch.library, "cannot start the runner \(launch.executable): \(String(cString: strerror(code)))"))
        }
        return .success((pid, pair[0]))
    }

    /// The host's environment, with Swift's crash backtracer off unless the operator set it: a
    /// crashing adapter is reported by its signal, and symbolicating its backtrace would cost the
    /// gateway seconds of CPU at each crash.
    private static var runnerEnvironment: [String] {
        var entries: [String] = []
        var index = 0
        while let entry = environ[index] {
            entries.append(String(cString: entry))
            index += 1
        }
        if !entries.contains(where: { $0.hasPrefix("SWIFT_BACKTRACE=") }) { entries.append("SWIFT_BACKTRACE=enable=no") }
        return entries
    }

    /// How a runner ended: a sentence for people and a short label for metrics.
    struct Ending: Sendable, Equatable {
        /// "exited with status 3", "crashed with SIGSEGV (segmentation fault)", "was killed by SIGKILL".
        var description: String
        /// `exit_3`, `SIGSEGV`, `SIGKILL`.
        var label: String
        /// A clean exit (status 0).
        var isClean: Bool { label == "exit_0" }
        /// Ended by a signal other than SIGKILL and SIGTERM.
        var isCrash: Bool { description.hasPrefix("crashed") }
    }

    /// Waits for the runner `pid` to end (killing it after `grace`) and says how it ended.
    static func reap(_ pid: pid_t, grace: Duration = .seconds(2)) -> Ending {
        var status: Int32 = 0
        let deadline = ContinuousClock.now + grace
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return describe(status) }
            if result < 0 && errno != EINTR { return Ending(description: "ended (\(String(cString: strerror(errno))))", label: "unknown") }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return Ending(description: "closed its socket without exiting: killed", label: "hung")
            }
            usleep(5_000)
        }
    }

    static func describe(_ status: Int32) -> Ending {
        let signal = status & 0x7f
        if signal == 0 {
            let code = (status >> 8) & 0xff
            return Ending(description: "exited with status \(code)", label: "exit_\(code)")
        }
        let name = signalNames[signal].map { "SIG\($0)" } ?? "signal_\(signal)"
        let what = String(cString: strsignal(signal)).lowercased()
        let sentence = signal == SIGKILL || signal == SIGTERM ? "was killed by \(name)" : "crashed with \(name) (\(what))"
        return Ending(description: sentence, label: name)
    }

    private static let signalNames: [Int32: String] = [
        SIGHUP: "HUP", SIGINT: "INT", SIGQUIT: "QUIT", SIGILL: "ILL", SIGTRAP: "TRAP", SIGABRT: "ABRT",
        SIGBUS: "BUS", SIGFPE: "FPE", SIGKILL: "KILL", SIGUSR1: "USR1", SIGSEGV: "SEGV", SIGUSR2: "USR2",
        SIGPIPE: "PIPE", SIGALRM: "ALRM", SIGTERM: "TERM", SIGXCPU: "XCPU", SIGXFSZ: "XFSZ", SIGSYS: "SYS",
    ]
}
