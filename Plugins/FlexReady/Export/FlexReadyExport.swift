import AdapterKit
import EnergyFlexReady

/// The library's entry symbol (adapterkit.h): the whole export is this line.
@_cdecl("adapterkit_plugin_v1")
public func adapterkitPlugin() -> UnsafeRawPointer { AdapterExport.descriptor(for: FlexReadyAdapter.self) }
