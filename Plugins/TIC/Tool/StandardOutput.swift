import Foundation

/// Standard output written in large blocks, straight to the file descriptor.
enum StandardOutput {
    /// Writes all of `bytes`; false when the output is closed or failed (e.g. a closed pipe).
    @discardableResult
    static func write(_ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let written = Foundation.write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
