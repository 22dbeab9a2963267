// swift-tools-version: 6.2
// An energy-host adapter in a package of its own: copy this folder to start yours.
import Foundation
import PackageDescription

// Where energy-host is. Here: the checkout this template lives in. In your own package, replace
// the `.package(path:)` below with the repository's URL, and `hostPackage` with "energy-host".
// ENERGY_HOST_CHECKOUT overrides the path (the repository's CI builds the template this way).
let hostPath = Context.environment["ENERGY_HOST_CHECKOUT"] ?? "../.."
// SwiftPM names a package given by path after its folder, whatever that folder is called.
let hostPackage = URL(fileURLWithPath: hostPath, relativeTo: URL(fileURLWithPath: Context.packageDirectory + "/"))
    .standardizedFileURL.lastPathComponent

let package = Package(
    name: "SitePowerAdapter",
    platforms: [.macOS(.v15)],
    products: [
        // The library energy-host loads: lib<typeName>.so, typeName "SitePower".
        .library(name: "SitePower", type: .dynamic, targets: ["SitePowerExport"]),
    ],
    dependencies: [
        .package(path: hostPath),
    ],
    targets: [
        // The adapter's logic: what the tests import.
        .target(name: "SitePowerAdapter", dependencies: [.product(name: "AdapterKit", package: hostPackage)], path: "Sources/SitePower"),
        // The one-line export of the entry symbol, only in the dynamic library. Linked as the
        // host links its own adapters: the entry symbol is the only one exported (plugin.exports),
        // relative relocations packed (lld): megabytes less resident once loaded (energy-host's
        // docs/benchmarks.md, "Memory: options tried"). Remove them if your toolchain has no lld.
        .target(
            name: "SitePowerExport",
            dependencies: ["SitePowerAdapter", .product(name: "AdapterKit", package: hostPackage)],
            path: "Sources/SitePowerExport",
            linkerSettings: [
                .unsafeFlags([
                    "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                    "-Xlinker", "--version-script=\(Context.packageDirectory)/plugin.exports",
                ]),
            ]
        ),
        // Fast tests with the in-memory host: they do not build energy-host.
        .testTarget(
            name: "SitePowerTests",
            dependencies: [
                "SitePowerAdapter",
                .product(name: "AdapterKit", package: hostPackage),
                .product(name: "AdapterKitTesting", package: hostPackage),
            ]
        ),
        // The conformance suite through the real loader and C ABI (builds the host's loader).
        .testTarget(
            name: "SitePowerConformanceTests",
            dependencies: [.product(name: "AdapterKitHarness", package: hostPackage)]
        ),
    ]
)
