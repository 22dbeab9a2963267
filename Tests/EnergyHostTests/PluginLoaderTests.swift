import AdapterKit
import AdapterKitHarness
import AdapterKitABI
import AdapterKitTesting
import EnergyHost
import Foundation
import Testing

/// Every refusal of the loader is distinct and names its cause. The faulty libraries are real:
/// Plugins/CEcho/cecho.c compiled by cc with a fault switch, as a third party would build them.
@Suite struct PluginLoaderTests {
    private func load(flags: [String]) async throws -> Result<LoadedPlugin, PluginLoadError> {
        let directory = try TestSupport.temporaryDirectory()
        let path = try await TestSupport.buildCAdapter(flags: flags, in: directory)
        do {
            return .success(try PluginLoader(directory: directory.path).load(path: path))
        } catch {
            return .failure(error)
        }
    }

    private func refusal(flags: [String]) async throws -> PluginLoadError {
        guard case .failure(let error) = try await load(flags: flags) else {
            Issue.record("the library built with \(flags) was accepted")
            throw PluginLoadError(.notFound, library: "", "accepted")
        }
        return error
    }

    @Test func aCAdapterBuiltOutsideThePackageLoads() async throws {
        let plugin = try await load(flags: []).get()
        #expect(plugin.typeName == "CEcho")
        #expect(plugin.toolchain.isEmpty)
        #expect(plugin.manifest.subscriptions.first?.policy == .lossless)
    }

    @Test func aLibraryBuiltAgainstAnotherABIMajorIsRefusedSayingSo() async throws {
        let error = try await refusal(flags: ["-DADAPTERKIT_ABI_MAJOR=2"])
        #expect(error.code == .abiMismatch)
        #expect(error.message.contains("ABI 2.\(ADAPTERKIT_ABI_MINOR)"))
        #expect(error.message.contains("this host speaks ABI 1.\(ADAPTERKIT_ABI_MINOR)"))
    }

    @Test func badMagic() async throws {
        let error = try await refusal(flags: ["-DCECHO_FAULT=1"])
        #expect(error.code == .badMagic)
        #expect(error.message.contains("0xDEADBEEF"))
    }

    @Test func toolchainMismatch() async throws {
        let error = try await refusal(flags: ["-DCECHO_FAULT=2"])
        #expect(error.code == .toolchainMismatch)
        #expect(error.message.contains("swift-5.9"))
    }

    @Test func missingFunction() async throws {
        let error = try await refusal(flags: ["-DCECHO_FAULT=3"])
        #expect(error.code == .missingSymbol)
        #expect(error.message.contains("deliver"))
    }

    @Test func invalidManifest() async throws {
        let error = try await refusal(flags: ["-DCECHO_FAULT=4"])
        #expect(error.code == .invalidManifest)
    }

    @Test func noEntrySymbolIsNotAPlugin() async throws {
        let error = try await refusal(flags: ["-DCECHO_FAULT=5"])
        #expect(error.code == .notAPlugin)
        #expect(error.message.contains("adapterkit_plugin_v1"))
    }

    @Test func aFileThatIsNotASharedLibraryCannotBeOpened() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try TestSupport.write("not an ELF file", to: "libBroken.so", in: directory)
        #expect { try PluginLoader(directory: directory.path).load(path: path) } throws: {
            ($0 as? PluginLoadError)?.code == .openFailed
        }
    }

    @Test func anUnknownTypeNameListsWhatIsThere() throws {
        #expect { try PluginLoader(directory: TestSupport.products).load(typeName: "Nope") } throws: { error in
            guard let error = error as? PluginLoadError else { return false }
            return error.code == .notFound && error.message.contains("libRecorder.so")
        }
    }

    @Test func aRefusedConfigurationCarriesTheAdaptersOwnMessageAndCode() async throws {
        let harness = try PluginHarness(typeName: "CEcho")
        await #expect { try await harness.makeInstance(configuration: #"{"stream": "a/b"}"#) } throws: { error in
            guard let error = error as? PluginLoadError else { return false }
            return error.code == .invalidConfiguration && error.message == "config.stream must be one topic level without wildcards"
        }
    }

    @Test func aCAdapterValidatesThroughTheABIWithoutCreating() throws {
        let plugin = try PluginHarness(typeName: "CEcho").plugin
        let environment = ValidationEnvironment(siteID: "s", instanceID: "e", dataDirectory: "/nonexistent", configurationDirectory: "/")
        #expect(plugin.validate(configJSON: #"{"stream": "ok"}"#, environment: environment) == [])
        #expect(plugin.validate(configJSON: #"{"stream": "a/b"}"#, environment: environment)
            == [ConfigurationIssue("", "config.stream must be one topic level without wildcards")])
    }

    @Test func aLibraryOfAnOlderMinorWithoutValidateIsNotAskedToValidate() async throws {
        let directory = try TestSupport.temporaryDirectory()
        _ = try await TestSupport.buildCAdapter(flags: ["-DCECHO_ABI_1_1_DESCRIPTOR"], in: directory)
        let plugin = try PluginLoader(directory: directory.path).load(typeName: "CEcho")
        #expect(!plugin.canValidate)
        let environment = ValidationEnvironment(siteID: "s", instanceID: "e", dataDirectory: "/nonexistent", configurationDirectory: "/")
        #expect(plugin.validate(configJSON: #"{"stream": "a/b"}"#, environment: environment) == [])
    }

    @Test func theSwiftAdaptersDeclareTheHostsToolchain() throws {
        for name in ["Recorder", "Replay", "Probe"] {
            let plugin = try PluginHarness(typeName: name).plugin
            #expect(plugin.toolchain.hasPrefix("swift-"))
            #expect(plugin.abiMajor == 1)
        }
    }
}
