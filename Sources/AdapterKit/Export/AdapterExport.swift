public import AdapterKitABI
import Foundation
import Logging
import Synchronization

/// Exports an ``Adapter`` type through the C ABI of adapterkit.h.
///
/// Each adapter library exports the entry symbol with one line:
///
/// ```swift
/// @_cdecl("adapterkit_plugin_v1")
/// public func adapterkitPlugin() -> UnsafeRawPointer { AdapterExport.descriptor(for: MyAdapter.self) }
/// ```
public enum AdapterExport {
    private static let descriptors = Mutex<[ObjectIdentifier: UInt]>([:])

    /// The static descriptor of `type`, built once per process.
    public static func descriptor<A: Adapter>(for type: A.Type) -> UnsafeRawPointer {
        let address = descriptors.withLock { cache in
            if let existing = cache[ObjectIdentifier(type)] { return existing }
            let made = UInt(bitPattern: makeDescriptor(for: type))
            cache[ObjectIdentifier(type)] = made
            return made
        }
        return UnsafeRawPointer(bitPattern: address)!
    }

    /// The descriptor as a typed pointer, for code that links AdapterKitABI.
    public static func typedDescriptor<A: Adapter>(for type: A.Type) -> UnsafePointer<ak_plugin_descriptor> {
        descriptor(for: type).assumingMemoryBound(to: ak_plugin_descriptor.self)
    }

    private static func makeDescriptor<A: Adapter>(for type: A.Type) -> UnsafeMutableRawPointer {
        let description = A.description
        let factory = InstanceFactory(
            make: { configJSON, link in try makeInstance(of: type, configJSON: configJSON, link: link) },
            validate: { configJSON, environment in AdapterConfigurations.issues(type, json: configJSON, environment: environment) }
        )
        let descriptor = UnsafeMutablePointer<ak_plugin_descriptor>.allocate(capacity: 1)
        // The descriptor and its strings live as long as the process: libraries are never unloaded.
        descriptor.initialize(
            to: ak_plugin_descriptor(
                magic: ADAPTERKIT_MAGIC,
                struct_size: UInt32(MemoryLayout<ak_plugin_descriptor>.size),
                abi_major: UInt16(ADAPTERKIT_ABI_MAJOR),
                abi_minor: UInt16(ADAPTERKIT_ABI_MINOR),
                reserved: 0,
                type_name: strdup(description.typeName),
                version: strdup(description.version),
                toolchain: strdup(Toolchain.identity),
                manifest_json: strdup(description.manifestJSON),
                plugin_context: Unmanaged.passRetained(factory).toOpaque(),
                create: exportedCreate,
                start: exportedStart,
                deliver: exportedDeliver,
                stop: { instance in ExportedInstance.from(instance).stop() },
                destroy: { instance in
                    guard let instance else { return }
                    ExportedInstance.from(instance).destroy()
                    Unmanaged<ExportedInstance>.fromOpaque(instance).release()
                },
                free_string: { string in free(string) },
                validate: exportedValidate
            )
        )
        return UnsafeMutableRawPointer(descriptor)
    }

    private static func makeInstance<A: Adapter>(
        of type: A.Type,
        configJSON: String,
        link: CHostLink
    ) throws -> ExportedInstance {
        var logger = Logger(label: "\(A.description.typeName).\(link.instanceID)") { _ in HostLogHandler(link: link) }
        logger.logLevel = link.minimumLevel
        let context = AdapterContext(
            siteID: link.siteID,
            instanceID: link.instanceID,
            dataDirectory: link.dataDirectory,
            configurationDirectory: link.configurationDirectory,
            logger: logger,
            link: link
        )
        let environment = ValidationEnvironment(
            siteID: link.siteID,
            instanceID: link.instanceID,
            dataDirectory: link.dataDirectory,
            configurationDirectory: link.configurationDirectory
        )
        let configuration = try AdapterConfigurations.make(A.self, json: configJSON, environment: environment)
        let adapter = try A(configuration: configuration, context: context)
        return ExportedInstance(adapter: adapter, instanceID: link.instanceID, logger: logger)
    }
}

/// Makes and checks instances of one adapter type; the descriptor's `plugin_context`.
private final class InstanceFactory: Sendable {
    let make: @Sendable (String, CHostLink) throws -> ExportedInstance
    let validate: @Sendable (String, ValidationEnvironment) -> [ConfigurationIssue]

    init(
        make: @escaping @Sendable (String, CHostLink) throws -> ExportedInstance,
        validate: @escaping @Sendable (String, ValidationEnvironment) -> [ConfigurationIssue]
    ) {
        self.make = make
        self.validate = validate
    }
}

/// The ABI status of an error: permanent for a configuration the adapter refuses, else transient.
private func abiStatus(of error: any Error) -> Int32 {
    if let error = error as? AdapterError, error.code == .invalidConfiguration { return Int32(AK_ERR_INVALID_CONFIG) }
    return Int32(AK_ERR_FAILED)
}

extension ExportedInstance {
    fileprivate static func from(_ pointer: UnsafeMutableRawPointer?) -> ExportedInstance {
        Unmanaged<ExportedInstance>.fromOpaque(pointer!).takeUnretainedValue()
    }
}

private func exportedCreate(
    descriptor: UnsafePointer<ak_plugin_descriptor>?,
    args: UnsafePointer<ak_create_args>?,
    outInstance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    outError: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    guard let descriptor, let args, let host = args.pointee.host, let config = args.pointee.config_json,
        let outInstance, let context = descriptor.pointee.plugin_context
    else { return Int32(AK_ERR_INVALID) }
    let factory = Unmanaged<InstanceFactory>.fromOpaque(context).takeUnretainedValue()
    do {
        let instance = try factory.make(String(cString: config), CHostLink(services: host.pointee))
        outInstance.pointee = Unmanaged.passRetained(instance).toOpaque()
        return Int32(AK_OK)
    } catch {
        outError?.pointee = strdup("\(error)")
        return abiStatus(of: error)
    }
}

private func exportedValidate(
    descriptor: UnsafePointer<ak_plugin_descriptor>?,
    args: UnsafePointer<ak_validate_args>?,
    outIssues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    guard let descriptor, let args, let config = args.pointee.config_json, let context = descriptor.pointee.plugin_context
    else { return Int32(AK_ERR_INVALID) }
    let factory = Unmanaged<InstanceFactory>.fromOpaque(context).takeUnretainedValue()
    func text(_ pointer: UnsafePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }
    let environment = ValidationEnvironment(
        siteID: text(args.pointee.site_id),
        instanceID: text(args.pointee.instance_id),
        dataDirectory: text(args.pointee.data_directory),
        configurationDirectory: text(args.pointee.config_directory)
    )
    let issues = factory.validate(String(cString: config), environment)
    guard !issues.isEmpty else { return Int32(AK_OK) }
    let list = JSONValue.array(issues.map { .object(["path": .string($0.path), "message": .string($0.message)]) })
    outIssues?.pointee = strdup(list.jsonText)
    return Int32(AK_ERR_INVALID_CONFIG)
}

private func exportedStart(
    instance: UnsafeMutableRawPointer?,
    done: ak_run_done_fn?,
    doneContext: UnsafeMutableRawPointer?
) -> Int32 {
    guard let instance, let done else { return Int32(AK_ERR_INVALID) }
    let context = UInt(bitPattern: doneContext)
    ExportedInstance.from(instance).start { error in
        let pointer = UnsafeMutableRawPointer(bitPattern: context)
        if let error {
            "\(error)".withCString { done(pointer, abiStatus(of: error), $0) }
        } else {
            done(pointer, Int32(AK_OK), nil)
        }
    }
    return Int32(AK_OK)
}

private func exportedDeliver(
    instance: UnsafeMutableRawPointer?,
    events: UnsafePointer<ak_event>?,
    count: Int,
    done: ak_delivery_done_fn?,
    doneContext: UnsafeMutableRawPointer?
) -> Int32 {
    guard let instance, let done, count == 0 || events != nil else { return Int32(AK_ERR_INVALID) }
    // The array's stride is the host's `struct_size`: an older host's events are smaller.
    let stride = count == 0 ? 0 : Int(events!.pointee.struct_size)
    let batch = (0..<count).map { index in
        Event(abi: (UnsafeRawPointer(events!) + index * stride).assumingMemoryBound(to: ak_event.self))
    }
    let context = UInt(bitPattern: doneContext)
    let delivery = ExportedInstance.Delivery(events: batch) { done(UnsafeMutableRawPointer(bitPattern: context)) }
    return ExportedInstance.from(instance).deliver(delivery) ? Int32(AK_OK) : Int32(AK_ERR_STOPPED)
}
