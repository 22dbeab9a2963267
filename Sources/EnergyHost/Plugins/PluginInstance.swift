package import AdapterKit
import AdapterKitABI
import Foundation
package import Logging
import Synchronization

/// One live instance inside a loaded library: the host's side of create, start, deliver, stop and
/// destroy, and the host services the instance calls back.
///
/// Every call into the library runs on the instance's own thread (``AdapterCallThread``), never on
/// Swift's cooperative pool: an adapter that blocks blocks only itself. Callers wait for results
/// asynchronously; ``abandon()`` releases every wait when the host gives up on the instance.
///
/// `@unchecked Sendable`: the raw pointers are used only on the instance's thread, which makes the
/// calls one at a time as the ABI requires, and are released only by `destroy`.
package final class PluginInstance: AdapterInstance, @unchecked Sendable {
    package let plugin: LoadedPlugin
    private let source: any InstanceServices
    private let thread: AdapterCallThread
    private let handle: UnsafeMutableRawPointer
    private let services: UnsafeMutablePointer<ak_host_services>
    private let runDone = OneShot<AdapterRunOutcome>()
    /// The start and deliveries not completed yet: the watchdog's view.
    package let outstanding: OutstandingCalls
    private let lifecycle = Mutex(Lifecycle())

    private struct Lifecycle {
        var started = false
        var stopRequested = false
        var destroyed = false
        var abandoned = false
        /// How to release each wait under way when the instance is abandoned.
        var waits: [Int: @Sendable () -> Void] = [:]
        var nextWait = 0
    }

    private init(
        plugin: LoadedPlugin,
        source: any InstanceServices,
        thread: AdapterCallThread,
        handle: UnsafeMutableRawPointer,
        services: UnsafeMutablePointer<ak_host_services>,
        clock: any Clock<Duration>
    ) {
        self.plugin = plugin
        self.source = source
        self.thread = thread
        self.handle = handle
        self.services = services
        self.outstanding = OutstandingCalls(clock: clock)
    }

    /// Creates an instance on its own thread; throws the adapter's own message when it refuses, or
    /// when the calling task is cancelled before the library's create returned.
    package static func create(
        plugin: LoadedPlugin,
        configJSON: String,
        source: any InstanceServices,
        dataDirectory: String,
        configurationDirectory: String,
        minimumLevel: Logger.Level,
        clock: any Clock<Duration>
    ) async throws(PluginLoadError) -> PluginInstance {
        let thread = AdapterCallThread(name: source.instanceID)
        let created = thread.submitting { () -> Result<Created, PluginLoadError> in
            do throws(PluginLoadError) {
                return .success(
                    try Created.make(
                        plugin: plugin,
                        configJSON: configJSON,
                        source: source,
                        dataDirectory: dataDirectory,
                        configurationDirectory: configurationDirectory,
                        minimumLevel: minimumLevel
                    )
                )
            } catch {
                return .failure(error)
            }
        }
        guard let result = await created.wait() else {
            thread.finish()
            throw PluginLoadError(.createRefused, library: plugin.path, "create had not returned when the host gave up waiting")
        }
        switch result {
        case .success(let made):
            return PluginInstance(plugin: plugin, source: source, thread: thread, handle: made.handle, services: made.services, clock: clock)
        case .failure(let error):
            thread.finish()
            throw error
        }
    }

    /// Starts the instance: publishing is allowed from now until its run ends. Returns false when
    /// the instance did not start (stop came first, the library refused: then its run counts as
    /// failed at once, or the instance was abandoned); deliver only after a true.
    package func start() async -> Bool {
        let call = lifecycle.withLock { lifecycle -> OneShot<Bool>? in
            guard !lifecycle.started, !lifecycle.stopRequested else { return nil }
            lifecycle.started = true
            source.isRunning = true
            let token = outstanding.begin("start")
            // Submitted under the lock, so that a stop is always submitted after it.
            return thread.submitting { [self] in
                defer { outstanding.end(token) }
                let context = Unmanaged.passRetained(runDone).toOpaque()
                let status = plugin.descriptor.pointee.start(handle, hostRunDone, context)
                guard status == AK_OK else {
                    Unmanaged<OneShot<AdapterRunOutcome>>.fromOpaque(context).release()
                    self.lifecycle.withLock { $0.started = false }
                    source.isRunning = false
                    runDone.complete(.failed("start returned status \(status)"))
                    return false
                }
                return true
            }
        }
        guard let call else {
            runDone.complete(.stopped)
            return false
        }
        return await waitAbandonably(call) ?? false
    }

    /// Waits until the started instance's run ends; cancellation asks it to stop.
    package func waitUntilStopped() async -> AdapterRunOutcome {
        let outcome = await withTaskCancellationHandler {
            await runDone.wait()
        } onCancel: {
            self.stop()
        }
        source.isRunning = false
        return outcome ?? .stopped
    }

    /// Asks the instance to stop gracefully; returns at once. Only the first call after start
    /// reaches the library (after the start, on the instance's thread); before start, it only
    /// prevents the start.
    package func stop() {
        lifecycle.withLock { lifecycle in
            let first = !lifecycle.stopRequested
            lifecycle.stopRequested = true
            guard first && lifecycle.started else { return }
            thread.submit { [self] in
                // A start the library refused leaves nothing to stop.
                if hasStarted { plugin.descriptor.pointee.stop(handle) }
            }
        }
    }

    /// Whether the library's start was called (and accepted): only then may it receive batches.
    package var hasStarted: Bool {
        lifecycle.withLock { $0.started }
    }

    /// Delivers a batch and waits until the instance handled it. Unless `abandonOnCancel`, the wait
    /// outlasts the caller's cancellation (an instance is never destroyed with a batch in flight);
    /// ``abandon()`` ends it in any case.
    package func deliver(_ events: [Event], abandonOnCancel: Bool) async -> AdapterDeliveryResult {
        let completion = DeliveryCompletion(outstanding: outstanding)
        thread.submit { [self] in
            let context = Unmanaged.passRetained(completion).toOpaque()
            let status = ABIEventBatch.withEvents(events) { pointer, count in
                plugin.descriptor.pointee.deliver(handle, pointer, count, hostDeliveryDone, context)
            }
            if status != AK_OK {
                Unmanaged<DeliveryCompletion>.fromOpaque(context).release()
                completion.finish(handled: false)
            }
        }
        switch await waitAbandonably(completion.handled, orOnCancel: abandonOnCancel) {
        case true?: return .delivered
        case false?: return .refused
        case nil: return .abandoned
        }
    }

    /// Gives up on the instance: every wait under way or to come (start, delivery, run) returns
    /// at once. The calls themselves go on, on the instance's thread; it is never destroyed.
    package func abandon() {
        let waits = lifecycle.withLock { lifecycle in
            lifecycle.abandoned = true
            defer { lifecycle.waits = [:] }
            return Array(lifecycle.waits.values)
        }
        waits.forEach { $0() }
        runDone.abandon()
    }

    /// Releases the instance, once its run ended and no call is outstanding. An instance still
    /// running or still handling a call (its waiter gave up: the host is abandoning it) is left
    /// alive, never released under its own feet: it may still call the host's services; the
    /// process is about to exit.
    package func destroy() {
        _ = release()
    }

    /// The library's destroy, submitted when the instance may be released; nil when it may not
    /// (or already was).
    private func release() -> OneShot<Void>? {
        let release = lifecycle.withLock { lifecycle -> Bool in
            guard !lifecycle.destroyed else { return false }
            guard (!lifecycle.started || runDone.isComplete) && outstanding.isEmpty else { return false }
            lifecycle.destroyed = true
            return true
        }
        guard release else {
            if !lifecycle.withLock(\.destroyed) {
                source.logger.warning("adapter still running or handling a call at shutdown: left alive, not destroyed")
            }
            return nil
        }
        let done = thread.submitting { [self] in
            plugin.descriptor.pointee.destroy(handle)
            Created.release(services)
        }
        thread.finish()
        return done
    }

    /// Destroys the instance (as ``destroy()``) and waits until the library's destroy returned.
    package func destroyAndWait() async {
        _ = await release()?.waitIgnoringCancellation()
    }

    /// In the host's process, a late call can only be reported: nothing can stop a thread that
    /// runs foreign code.
    package func callOverdue(_ reason: String) {}

    /// Waits for `call`, or until the instance is abandoned (then nil); also until the calling
    /// task is cancelled when `orOnCancel`.
    private func waitAbandonably<Value: Sendable>(_ call: OneShot<Value>, orOnCancel: Bool = false) async -> Value? {
        let key = lifecycle.withLock { lifecycle -> Int? in
            guard !lifecycle.abandoned else { return nil }
            lifecycle.nextWait += 1
            lifecycle.waits[lifecycle.nextWait] = { call.abandon() }
            return lifecycle.nextWait
        }
        guard let key else {
            call.abandon()
            return await call.waitIgnoringCancellation()
        }
        defer { _ = lifecycle.withLock { $0.waits.removeValue(forKey: key) } }
        return orOnCancel ? await call.wait() : await call.waitIgnoringCancellation()
    }
}

/// What the library's create made: the instance handle and the services it was given.
private struct Created: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let services: UnsafeMutablePointer<ak_host_services>

    /// Calls the library's create; throws the adapter's own message when it refuses.
    static func make(
        plugin: LoadedPlugin,
        configJSON: String,
        source: any InstanceServices,
        dataDirectory: String,
        configurationDirectory: String,
        minimumLevel: Logger.Level
    ) throws(PluginLoadError) -> Created {
        let services = UnsafeMutablePointer<ak_host_services>.allocate(capacity: 1)
        services.initialize(
            to: ak_host_services(
                struct_size: UInt32(MemoryLayout<ak_host_services>.size),
                min_log_level: minimumLevel.abiLevel,
                host_context: Unmanaged.passRetained(ServicesBox(source)).toOpaque(),
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
            release(services)
            throw PluginLoadError(status == AK_ERR_INVALID_CONFIG ? .invalidConfiguration : .createRefused, library: plugin.path, message)
        }
        return Created(handle: instance, services: services)
    }

    static func release(_ services: UnsafeMutablePointer<ak_host_services>) {
        Unmanaged<ServicesBox>.fromOpaque(services.pointee.host_context).release()
        free(UnsafeMutablePointer(mutating: services.pointee.data_directory))
        free(UnsafeMutablePointer(mutating: services.pointee.site_id))
        free(UnsafeMutablePointer(mutating: services.pointee.instance_id))
        free(UnsafeMutablePointer(mutating: services.pointee.config_directory))
        services.deinitialize(count: 1)
        services.deallocate()
    }
}

/// The end of one delivery: the library's done callback (handled) or its refusal.
private final class DeliveryCompletion: Sendable {
    let handled = OneShot<Bool>()
    private let outstanding: OutstandingCalls
    private let token: Int

    init(outstanding: OutstandingCalls) {
        self.outstanding = outstanding
        self.token = outstanding.begin("deliver")
    }

    func finish(handled: Bool) {
        outstanding.end(token)
        self.handled.complete(handled)
    }
}

// MARK: - Host services, called by the library

/// The services an instance's calls reach, held by the C context pointer.
private final class ServicesBox: Sendable {
    let services: any InstanceServices
    init(_ services: any InstanceServices) { self.services = services }
}

private func source(_ context: UnsafeMutableRawPointer?) -> any InstanceServices {
    Unmanaged<ServicesBox>.fromOpaque(context!).takeUnretainedValue().services
}

/// The size of an ABI x.0 event (up to `payload_len`).
private let minimumEventSize = MemoryLayout<ak_event>.offset(of: \ak_event.payload_len)! + MemoryLayout<Int>.size

private func hostPublish(context: UnsafeMutableRawPointer?, event: UnsafePointer<ak_event>?) -> Int32 {
    guard let context, let event, Int(event.pointee.struct_size) >= minimumEventSize,
        event.pointee.topic != nil, event.pointee.kind != nil,
        event.pointee.payload_len == 0 || event.pointee.payload != nil
    else { return Int32(AK_ERR_INVALID) }
    return source(context).publish(Event(abi: event)).status
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
    let runDone = Unmanaged<OneShot<AdapterRunOutcome>>.fromOpaque(context!).takeRetainedValue()
    let text = message.map { String(cString: $0) } ?? "run failed with status \(status)"
    switch status {
    case Int32(AK_OK): runDone.complete(.stopped)
    case Int32(AK_ERR_INVALID_CONFIG): runDone.complete(.invalidConfiguration(text))
    default: runDone.complete(.failed(text))
    }
}

private func hostDeliveryDone(context: UnsafeMutableRawPointer?) {
    Unmanaged<DeliveryCompletion>.fromOpaque(context!).takeRetainedValue().finish(handled: true)
}
