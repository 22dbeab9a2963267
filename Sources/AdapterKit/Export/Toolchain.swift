/// The identity of the Swift toolchain this code was compiled with, as the descriptor carries it.
///
/// Swift has no stable ABI on Linux: a library must be built by the host's own toolchain. The host
/// compares its identity with each library's and refuses a mismatch.
package enum Toolchain {
    package static let identity = "swift-\(compilerVersion) \(architecture)-\(operatingSystem)"

    private static var compilerVersion: String {
        #if compiler(>=6.5)
        "6.5+"
        #elseif compiler(>=6.4)
        "6.4"
        #elseif compiler(>=6.3.2)
        "6.3.2+"
        #elseif compiler(>=6.3.1)
        "6.3.1"
        #elseif compiler(>=6.3)
        "6.3.0"
        #elseif compiler(>=6.2)
        "6.2"
        #else
        "6.1-"
        #endif
    }

    private static var architecture: String {
        #if arch(x86_64)
        "x86_64"
        #elseif arch(arm64)
        "aarch64"
        #else
        "unknown"
        #endif
    }

    private static var operatingSystem: String {
        #if os(Linux)
        "linux"
        #elseif os(macOS)
        "macos"
        #else
        "unknown"
        #endif
    }
}
