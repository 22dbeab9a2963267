import AdapterKitABI
import Foundation
import Logging

/// The host services of adapterkit.h, seen as a ``HostLink``.
///
/// `@unchecked Sendable`: the header makes publish and log callable from any thread, and the
/// services block valid until the instance is destroyed.
final class CHostLink: HostLink, @unchecked Sendable {
    private let services: ak_host_services

    init(services: ak_host_services) {
        self.services = services
    }

    var siteID: String { String(cString: services.site_id) }
    var instanceID: String { String(cString: services.instance_id) }
    var dataDirectory: String { String(cString: services.data_directory) }
    var configurationDirectory: String { String(cString: services.config_directory) }

    /// The least severe level the host prints.
    var minimumLevel: Logger.Level {
        Logger.Level.allCases.first { $0.abiLevel == services.min_log_level } ?? .trace
    }

    func publish(_ event: Event) -> PublishOutcome {
        let status = event.topic.withCString { topic in
            event.kind.rawValue.withCString { kind in
                event.payload.withUnsafeBufferPointer { payload in
                    var abiEvent = ak_event(
                        struct_size: UInt32(MemoryLayout<ak_event>.size),
                        reserved: 0,
                        topic: topic,
                        kind: kind,
                        source: nil,
                        time_ns: event.time.nanosecondsSinceEpoch,
                        sequence: 0,
                        payload: payload.baseAddress,
                        payload_len: payload.count,
                        via: nil
                    )
                    guard event.isBridged else { return services.publish!(services.host_context, &abiEvent) }
                    return event.source.withCString { source in
                        event.via.withCString { via in
                            abiEvent.source = source
                            abiEvent.via = via
                            return services.publish!(services.host_context, &abiEvent)
                        }
                    }
                }
            }
        }
        return PublishOutcome(status: status)
    }

    func isPublishReady() -> Bool {
        services.publish_ready!(services.host_context) == 1
    }

    func log(level: Logger.Level, message: String, metadata: [(String, String)]) {
        withFields(metadata) { fields, count in
            message.withCString { services.log!(services.host_context, level.abiLevel, $0, fields, count) }
        }
    }

    /// Whether the host's services reach the ABI 1.1 `metric` field.
    private var hasMetricService: Bool {
        Int(services.struct_size) >= MemoryLayout<ak_host_services>.offset(of: \.metric)! + MemoryLayout<UnsafeRawPointer>.size
            && services.metric != nil
    }

    func record(_ sample: MetricSample) {
        guard hasMetricService else { return }
        withFields(sample.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }) { fields, count in
            sample.name.withCString { services.metric!(services.host_context, sample.kind.rawValue, $0, fields, count, sample.value) }
        }
    }

    /// Calls `body` with `pairs` as C fields valid during the call.
    private func withFields(_ pairs: [(String, String)], _ body: (UnsafePointer<ak_log_field>?, Int) -> Void) {
        let strings = pairs.flatMap { [strdup($0.0), strdup($0.1)] }
        defer { strings.forEach { free($0) } }
        var fields: [ak_log_field] = []
        for index in stride(from: 0, to: strings.count, by: 2) {
            fields.append(ak_log_field(key: strings[index], value: strings[index + 1]))
        }
        fields.withUnsafeBufferPointer { body($0.baseAddress, $0.count) }
    }
}

extension Logger.Level {
    /// The AK_LOG_* value of this level.
    package var abiLevel: Int32 {
        switch self {
        case .trace: Int32(AK_LOG_TRACE)
        case .debug: Int32(AK_LOG_DEBUG)
        case .info: Int32(AK_LOG_INFO)
        case .notice: Int32(AK_LOG_NOTICE)
        case .warning: Int32(AK_LOG_WARNING)
        case .error: Int32(AK_LOG_ERROR)
        case .critical: Int32(AK_LOG_CRITICAL)
        }
    }

    /// The level of an AK_LOG_* value; out-of-range values clamp.
    package init(abiLevel: Int32) {
        self = Logger.Level.allCases.last { $0.abiLevel <= abiLevel } ?? .trace
    }
}
