// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "energy-host",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "energy-host", targets: ["EnergyHostCommand"]),
        .executable(name: "tic-decode", targets: ["EnergyTICDecode"]),
        .executable(name: "energy-sim", targets: ["EnergySim"]),
        .library(name: "AdapterKit", targets: ["AdapterKit"]),
        .library(name: "AdapterKitTesting", targets: ["AdapterKitTesting"]),
        .library(name: "AdapterKitHarness", targets: ["AdapterKitHarness"]),
        .library(name: "AdapterKitStorage", targets: ["AdapterKitStorage"]),
        .library(name: "AdapterKitHTTPClient", targets: ["AdapterKitHTTPClient"]),
        .library(name: "AdapterKitHTTPCore", targets: ["AdapterKitHTTPCore"]),
        .library(name: "AdapterKitHTTPServer", targets: ["AdapterKitHTTPServer"]),
        .library(name: "AdapterKitSchedules", targets: ["AdapterKitSchedules"]),
        // One dynamic library per adapter: the host finds `lib<Name>.so` next to itself.
        .library(name: "Recorder", type: .dynamic, targets: ["EnergyRecorderExport"]),
        .library(name: "Replay", type: .dynamic, targets: ["EnergyReplayExport"]),
        .library(name: "Probe", type: .dynamic, targets: ["EnergyProbeExport"]),
        .library(name: "Threshold", type: .dynamic, targets: ["EnergyThresholdExport"]),
        .library(name: "TIC", type: .dynamic, targets: ["EnergyTICExport"]),
        .library(name: "Interruptibility", type: .dynamic, targets: ["EnergyInterruptibilityExport"]),
        .library(name: "SmartOA", type: .dynamic, targets: ["EnergySmartOAExport"]),
        .library(name: "FlexReady", type: .dynamic, targets: ["EnergyFlexReadyExport"]),
        .library(name: "PlantSimulator", type: .dynamic, targets: ["EnergyPlantSimulatorExport"]),
        .library(name: "MQTTBridge", type: .dynamic, targets: ["EnergyMQTTBridgeExport"]),
        .library(name: "CEcho", type: .dynamic, targets: ["EnergyCEcho"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.70.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"6.0.0"),
    ],
    targets: [
        // The versioned C boundary between the host and every adapter library.
        .target(name: "AdapterKitABI"),
        // The SDK an integrator links into an adapter.
        .target(
            name: "AdapterKit",
            dependencies: [
                "AdapterKitABI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Proto/energy_events.proto"]
        ),
        // Shared blocks beside the SDK, each optional: an adapter links only those it uses.
        // Storage: SQLite (GRDB) in WAL mode with migrations, a serial writer, an idempotency
        // ledger and an outbox.
        .target(
            name: "AdapterKitStorage",
            dependencies: ["AdapterKit", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // HTTP client: settings from configuration (mutual TLS, pinned CA, bearer token), a client
        // owned by the adapter's run(), classified failures, retries honouring Retry-After.
        .target(
            name: "AdapterKitHTTPClient",
            dependencies: [
                "AdapterKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // What every HTTP server of the host and its adapters shares, without TLS or JWT: connection
        // limits and timeouts, bearer credentials.
        .target(
            name: "AdapterKitHTTPCore",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // HTTP server: Hummingbird with TLS or mutual TLS, bearer tokens and HS256/RS256 JWTs
        // (jwt-kit) with refusals counted, JSON errors, bounded bodies.
        .target(
            name: "AdapterKitHTTPServer",
            dependencies: [
                "AdapterKit",
                "AdapterKitHTTPCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Time: a fixed cadence on the injected clock skipping missed slots, periods aligned on the
        // wall clock, Europe/Paris local days (92 / 96 / 100 quarter-hours).
        .target(name: "AdapterKitSchedules", dependencies: ["AdapterKit"]),
        // The Linux calls the host makes that Swift cannot (variadic prctl).
        .target(name: "EnergyHostSupport"),
        // The host's machinery: configuration, loader, bus, supervision, admin API.
        .target(
            name: "EnergyHost",
            dependencies: [
                "AdapterKit",
                "AdapterKitABI",
                "EnergyHostSupport",
                "AdapterKitStorage",
                "AdapterKitHTTPCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The server side of RTE's interruptibility reporting API, beside the adapter it serves;
        // energy-sim gathers the simulators.
        .target(
            name: "EnergyRTEPOC",
            dependencies: [
                "AdapterKit",
                "AdapterKitStorage",
                "AdapterKitHTTPServer",
                "AdapterKitHTTPCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Plugins/Interruptibility/Simulator"
        ),
        // The Smart OA platform as the adapter assumes it (docs/smartoa.md), for tests and the demo.
        .target(
            name: "EnergySmartOASimulator",
            dependencies: [
                "AdapterKit",
                "AdapterKitHTTPServer",
                "AdapterKitHTTPCore",
                "AdapterKitSchedules",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Plugins/SmartOA/Simulator",
            exclude: ["README.md"]
        ),
        // The Flex Ready emulator's session protocol (docs/flexready.md, "The emulator"), for tests and the demo.
        .target(
            name: "EnergyFlexReadySimulator",
            dependencies: [
                "EnergyFlexReady",
                "AdapterKit",
                "AdapterKitHTTPServer",
                "AdapterKitHTTPCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Plugins/FlexReady/Simulator"
        ),
        .executableTarget(
            name: "EnergySim",
            dependencies: [
                "EnergyRTEPOC",
                "EnergySmartOASimulator",
                "EnergyFlexReadySimulator",
                "EnergyFlexReady",
                "AdapterKitHTTPServer",
                "AdapterKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "EnergyHostCommand",
            dependencies: [
                "EnergyHost",
                "AdapterKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/Host"
        ),
        // Test kit without the host: the in-memory host, a manual clock, the configuration contract.
        .target(
            name: "AdapterKitTesting",
            dependencies: ["AdapterKit", .product(name: "Logging", package: "swift-log")]
        ),
        // The real-loader harness and the conformance suite (builds the host).
        .target(
            name: "AdapterKitHarness",
            dependencies: ["AdapterKit", "AdapterKitTesting", "EnergyHost", .product(name: "Logging", package: "swift-log")]
        ),
        // Adapters. `Plugins/` needs explicit paths: SwiftPM reserves it for package plugins otherwise.
        // Each Swift adapter is two targets: its logic (what tests import) and the one-line export
        // of the entry symbol, which only its dynamic library contains.
        .target(name: "EnergyRecorder", dependencies: ["AdapterKit"], path: "Plugins/Recorder/Adapter"),
        .target(name: "EnergyRecorderExport", dependencies: ["EnergyRecorder", "AdapterKit"], path: "Plugins/Recorder/Export"),
        .target(name: "EnergyReplay", dependencies: ["AdapterKit"], path: "Plugins/Replay/Adapter"),
        .target(name: "EnergyReplayExport", dependencies: ["EnergyReplay", "AdapterKit"], path: "Plugins/Replay/Export"),
        .target(name: "EnergyProbe", dependencies: ["AdapterKit"], path: "Plugins/Probe/Adapter"),
        .target(name: "EnergyProbeExport", dependencies: ["EnergyProbe", "AdapterKit"], path: "Plugins/Probe/Export"),
        .target(name: "EnergyTIC", dependencies: ["AdapterKit", "AdapterKitSchedules"], path: "Plugins/TIC/Adapter"),
        .target(name: "EnergyTICExport", dependencies: ["EnergyTIC", "AdapterKit"], path: "Plugins/TIC/Export"),
        .target(
            name: "EnergyInterruptibility",
            dependencies: [
                "AdapterKit",
                "AdapterKitStorage",
                "AdapterKitHTTPClient",
                "AdapterKitSchedules",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Plugins/Interruptibility/Adapter"
        ),
        .target(name: "EnergyInterruptibilityExport", dependencies: ["EnergyInterruptibility", "AdapterKit"], path: "Plugins/Interruptibility/Export"),
        .target(
            name: "EnergySmartOA",
            dependencies: [
                "AdapterKit",
                "AdapterKitStorage",
                "AdapterKitHTTPClient",
                "AdapterKitSchedules",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Plugins/SmartOA/Adapter"
        ),
        .target(name: "EnergySmartOAExport", dependencies: ["EnergySmartOA", "AdapterKit"], path: "Plugins/SmartOA/Export"),
        .target(name: "EnergyPlantSimulator", dependencies: ["AdapterKit"], path: "Plugins/PlantSimulator/Adapter"),
        .target(
            name: "EnergyFlexReady",
            dependencies: [
                "AdapterKit", "AdapterKitStorage", "AdapterKitHTTPServer", "AdapterKitHTTPClient", "AdapterKitSchedules",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Plugins/FlexReady/Adapter"
        ),
        .target(name: "EnergyFlexReadyExport", dependencies: ["EnergyFlexReady", "AdapterKit"], path: "Plugins/FlexReady/Export"),
        // libmosquitto, the broker ecosystem's own MQTT client (Debian: libmosquitto-dev).
        .systemLibrary(name: "CMosquitto", path: "Sources/CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .target(
            name: "EnergyMQTTBridge",
            dependencies: [
                "AdapterKit", "AdapterKitStorage", "CMosquitto",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Plugins/MQTTBridge/Adapter",
            exclude: ["Wire/bridged_event.proto"]
        ),
        .target(name: "EnergyMQTTBridgeExport", dependencies: ["EnergyMQTTBridge", "AdapterKit"], path: "Plugins/MQTTBridge/Export"),
        .target(name: "EnergyPlantSimulatorExport", dependencies: ["EnergyPlantSimulator", "AdapterKit"], path: "Plugins/PlantSimulator/Export"),
        .executableTarget(
            name: "EnergyTICDecode",
            dependencies: ["EnergyTIC", "AdapterKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Plugins/TIC/Tool"
        ),
        // The example of docs/writing-an-adapter.md, compiled and tested here so the tutorial stays true.
        .target(name: "EnergyThreshold", dependencies: ["AdapterKit"], path: "Plugins/Threshold/Adapter"),
        .target(name: "EnergyThresholdExport", dependencies: ["EnergyThreshold", "AdapterKit"], path: "Plugins/Threshold/Export"),
        .target(name: "EnergyCEcho", dependencies: ["AdapterKitABI"], path: "Plugins/CEcho", publicHeadersPath: "."),
        .executableTarget(
            name: "EnergyHostBenchmarks",
            dependencies: ["EnergyHost", "AdapterKit", "AdapterKitTesting"],
            path: "Benchmarks/HostBenchmarks"
        ),
        .executableTarget(name: "EnergyTICBenchmarks", dependencies: ["EnergyTIC", "AdapterKit"], path: "Benchmarks/TICBenchmarks"),
        .executableTarget(
            name: "EnergyInterruptibilityBenchmarks",
            dependencies: [
                "EnergyInterruptibility", "EnergyRTEPOC", "AdapterKit", "AdapterKitTesting", "AdapterKitHarness", "EnergyHost",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/InterruptibilityBenchmarks"
        ),
        .executableTarget(
            name: "EnergyFlexReadyBenchmarks",
            dependencies: [
                "EnergyFlexReady", "AdapterKit", "AdapterKitHTTPClient", "AdapterKitHTTPServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/FlexReadyBenchmarks"
        ),
        .executableTarget(
            name: "EnergySmartOABenchmarks",
            dependencies: [
                "EnergySmartOA", "EnergySmartOASimulator", "AdapterKit", "AdapterKitTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/SmartOABenchmarks"
        ),
        .executableTarget(
            name: "EnergyMQTTBenchmarks",
            dependencies: ["EnergyMQTTBridge", "AdapterKit", "AdapterKitTesting"],
            path: "Benchmarks/MQTTBenchmarks"
        ),
        .testTarget(name: "AdapterKitTests", dependencies: ["AdapterKit", "AdapterKitTesting"]),
        .testTarget(
            name: "AdapterKitHTTPTests",
            dependencies: [
                "AdapterKit", "AdapterKitHTTPClient", "AdapterKitHTTPCore", "AdapterKitHTTPServer", "AdapterKitTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "AdapterKitSchedulesTests", dependencies: ["AdapterKit", "AdapterKitSchedules", "AdapterKitTesting"]),
        .testTarget(
            name: "AdapterKitStorageTests",
            dependencies: ["AdapterKit", "AdapterKitStorage", "AdapterKitTesting", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "EnergyHostTests",
            dependencies: ["EnergyHost", "AdapterKit", "AdapterKitTesting", "AdapterKitHarness", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "RecorderTests", dependencies: ["EnergyRecorder", "AdapterKit", "AdapterKitTesting"]),
        .testTarget(name: "ReplayTests", dependencies: ["EnergyReplay", "AdapterKit", "AdapterKitTesting"]),
        .testTarget(name: "TICTests", dependencies: ["EnergyTIC", "AdapterKit", "AdapterKitTesting", "AdapterKitHarness", "EnergyHost"]),
        .testTarget(
            name: "InterruptibilityTests",
            dependencies: [
                "EnergyInterruptibility", "AdapterKit", "AdapterKitTesting", "AdapterKitHarness", "EnergyRTEPOC",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "SmartOATests",
            dependencies: [
                "EnergySmartOA", "EnergySmartOASimulator", "EnergyPlantSimulator", "AdapterKit", "AdapterKitTesting",
                "AdapterKitHarness", "AdapterKitStorage", "AdapterKitHTTPClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "FlexReadyTests",
            dependencies: [
                "EnergyFlexReady", "EnergyFlexReadySimulator", "EnergyTIC", "AdapterKit", "AdapterKitStorage", "AdapterKitHTTPServer", "AdapterKitHTTPClient", "AdapterKitTesting",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "MQTTBridgeTests",
            dependencies: [
                "EnergyMQTTBridge", "AdapterKit", "AdapterKitTesting", "AdapterKitHarness", "AdapterKitStorage", "CMosquitto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "PlantSimulatorTests", dependencies: ["EnergyPlantSimulator", "AdapterKit", "AdapterKitTesting", "AdapterKitHarness"]),
        .testTarget(name: "ThresholdTests", dependencies: ["EnergyThreshold", "AdapterKit", "AdapterKitTesting", "AdapterKitHarness"]),
        .testTarget(
            name: "ConfigurationContractTests",
            dependencies: [
                "AdapterKit", "AdapterKitTesting", "EnergyHost", "EnergyRecorder", "EnergyReplay", "EnergyProbe", "EnergyThreshold",
                "EnergyTIC", "EnergyInterruptibility", "EnergySmartOA", "EnergyPlantSimulator", "EnergyMQTTBridge", "EnergyFlexReady",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)

// House rules (STYLE-ANCHORS.md rule 14) for every Swift target.
for target in package.targets where target.type != .system && target.name != "AdapterKitABI" && target.name != "EnergyCEcho" {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ])
    target.swiftSettings = settings
}

// Linking for memory (docs/benchmarks.md#memory-options-tried): lld with packed relative relocations (DT_RELR)
// for the host and every adapter library, and adapter libraries export their entry symbol only.
let packedRelocations = ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"]
for target in package.targets where target.name == "EnergyHostCommand" {
    target.linkerSettings = [.unsafeFlags(packedRelocations)]
}
for target in package.targets where target.name.hasPrefix("Energy") && target.name.hasSuffix("Export") {
    target.linkerSettings = [
        .unsafeFlags(packedRelocations + ["-Xlinker", "--version-script=\(Context.packageDirectory)/Plugins/plugin.exports"]),
    ]
}
