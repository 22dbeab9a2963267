import Foundation

/// Where the repository is, for the demo's certificates.
enum SmartOATestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
