import AdapterKit
import EnergyHost
import Foundation
import Testing

@Suite struct ConfigurationTests {
    private func load(_ json: String, environment: [String: String] = [:], extraFiles: [String: String] = [:])
        throws -> Result<ConfigurationLoader.Loaded, ConfigurationError>
    {
        let directory = try TestSupport.temporaryDirectory()
        for (name, content) in extraFiles { try TestSupport.write(content, to: name, in: directory) }
        let path = try TestSupport.write(json, to: "adapters.json", in: directory)
        do {
            return .success(try ConfigurationLoader(pluginDirectory: TestSupport.products, environment: environment).load(file: path))
        } catch {
            return .failure(error)
        }
    }

    private func issues(_ json: String, environment: [String: String] = [:]) throws -> [String] {
        guard case .failure(let error) = try load(json, environment: environment) else {
            Issue.record("the configuration was accepted")
            return []
        }
        return error.issues.map(\.description)
    }

    @Test func aValidConfigurationLoadsWithDefaultsAndResolvedPaths() throws {
        let loaded = try load(#"""
            {"host": {"id": "gw-1", "data_dir": "state"},
             "sites": [{"id": "s1", "adapters": [
                {"id": "rec", "plugin": "Recorder", "config": {}, "subscribe": ["sites/s1/#", {"topic": "sites/s1/+/commands"}]},
                {"id": "echo", "plugin": "CEcho", "restart": {"policy": "never"}}
             ]}]}
            """#).get()
        let configuration = loaded.configuration
        #expect(configuration.host.dataDirectory.hasSuffix("/state"))
        #expect(configuration.host.adminListen == ListenAddress("127.0.0.1:9480"))
        #expect(configuration.host.logLevel == .info)
        #expect(configuration.instances.map(\.id) == ["rec", "echo"])
        #expect(configuration.instances[0].subscriptions?.map(\.policy) == [.dropOldest, .lossless])
        #expect(configuration.instances[1].subscriptions == nil)
        #expect(configuration.instances[1].restart.mode == .never)
        #expect(configuration.instances[0].queueCapacity == 1024)
        #expect(Set(loaded.plugins.keys) == ["Recorder", "CEcho"])
    }

    @Test func fiveDifferentMistakesGiveFiveErrorsWithTheirPaths() throws {
        let found = try issues(#"""
            {"host": {"id": "gw", "colour": "blue"},
             "sites": [{"id": "s1", "adapters": [
                {"id": "rec", "plugin": "Recorder", "config": {"max_bytes": "big"}},
                {"id": "rec", "plugin": "Recorder"},
                {"id": "x", "plugin": "NoSuchAdapter"},
                {"id": "y", "plugin": "CEcho", "subscribe": ["sites/#/bad"]}
             ]}]}
            """#)
        #expect(found.count == 5, "\(found)")
        #expect(found.contains { $0.hasPrefix("host.colour: unknown key") })
        #expect(found.contains { $0.hasPrefix("sites[0].adapters[0].config.max_bytes: expected integer") })
        #expect(found.contains { $0.hasPrefix("sites[0].adapters[1].id: duplicate adapter id \"rec\"") })
        #expect(found.contains { $0.hasPrefix("sites[0].adapters[2].plugin: not found: no libNoSuchAdapter.so") })
        #expect(found.contains { $0.hasPrefix("sites[0].adapters[3].subscribe[0]: \"sites/#/bad\": # must be the last level") })
    }

    @Test(arguments: [
        ("127.0.0.1:99999", "port 99999 is out of range 0–65535"),
        ("127.0.0.1:9484:1", "an IPv6 address goes in brackets"),
        ("256.0.0.1:9484", "\"256.0.0.1\" is not an IPv4 address"),
        ("gateway:http", "is not a port number"),
        ("[::1:9484", "an IPv6 address goes in brackets"),
        (":9484", "no host"),
        ("bad_name!:9484", "is not a host name or IP address"),
    ])
    func malformedListenAddressesSayWhy(listen: String, reason: String) throws {
        let found = try issues(#"{"host": {"id": "gw", "admin": {"listen": "\#(listen)"}}, "sites": [{"id": "s", "adapters": []}]}"#)
        #expect(found.count == 1 && found[0].hasPrefix("host.admin.listen: ") && found[0].contains(reason), "\(found)")
    }

    @Test func wellFormedListenAddressesAreAccepted() throws {
        for listen in ["127.0.0.1:0", "[::1]:9480", "localhost:9480", "gw-1.site.example:65535", "0.0.0.0:9480"] {
            let loaded = try load(#"{"host": {"id": "gw", "admin": {"listen": "\#(listen)"}}, "sites": [{"id": "s", "adapters": []}]}"#)
            #expect((try? loaded.get()) != nil, "\(listen)")
        }
    }

    /// `host.plugin_dirs` are searched in order, before the executable's directory: a library in a
    /// configured directory is the one used, and the host's own are still found.
    @Test func pluginDirectoriesAreSearchedInOrderBeforeTheExecutables() async throws {
        let vendor = try TestSupport.temporaryDirectory()
        let vendorLibrary = try await TestSupport.buildCAdapter(flags: [], in: vendor)
        let directory = try TestSupport.temporaryDirectory()
        let path = try TestSupport.write(#"""
            {"host": {"id": "gw", "plugin_dirs": ["\#(vendor.path)"]},
             "sites": [{"id": "s", "adapters": [
                {"id": "echo", "plugin": "CEcho"}, {"id": "p", "plugin": "Probe", "config": {"mode": "echo"}}]}]}
            """#, to: "adapters.json", in: directory)
        let loaded = try ConfigurationLoader(environment: [:]).load(file: path)
        #expect(loaded.pluginLoader.directories == [vendor.path, PluginLoader.executableDirectory])
        #expect(loaded.configuration.host.pluginDirectories == loaded.pluginLoader.directories)
        #expect(loaded.plugins["CEcho"]?.path == vendorLibrary)
        #expect(loaded.plugins["Probe"]?.path == PluginLoader.executableDirectory + "/libProbe.so")
        // A mistake elsewhere in the host settings does not hide the configured directories.
        let broken = try TestSupport.write(#"""
            {"host": {"id": "gw", "log_level": "loud", "plugin_dirs": ["\#(vendor.path)"]},
             "sites": [{"id": "s", "adapters": [{"id": "echo", "plugin": "CEcho"}]}]}
            """#, to: "broken.json", in: directory)
        #expect {
            try ConfigurationLoader(environment: [:]).load(file: broken)
        } throws: { error in
            let text = "\(error)"
            return text.contains("host.log_level") && !text.contains("not found")
        }
    }

    @Test func pluginDirAndPluginDirsTogetherAreRefused() throws {
        let found = try issues(#"{"host": {"id": "gw", "plugin_dir": "a", "plugin_dirs": ["b"]}, "sites": [{"id": "s", "adapters": []}]}"#)
        #expect(found == ["host.plugin_dir: give plugin_dir or plugin_dirs, not both"])
    }

    @Test func aMaximumBackoffBelowTheInitialOneIsRefused() throws {
        let found = try issues(#"""
            {"host": {"id": "gw"}, "sites": [{"id": "s", "adapters": [
                {"id": "p", "plugin": "Probe", "config": {"mode": "echo"}, "restart": {"initial_backoff_ms": 5000, "max_backoff_ms": 100}}]}]}
            """#)
        #expect(found == ["sites[0].adapters[0].restart.max_backoff_ms: 100 is below initial_backoff_ms (5000)"])
    }

    @Test func commandSendersMustBeAdaptersOfTheSiteAndHostIsReserved() throws {
        let found = try issues(#"""
            {"host": {"id": "gw"}, "sites": [{"id": "s", "adapters": [
                {"id": "p", "plugin": "Probe", "config": {"mode": "echo"}, "accept_commands_from": ["q", "ghost"]},
                {"id": "q", "plugin": "Probe", "config": {"mode": "echo"}},
                {"id": "host", "plugin": "Probe", "config": {"mode": "echo"}}]}]}
            """#)
        #expect(found == [
            "sites[0].adapters[2].id: \"host\" is reserved for the host's own alarms",
            "sites[0].adapters[0].accept_commands_from[1]: no adapter \"ghost\" in site s",
        ])
    }

    @Test func structuralErrorsAreAllReported() throws {
        let found = try issues(#"{"host": {"log_level": "loud", "admin": {"listen": "nowhere"}}, "sites": [], "extra": 1}"#)
        #expect(found.contains("host.id: is required"))
        #expect(found.contains { $0.hasPrefix("host.log_level: \"loud\" is not one of") })
        #expect(found.contains("sites: must have at least 1 item"))
        #expect(found.contains { $0.hasPrefix("extra: unknown key") })
    }

    /// A reviewed file is exactly what runs: a key given twice (Foundation keeps one, jq and Python
    /// the other) or a trailing comma is an error with its position.
    @Test func duplicateKeysAndTrailingCommasAreRefusedWithTheirPosition() throws {
        let duplicate = try issues("{\"host\": {\"id\": \"gw\",\n  \"log_level\": \"info\",\n  \"log_level\": \"debug\"}, \"sites\": []}")
        #expect(duplicate == ["(file): invalid JSON: line 3, column 3: duplicate key \"log_level\" (first at line 2, column 3)"])
        let trailing = try issues("{\"host\": {\"id\": \"gw\",}, \"sites\": []}")
        #expect(trailing == ["(file): invalid JSON: line 1, column 22: trailing comma before }"])
    }

    @Test func invalidJSONSaysWhere() throws {
        let found = try issues("{\"host\": {\"id\": \"gw\" \"x\": 1}\n}")
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("(file): invalid JSON"))
    }

    @Test func environmentReferencesAreSubstitutedAndMissingOnesReported() throws {
        let loaded = try load(
            #"{"host": {"id": "${GATEWAY}", "data_dir": "/var/lib/${GATEWAY}"}, "sites": [{"id": "s", "adapters": []}]}"#,
            environment: ["GATEWAY": "gw-7"]
        ).get()
        #expect(loaded.configuration.host.id == "gw-7")
        #expect(loaded.configuration.host.dataDirectory == "/var/lib/gw-7")
        let found = try issues(#"{"host": {"id": "gw", "data_dir": "${NOPE}"}, "sites": [{"id": "s", "adapters": []}]}"#)
        #expect(found == ["host.data_dir: environment variable NOPE is not set"])
    }

    @Test func secretsComeFromTheEnvironmentOrAFileAndNeverInClear() async throws {
        // A C adapter whose schema marks "token" as x-secret (minimum 12 characters).
        let directory = try TestSupport.temporaryDirectory()
        _ = try await TestSupport.buildCAdapter(flags: ["-DCECHO_SECRET_FIELD"], in: directory)
        try TestSupport.write("s3cr3t-from-file\n", to: "token.txt", in: directory)
        func load(_ token: String, environment: [String: String] = [:]) throws -> Result<ConfigurationLoader.Loaded, ConfigurationError> {
            let json = #"{"host": {"id": "gw"}, "sites": [{"id": "s", "adapters": [{"id": "e", "plugin": "CEcho", "config": {"token": "\#(token)"}}]}]}"#
            let path = try TestSupport.write(json, to: "adapters.json", in: directory)
            do {
                return .success(try ConfigurationLoader(pluginDirectory: directory.path, environment: environment).load(file: path))
            } catch {
                return .failure(error)
            }
        }
        let fromFile = try load("file:token.txt").get()
        #expect(fromFile.configuration.instances[0].configJSON == #"{"token":"s3cr3t-from-file"}"#)
        let fromEnvironment = try load("${TOKEN}", environment: ["TOKEN": "long-enough-token"]).get()
        #expect(fromEnvironment.configuration.instances[0].configJSON == #"{"token":"long-enough-token"}"#)
        guard case .failure(let short) = try load("${TOKEN}", environment: ["TOKEN": "abc"]) else {
            Issue.record("a too short secret was accepted")
            return
        }
        #expect(short.issues.map(\.description) == ["sites[0].adapters[0].config.token: secret value rejected by the schema (value not shown)"])
        #expect(!short.description.contains("abc"))
        guard case .failure(let clear) = try load("hunter2-in-clear") else {
            Issue.record("a secret in clear was accepted")
            return
        }
        #expect(clear.issues.map(\.description) == ["sites[0].adapters[0].config.token: is a secret: give it as ${ENV_NAME} or file:/path, not in clear"])
        #expect(!clear.description.contains("hunter2"))
        guard case .failure(let missing) = try load("file:absent.txt") else {
            Issue.record("a missing secret file was accepted")
            return
        }
        #expect(missing.issues.first?.message.hasPrefix("secret file") == true)
    }
}
