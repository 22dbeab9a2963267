import AdapterKitABI

/// An adapter library that passed every check of the loader.
///
/// `@unchecked Sendable`: the descriptor is static and immutable once returned by the library,
/// and libraries are never unloaded.
public final class LoadedPlugin: @unchecked Sendable {
    /// Where the library was loaded from.
    public let path: String
    /// The adapter type name from the descriptor, as adapters.json's `plugin` names it.
    public let typeName: String
    /// The adapter's version from the descriptor, `?` when missing.
    public let version: String
    /// The Swift toolchain it was built with; empty for a library without Swift code.
    public let toolchain: String
    /// The major ABI version the library was built against.
    public let abiMajor: Int
    /// The minor ABI version the library was built against.
    public let abiMinor: Int
    /// The manifest of the descriptor, parsed.
    public let manifest: PluginManifest
    let descriptor: UnsafePointer<ak_plugin_descriptor>

    init(
        path: String,
        descriptor: UnsafePointer<ak_plugin_descriptor>,
        manifest: PluginManifest
    ) {
        self.path = path
        self.descriptor = descriptor
        self.typeName = String(cString: descriptor.pointee.type_name)
        self.version = descriptor.pointee.version.map { String(cString: $0) } ?? "?"
        self.toolchain = descriptor.pointee.toolchain.map { String(cString: $0) } ?? ""
        self.abiMajor = Int(descriptor.pointee.abi_major)
        self.abiMinor = Int(descriptor.pointee.abi_minor)
        self.manifest = manifest
    }
}
