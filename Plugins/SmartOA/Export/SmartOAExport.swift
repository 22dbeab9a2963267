import AdapterKit
import EnergySmartOA

/// The library's entry symbol (adapterkit.h): the whole export is this line.
@_cdecl("adapterkit_plugin_v1")
public func adapterkitPlugin() -> UnsafeRawPointer { AdapterExport.descriptor(for: SmartOAAdapter.self) }
