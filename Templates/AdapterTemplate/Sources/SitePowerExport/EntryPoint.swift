import AdapterKit
import SitePowerAdapter

/// The library's entry symbol (adapterkit.h).
@_cdecl("adapterkit_plugin_v1")
public func adapterkitPlugin() -> UnsafeRawPointer { AdapterExport.descriptor(for: SitePowerAdapter.self) }
