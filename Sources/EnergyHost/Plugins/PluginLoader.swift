import AdapterKit
import AdapterKitABI
import Foundation
import Synchronization

/// Finds adapter libraries (`lib<Name>.so`) in one or more directories, opens them and checks
/// their descriptor before anything uses them. Directories are searched in order: the first that
/// holds `lib<Name>.so` provides it.
///
/// Libraries are opened with `RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE` and never closed: a library
/// holding Swift code cannot be unloaded safely. Loading the same file twice returns the same plugin.
public final class PluginLoader: Sendable {
    /// The directories searched for libraries, in order.
    public let directories: [String]
    private let loaded = Mutex<[String: LoadedPlugin]>([:])

    /// Creates a loader for the libraries in `directory`; nothing is opened yet.
    public convenience init(directory: String) {
        self.init(directories: [directory])
    }

    /// Creates a loader for the libraries in `directories`, searched in order; nothing is opened yet.
    public init(directories: [String]) {
        self.directories = directories
    }

    /// The directory of the running executable: the default plugin directory.
    public static var executableDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// The path of `lib<typeName>.so` in the first directory that has it; nil when none has.
    public func libraryPath(for typeName: String) -> String? {
        directories.lazy
            .map { URL(fileURLWithPath: $0).appendingPathComponent("lib\(typeName).so").path }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The `lib*.so` files of every directory, sorted within each; a name found in an earlier
    /// directory hides the same name in later ones.
    public func candidateLibraries() -> [String] {
        var seen: Set<String> = []
        var paths: [String] = []
        for directory in directories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.filter({ $0.hasPrefix("lib") && $0.hasSuffix(".so") }).sorted() where seen.insert(name).inserted {
                paths.append(URL(fileURLWithPath: directory).appendingPathComponent(name).path)
            }
        }
        return paths
    }

    /// Loads the adapter `typeName` from `lib<typeName>.so`; with `inspector` (an `energy-host`),
    /// a runner process opens it first (see ``load(path:inspectingWith:)``).
    public func load(typeName: String, inspectingWith inspector: String? = nil) throws(PluginLoadError) -> LoadedPlugin {
        guard let path = libraryPath(for: typeName) else {
            let known = candidateLibraries().map { URL(fileURLWithPath: $0).lastPathComponent }
            let hint = known.isEmpty ? "no lib*.so there" : "found: \(known.joined(separator: ", "))"
            throw PluginLoadError(.notFound, library: typeName, "no lib\(typeName).so in \(directories.joined(separator: ", ")) (\(hint))")
        }
        let plugin = try load(path: path, inspectingWith: inspector)
        guard plugin.typeName == typeName else {
            throw PluginLoadError(.invalidManifest, library: path, "declares the type \"\(plugin.typeName)\", expected \"\(typeName)\"")
        }
        return plugin
    }

    /// Loads and checks the library at `path`. With `inspector` (an `energy-host`), a runner
    /// process opens the library and calls its entry function first: a library whose constructor
    /// or entry crashes, exits or hangs is refused (``PluginLoadError/Code/unsafeToLoad``) without
    /// ever being opened here.
    public func load(path: String, inspectingWith inspector: String? = nil) throws(PluginLoadError) -> LoadedPlugin {
        if let plugin = loaded.withLock({ $0[path] }) { return plugin }
        if let inspector { try LibraryInspection.inspect(path, runner: inspector) }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw PluginLoadError(.openFailed, library: path, dlerror().map { String(cString: $0) } ?? "dlopen failed")
        }
        guard let symbol = dlsym(handle, ADAPTERKIT_ENTRY_SYMBOL) else {
            throw PluginLoadError(.notAPlugin, library: path, "no \(ADAPTERKIT_ENTRY_SYMBOL) symbol: not an AdapterKit adapter, or built for another ABI major version")
        }
        let entry = unsafeBitCast(symbol, to: ak_entry_fn.self)
        guard let descriptor = entry() else {
            throw PluginLoadError(.notAPlugin, library: path, "\(ADAPTERKIT_ENTRY_SYMBOL) returned no descriptor")
        }
        let plugin = try PluginLoader.check(descriptor, path: path)
        return loaded.withLock { cache in
            if let existing = cache[path] { return existing }
            cache[path] = plugin
            return plugin
        }
    }

    /// The size of an ABI x.0 descriptor (up to `free_string`): later minors only append fields,
    /// so a library built for an older minor has a smaller, still valid, descriptor.
    static let minimumDescriptorSize =
        MemoryLayout<ak_plugin_descriptor>.offset(of: \ak_plugin_descriptor.free_string)! + MemoryLayout<UnsafeRawPointer>.size

    private static func check(_ descriptor: UnsafePointer<ak_plugin_descriptor>, path: String) throws(PluginLoadError)
        -> LoadedPlugin
    {
        let raw = UnsafeRawPointer(descriptor)
        let magic = raw.loadUnaligned(as: UInt32.self)
        guard magic == ADAPTERKIT_MAGIC else {
            throw PluginLoadError(.badMagic, library: path, String(format: "descriptor magic 0x%08X, expected 0x%08X", magic, ADAPTERKIT_MAGIC))
        }
        let major = Int(descriptor.pointee.abi_major)
        let minor = Int(descriptor.pointee.abi_minor)
        guard major == Int(ADAPTERKIT_ABI_MAJOR) else {
            throw PluginLoadError(.abiMismatch, library: path, "built against AdapterKit ABI \(major).\(minor); this host speaks ABI \(ADAPTERKIT_ABI_MAJOR).\(ADAPTERKIT_ABI_MINOR). Rebuild the adapter against this host's adapterkit.h")
        }
        let size = Int(descriptor.pointee.struct_size)
        guard size >= PluginLoader.minimumDescriptorSize else {
            throw PluginLoadError(.abiMismatch, library: path, "descriptor of \(size) bytes is smaller than ABI \(ADAPTERKIT_ABI_MAJOR).0's \(PluginLoader.minimumDescriptorSize)")
        }
        let toolchain = descriptor.pointee.toolchain.map { String(cString: $0) } ?? ""
        guard toolchain.isEmpty || toolchain == Toolchain.identity else {
            throw PluginLoadError(.toolchainMismatch, library: path, "built with \(toolchain); this host runs \(Toolchain.identity). Swift adapters share the host's runtime: rebuild it with the host's toolchain")
        }
        let d = descriptor.pointee
        let missing = [
            ("type_name", d.type_name == nil), ("manifest_json", d.manifest_json == nil), ("create", d.create == nil),
            ("start", d.start == nil), ("deliver", d.deliver == nil), ("stop", d.stop == nil),
            ("destroy", d.destroy == nil), ("free_string", d.free_string == nil),
        ].filter(\.1).map(\.0)
        guard missing.isEmpty else {
            throw PluginLoadError(.missingSymbol, library: path, "the descriptor lacks \(missing.joined(separator: ", "))")
        }
        let manifest: PluginManifest
        do {
            manifest = try PluginManifest(json: String(cString: d.manifest_json))
        } catch {
            throw PluginLoadError(.invalidManifest, library: path, error.message)
        }
        return LoadedPlugin(path: path, descriptor: descriptor, manifest: manifest)
    }
}
