package import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension FileHandle {
    /// Everything the handle gives until its end (a child process's output), read with read(2)
    /// and read again when a signal interrupts it: Foundation's `readDataToEndOfFile` crashes on
    /// an interrupted read (`try!` on EINTR), which children exiting while tests run in parallel
    /// cause.
    package func readToEndRetryingInterrupts() -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = Glibc.read(fileDescriptor, &buffer, buffer.count)
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                return data
            }
        }
    }
}
