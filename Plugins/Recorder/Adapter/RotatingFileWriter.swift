import AdapterKit
import Foundation
import Synchronization

/// An append-only file that rotates to `path.1`, `path.2`... when a write would exceed `maxBytes`.
///
/// Thread-safe; the descriptor is closed (after an fsync) when the writer is released.
final class RotatingFileWriter: Sendable {
    let path: String
    private let maxBytes: Int
    private let keep: Int
    private let file = Mutex<(descriptor: Int32, size: Int)>((-1, 0))

    init(path: String, maxBytes: Int, keep: Int) throws {
        self.path = path
        self.maxBytes = maxBytes
        self.keep = keep
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AdapterError(.invalidConfiguration, "cannot create the directory of \(path): \(error.localizedDescription)")
        }
        let opened = try Self.open(path, code: .invalidConfiguration)
        file.withLock { $0 = opened }
    }

    deinit {
        file.withLock { file in
            guard file.descriptor >= 0 else { return }
            fsync(file.descriptor)
            close(file.descriptor)
        }
    }

    /// Appends `bytes` with one write, rotating first when needed. After a failed rotation the
    /// file is reopened by the next write. A write cut short (a full disk) is undone: the file is
    /// truncated back to its size before, so that it only ever holds whole batches.
    func write(_ bytes: [UInt8]) throws {
        try file.withLock { file in
            if file.descriptor < 0 {
                file = try Self.open(path, code: .failed)
            }
            if file.size > 0, file.size + bytes.count > maxBytes {
                try rotate(&file)
            }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { Foundation.write(file.descriptor, $0.baseAddress, $0.count) }
                guard written >= 0 else {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    // Shrinking a file needs no free space.
                    if offset > 0 { _ = ftruncate(file.descriptor, off_t(file.size)) }
                    throw AdapterError(.failed, "writing \(path) failed: \(reason)")
                }
                offset += written
            }
            file.size += bytes.count
        }
    }

    /// Flushes the file to storage.
    func sync() throws {
        try file.withLock { file in
            guard file.descriptor < 0 || fsync(file.descriptor) == 0 else {
                throw AdapterError(.failed, "fsync \(path) failed: \(String(cString: strerror(errno)))")
            }
        }
    }

    private func rotate(_ file: inout (descriptor: Int32, size: Int)) throws {
        fsync(file.descriptor)
        close(file.descriptor)
        file = (-1, 0)
        if keep == 0 {
            unlink(path)
        } else {
            unlink("\(path).\(keep)")
            for index in stride(from: keep - 1, through: 1, by: -1) {
                rename("\(path).\(index)", "\(path).\(index + 1)")
            }
            rename(path, "\(path).1")
        }
        file = try Self.open(path, code: .failed)
    }

    private static func open(_ path: String, code: AdapterError.Code) throws -> (descriptor: Int32, size: Int) {
        let descriptor = Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw AdapterError(code, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        fstat(descriptor, &status)
        return (descriptor, Int(status.st_size))
    }
}
