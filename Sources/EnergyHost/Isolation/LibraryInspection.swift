import Foundation

/// Opening a library in a runner process before this process does: `energy-host adapter-runner
/// --inspect <token>` opens it, calls its entry function, checks its descriptor, and writes the
/// token back on its socket. A crash, an exit or silence for ``limit`` is reported by name; the
/// library is then never opened here.
enum LibraryInspection {
    /// How long a library may take to load in the runner.
    static let limit = Duration.seconds(5)

    /// Throws ``PluginLoadError/Code/unsafeToLoad`` when the library is not safe to open.
    static func inspect(_ path: String, runner: String) throws(PluginLoadError) {
        let token = UUID().uuidString
        let launch = RunnerProcess.Launch(executable: runner, library: path, instance: "inspection", inspectToken: token)
        let (pid, socket) = try RunnerProcess.spawn(launch).get()
        defer { close(socket) }
        let answer = read(socket, waitingAtMost: limit)
        if answer == nil { kill(pid, SIGKILL) }
        let ending = RunnerProcess.reap(pid)
        if let answer, answer.contains(token), ending.isClean { return }
        let what = answer == nil ? "no answer in \(Int(limit.components.seconds)) s while loading" : "\(ending.description) while loading"
        throw PluginLoadError(.unsafeToLoad, library: path, what)
    }

    /// What the runner wrote before closing its socket, or nil after `limit` without an end.
    private static func read(_ socket: Int32, waitingAtMost limit: Duration) -> String? {
        let deadline = ContinuousClock.now + limit
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(socket, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
