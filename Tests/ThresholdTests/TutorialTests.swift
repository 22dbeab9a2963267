import Foundation
import Testing

/// docs/writing-an-adapter.md shows this adapter and these tests in full: the page must show them
/// as they are, so that the tutorial's code is the code that compiles and passes.
@Suite struct TutorialTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func file(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func theTutorialShowsTheAdapterAndItsTestsAsTheyAre() throws {
        let page = try file("docs/writing-an-adapter.md")
        let blocks = page.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "\n```\n")[0] + "\n" }
        #expect(blocks.contains(try file("Plugins/Threshold/Adapter/ThresholdAdapter.swift")))
        #expect(blocks.contains(try file("Tests/ThresholdTests/ThresholdTests.swift")))
        #expect(blocks.contains(try file("Plugins/Threshold/Export/EntryPoint.swift")))
    }
}
