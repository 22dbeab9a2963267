import AdapterKitHarness
import Testing

/// The built libSitePower.so through energy-host's real loader and C ABI.
@Suite struct SitePowerConformanceTests {
    @Test func conformance() async throws {
        try await AdapterConformance(
            typeName: "SitePower",
            validConfiguration: #"{"devices": ["meter"]}"#,
            invalidConfiguration: #"{"devices": []}"#
        ).run()
    }
}
