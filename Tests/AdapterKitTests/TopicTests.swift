import AdapterKit
import Testing

/// What Tests/EnergyHostTests/BusTests.swift does not already cover: placeholders, NUL, and
/// the MQTT edge cases of `#`.
@Suite struct TopicTests {
    @Test func expandReplacesEveryPlaceholder() {
        #expect(Topic.expand("sites/{site}/{adapter}/in", site: "a", adapter: "tic") == "sites/a/tic/in")
        #expect(Topic.expand("{adapter}/{adapter}", site: "a", adapter: "x") == "x/x")
        #expect(Topic.expand("sites/+/measurements", site: "a", adapter: "x") == "sites/+/measurements")
    }

    @Test func hashAlsoMatchesTheParentLevel() {
        #expect(Topic.matches("sites/a", filter: "sites/a/#"))
        #expect(!Topic.matches("sites", filter: "sites/a/#"))
        #expect(Topic.matches("/a", filter: "+/a"))
        #expect(!Topic.matches("sites/a/b", filter: "sites/+"))
    }

    @Test func problemsOfTopicsAndFilters() {
        #expect(Topic.problem(in: "sites/a\u{0}b", isFilter: false) != nil)
        #expect(Topic.problem(in: "sites/#", isFilter: false) != nil)
        #expect(Topic.problem(in: "sites/#/", isFilter: true) != nil)
        #expect(Topic.problem(in: "#", isFilter: true) == nil)
        #expect(Topic.problem(in: "+/+/#", isFilter: true) == nil)
        #expect(Topic.problem(in: "sites/a/measurements", isFilter: false) == nil)
    }
}
