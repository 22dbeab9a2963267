package import AdapterKit
import AdapterKitABI
import Foundation

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

    /// Whether the library has the ABI 1.2 `validate` entry.
    package var canValidate: Bool {
        let end = MemoryLayout<ak_plugin_descriptor>.offset(of: \ak_plugin_descriptor.validate)! + MemoryLayout<UnsafeRawPointer>.size
        return Int(descriptor.pointee.struct_size) >= end && descriptor.pointee.validate != nil
    }

    /// The adapter's own verdict on an instance's configuration (already valid against the
    /// schema): its issues, each with a path inside `config`; empty when it is fine or when the
    /// library predates ABI 1.2's `validate`.
    package func validate(configJSON: String, environment: ValidationEnvironment) -> [ConfigurationIssue] {
        guard canValidate, let validate = descriptor.pointee.validate else { return [] }
        var issues: UnsafeMutablePointer<CChar>?
        let status = configJSON.withCString { config in
            environment.siteID.withCString { site in
                environment.instanceID.withCString { instance in
                    environment.dataDirectory.withCString { data in
                        environment.configurationDirectory.withCString { directory in
                            var args = ak_validate_args(
                                struct_size: UInt32(MemoryLayout<ak_validate_args>.size),
                                reserved: 0,
                                config_json: config,
                                site_id: site,
                                instance_id: instance,
                                data_directory: data,
                                config_directory: directory
                            )
                            return validate(descriptor, &args, &issues)
                        }
                    }
                }
            }
        }
        let text = issues.map { String(cString: $0) }
        if let issues { descriptor.pointee.free_string(issues) }
        guard status != AK_OK else { return [] }
        guard let text, let list = try? JSONValue.parse(text).arrayValue, !list.isEmpty else {
            return [ConfigurationIssue("", "validate returned status \(status) without a readable list of issues")]
        }
        return list.map { ConfigurationIssue($0["path"]?.stringValue ?? "", $0["message"]?.stringValue ?? $0.jsonText) }
    }
}
