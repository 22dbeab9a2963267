import Foundation
import Testing

/// `scripts/check-self-contained.sh`, the guard `scripts/test.sh` runs first, on a repository of
/// its own: it must refuse a tracked test that reads the shared folder beside the repository.
@Suite struct SelfContainedGuardTests {
    private static let guardScript = TestSupport.repositoryRoot.appendingPathComponent("scripts/check-self-contained.sh").path

    /// The folder the guard refuses, spelled so that this file does not contain it.
    private static let sharedFolder = ".." + "/" + "shared"

    /// A new git repository holding `files` (path → text), all tracked.
    private func repository(_ files: [String: String]) async throws -> URL {
        let root = try TestSupport.temporaryDirectory()
        #expect(try await TestSupport.run("/usr/bin/env", ["git", "init", "-q"], in: root).status == 0)
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        #expect(try await TestSupport.run("/usr/bin/env", ["git", "add", "."], in: root).status == 0)
        return root
    }

    @Test func refusesATestThatReadsTheSharedFolder() async throws {
        let root = try await repository([
            "Tests/SomeTests/Fixtures.swift": "let directory = \"../\" + \"shared\"\nlet other = \"\(Self.sharedFolder)/fixtures/tic\"\n",
            "Sources/Lib/Lib.swift": "let x = 1\n",
        ])
        let result = try await TestSupport.run("/bin/bash", [Self.guardScript, root.path])
        #expect(result.status == 1)
        #expect(result.output.contains("Tests/SomeTests/Fixtures.swift:2:"))
        #expect(!result.output.contains("Fixtures.swift:1:"))
    }

    @Test func passesARepositoryThatStandsAlone() async throws {
        let root = try await repository([
            "Tests/SomeTests/Fixtures.swift": "let directory = \"Tests/Fixtures/tic\"\n",
            "docs/history.md": "Once read from \(Self.sharedFolder)/fixtures.\n",
        ])
        let result = try await TestSupport.run("/bin/bash", [Self.guardScript, root.path])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func theRepositoryItselfStandsAlone() async throws {
        let result = try await TestSupport.run("/bin/bash", [Self.guardScript, TestSupport.repositoryRoot.path])
        #expect(result.status == 0, "\(result.output)")
    }
}
