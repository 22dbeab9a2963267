import AdapterKit
import AdapterKitTesting
import Foundation
import EnergyRecorder
import Testing

@Suite struct RecorderConfigurationTests {
    @Test func aDirectoryAsPathIsRefusedNamingThePath() throws {
        let directory = try RecorderSupport.temporaryDirectory()
        let host = try InMemoryHost()
        let error = #expect(throws: AdapterError.self) {
            try host.makeAdapter(RecorderAdapter.self, configuration: RecorderSupport.configuration(path: directory))
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains(directory) == true, "\(error?.message ?? "")")
    }

    @Test func schemaViolationsAreRefused() throws {
        let host = try InMemoryHost()
        let error = #expect(throws: AdapterError.self) {
            try host.makeAdapter(RecorderAdapter.self, configuration: #"{"max_bytes": 10, "keep": -1, "path": ""}"#)
        }
        #expect(error?.code == .invalidConfiguration)
        for path in ["config.max_bytes", "config.keep", "config.path"] {
            #expect(error?.message.contains(path) == true, "\(path)")
        }
    }

    @Test func theManifestDeclaresDefaultsAndTheSiteSubscription() throws {
        let schema = RecorderAdapter.description.configurationSchema.value
        #expect(schema["properties"]?["path"]?["default"] == .string("events.jsonl"))
        #expect(schema["properties"]?["max_bytes"]?["default"] == .number(10 * 1024 * 1024))
        #expect(schema["properties"]?["keep"]?["default"] == .number(5))
        #expect(RecorderAdapter.description.subscriptions.map(\.topic) == ["sites/{site}/#"])
    }
}

