package import AdapterKit
import AdapterKitABI
import Foundation
package import Logging
import Synchronization

/// One live instance inside a loaded library: the host's side of create, start, deliver, stop and
/// destroy, and the host services the instance calls back.
///
/// `@unchecked Sendable`: the ABI forbids concurrent calls for one instance; the supervisor that
/// owns it makes them in order, and the pointers are released only by `destroy`.
package final class PluginInstance: @unchecked Sendable {
    /// How an instance's run ended.
    package enum RunOutcome: Sendable, Equatable {
        case stopped
        /// A failure worth a restart.
        case failed(String)
        /// The adapter refused its configuration: restarting it as is cannot help.
        case invalidConfiguration(String)
    }

    package let plugin: LoadedPlugin
    private let source: InstanceSource
    private let handle: UnsafeMutableRawPointer
    private let services: UnsafeMutablePointer<ak_host_services>
    private let runDone = OneShot<RunOutcome>()
    private var destroyed = false
    /// Where the instance is in start/stop; held across the library's start and stop calls so
    /// that they never overlap and stop never precedes start.
    private let lifecycle = Mutex(Lifecycle())

    private struct Lifecycle {
        var started = false
        var stopRequested = false
    }

    /// How a delivery went.
    package enum DeliveryResult: Sendable, Equatable {
        /// The instance handled the batch.
        case delivered
        /// The instance refused the batch (not running any more): it was not handled.
        case refused
        /// The caller was cancelled while the batch was in flight (shutdown timeout).
        case abandoned
    }

    /// Creates an instance; throws the adapter's own message when it refuses.
    package init(
        plugin: LoadedPlugin,
        configJSON: String,
        source: InstanceSource,
        dataDirectory: String,
        configurationDirectory: String,
        minimumLevel: Logger.Level
    ) throws(PluginLoadError) {
        self.plugin = plugin
        self.source = source
        let services = UnsafeMutablePointer<ak_host_services>.allocate(capacity: 1)
        services.initialize(
            to: ak_host_services(
                struct_size: UInt32(MemoryLayout<ak_host_services>.size),
                min_log_level: minimumLevel.abiLevel,
                host_context: Unmanaged.passRetained(source).toOpaque(),
                publish: hostPublish,
                publish_ready: hostPublishReady,
                log: hostLog,
                data_directory: strdup(dataDirectory),
                site_id: strdup(source.siteID),
                instance_id: strdup(source.instanceID),
                config_directory: strdup(configurationDirectory),
                metric: hostMetric
            )
        )
        var instance: UnsafeMutableRawPointer?
        var error: UnsafeMutablePointer<CChar>?
        let status = configJSON.withCString { config in
            var args = ak_create_args(
                struct_size: UInt32(MemoryLayout<ak_create_args>.size),
                reserved: 0,
                config_json: config,
                host: services
            )
            return plugin.descriptor.pointee.create(plugin.descriptor, &args, &instance, &error)
        }
        guard status == AK_OK, let instance else {
            let message = error.map { String(cString: $0) } ?? "create returned status \(status) without a message"
            if let error { plugin.descriptor.pointee.free_string(error) }
            PluginInstance.release(services)
            throw PluginLoadError(status == AK_ERR_INVALID_CONFIG ? .invalidConfiguration : .createRefused, library: plugin.path, message)
        }
        self.handle = instance
        self.services = services
    }

    /// Starts the instance: publishing is allowed from now until its run ends. Returns false when
    /// the instance did not start (stop came first, or the library refused: then its run counts
    /// as failed at once); deliver only after a true.
    package func start() -> Bool {
        lifecycle.withLock { lifecycle in
            guard !lifecycle.started, !lifecycle.stopRequested else {
                runDone.complete(.stopped)
                return false
            }
            lifecycle.started = true
            source.isRunning = true
            let context = Unmanaged.passRetained(runDone).toOpaque()
            let status = plugin.descriptor.pointee.start(handle, hostRunDone, context)
            guard status == AK_OK else {
                Unmanaged<OneShot<RunOutcome>>.fromOpaque(context).release()
                lifecycle.started = false
                source.isRunning = false
                runDone.complete(.failed("start returned status \(status)"))
                return false
            }
            return true
        }
    }

    /// Waits until the started instance's run ends; cancellation asks it to stop.
    package func waitUntilStopped() async -> RunOutcome {
        let outcome = await withTaskCancellationHandler {
            await runDone.wait()
        } onCancel: {
            self.stop()
        }
        source.isRunning = false
        return outcome ?? .stopped
    }

    /// Asks the instance to stop gracefully. Only the first call after start reaches the library;
    /// before start, it only prevents the start.
    package func stop() {
        lifecycle.withLock { lifecycle in
            let first = !lifecycle.stopRequested
            lifecycle.stopRequested = true
            if first && lifecycle.started { plugin.descriptor.pointee.stop(handle) }
        }
    }

    /// Whether the library's start was called (and accepted): only then may it receive batches.
    package var hasStarted: Bool {
        lifecycle.withLock { $0.started }
    }

    /// Delivers a batch and waits until the instance handled it. Unless `abandonOnCancel`, the wait
    /// outlasts the caller's cancellation: an instance is never destroyed with a batch in flight.
    package func deliver(_ events: [Event], abandonOnCancel: Bool = false) async -> DeliveryResult {
        let done = OneShot<Void>()
        let context = Unmanaged.passRetained(done).toOpaque()
        let status = ABIEventBatch.withEvents(events) { pointer, count in
            plugin.descriptor.pointee.deliver(handle, pointer, count, hostDeliveryDone, context)
        }
        guard status == AK_OK else {
            Unmanaged<OneShot<Void>>.fromOpaque(context).release()
            return .refused
        }
        if abandonOnCancel {
            return await done.wait() == nil ? .abandoned : .delivered
        }
        await done.waitIgnoringCancellation()
        return .delivered
    }

    /// Releases the instance, once its run ended. An instance still running (its waiter was
    /// cancelled: the host is giving up on it) is left alive, never released under its own feet:
    /// it may still call the host's services; the process is about to exit.
    package func destroy() {
        guard !destroyed else { return }
        guard !hasStarted || runDone.isComplete else {
            source.logger.warning("adapter still running at shutdown: left alive, not destroyed")
            return
        }
        destroyed = true
        plugin.descriptor.pointee.destroy(handle)
        PluginInstance.release(services)
    }

    private static func release(_ services: UnsafeMutablePointer<ak_host_services>) {
        Unmanaged<InstanceSource>.fromOpaque(services.pointee.host_context).release()
        free(UnsafeMutablePointer(mutating: services.pointee.data_directory))
        free(UnsafeMutablePointer(mutating: services.pointee.site_id))
        free(UnsafeMutablePointer(mutating: services.pointee.instance_id))
        free(UnsafeMutablePointer(mutating: services.pointee.config_directory))
        services.deinitialize(count: 1)
        services.deallocate()
    }
}

// MARK: - Host services, called by the library

private func source(_ context: UnsafeMutableRawPointer?) -> InstanceSource {
    Unmanaged<InstanceSource>.fromOpaque(context!).takeUnretainedValue()
}

/// The size of an ABI x.0 event (up to `payload_len`).
private let minimumEventSize = MemoryLayout<ak_event>.offset(of: \ak_event.payload_len)! + MemoryLayout<Int>.size

private func hostPublish(context: UnsafeMutableRawPointer?, event: UnsafePointer<ak_event>?) -> Int32 {
    guard let context, let event, Int(event.pointee.struct_size) >= minimumEventSize,
        event.pointee.topic != nil, event.pointee.kind != nil,
        event.pointee.payload_len == 0 || event.pointee.payload != nil
    else { return Int32(AK_ERR_INVALID) }
    return source(context).publish(Event(abi: event.pointee)).status
}

private func hostPublishReady(context: UnsafeMutableRawPointer?) -> Int32 {
    guard let context else { return 0 }
    return source(context).isPublishReady() ? 1 : 0
}

private func hostLog(
    context: UnsafeMutableRawPointer?,
    level: Int32,
    message: UnsafePointer<CChar>?,
    fields: UnsafePointer<ak_log_field>?,
    count: Int
) {
    guard let context, let message else { return }
    var metadata: Logger.Metadata = [:]
    for index in 0..<(fields == nil ? 0 : count) {
        let field = fields![index]
        guard let key = field.key, let value = field.value else { continue }
        metadata[String(cString: key)] = .string(String(cString: value))
    }
    source(context).logger.log(level: Logger.Level(abiLevel: level), "\(String(cString: message))", metadata: metadata)
}

private func hostMetric(
    context: UnsafeMutableRawPointer?,
    kind: Int32,
    name: UnsafePointer<CChar>?,
    labels: UnsafePointer<ak_log_field>?,
    count: Int,
    value: Double
) {
    guard let context, let name, let kind = MetricSample.Kind(rawValue: kind) else { return }
    var pairs: [String: String] = [:]
    for index in 0..<(labels == nil ? 0 : count) {
        guard let key = labels![index].key, let value = labels![index].value else { continue }
        pairs[String(cString: key)] = String(cString: value)
    }
    source(context).record(MetricSample(kind: kind, name: String(cString: name), labels: pairs, value: value))
}

private func hostRunDone(context: UnsafeMutableRawPointer?, status: Int32, message: UnsafePointer<CChar>?) {
    let runDone = Unmanaged<OneShot<PluginInstance.RunOutcome>>.fromOpaque(context!).takeRetainedValue()
    let text = message.map { String(cString: $0) } ?? "run failed with status \(status)"
    switch status {
    case Int32(AK_OK): runDone.complete(.stopped)
    case Int32(AK_ERR_INVALID_CONFIG): runDone.complete(.invalidConfiguration(text))
    default: runDone.complete(.failed(text))
    }
}

private func hostDeliveryDone(context: UnsafeMutableRawPointer?) {
    Unmanaged<OneShot<Void>>.fromOpaque(context!).takeRetainedValue().complete(())
}
