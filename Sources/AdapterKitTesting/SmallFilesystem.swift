import Foundation

/// A small tmpfs mounted on a fresh temporary directory, to test what an adapter does when its
/// disk is full (needs root, as the project's test scripts run). Fill it with ``fill(leaving:)``,
/// free it with ``free()``, and ``unmount()`` it at the end.
public final class SmallFilesystem: Sendable {
    /// Where it is mounted.
    public let path: String

    /// Mounts a tmpfs of `bytes` bytes.
    public init(bytes: Int) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("small-fs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", path])
    }

    /// Writes a filler file taking all the space but `bytes`.
    public func fill(leaving bytes: Int) throws {
        var status = statvfs()
        guard statvfs(path, &status) == 0 else { throw Failure(message: "statvfs \(path) failed") }
        let free = Int(status.f_bavail) * Int(status.f_frsize)
        let size = max(free - bytes, 0)
        guard FileManager.default.createFile(atPath: fillerPath, contents: Data(count: size)) else {
            throw Failure(message: "cannot write the filler file in \(path)")
        }
    }

    /// Removes the filler file.
    public func free() throws {
        try FileManager.default.removeItem(atPath: fillerPath)
    }

    /// Unmounts the filesystem and removes its directory.
    public func unmount() {
        try? Self.run("/bin/umount", [path])
        try? FileManager.default.removeItem(atPath: path)
    }

    private var fillerPath: String { path + "/filler" }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readToEndRetryingInterrupts(), as: UTF8.self)
            throw Failure(message: "\(executable) \(arguments.joined(separator: " ")) failed: \(message)")
        }
    }

    /// A mount or fill that failed.
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
