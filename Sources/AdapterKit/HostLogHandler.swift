package import Logging

/// A `LogHandler` that forwards to the host (the plugin's copy of swift-log never sees the host's
/// bootstrap, so an adapter's logger is built on this instead).
package struct HostLogHandler: LogHandler {
    package var logLevel: Logger.Level = .trace
    package var metadata: Logger.Metadata = [:]
    private let link: any HostLink

    package init(link: any HostLink) {
        self.link = link
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let fields = merged.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
        link.log(level: event.level, message: "\(event.message)", metadata: fields)
    }
}
