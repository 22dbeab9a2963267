import AdapterKit
import Logging

/// adapters.json as typed values, decoded (snake_case keys) once the host's schema
/// (``HostConfigurationSchema``) validated it and filled in its defaults. The schema is the one
/// source of defaults and ranges; these types carry none, and a test checks that both agree.
/// The instances' `config` objects are not decoded here: each goes to its adapter as JSON.
struct ConfigurationDocument: Decodable {
    var host: Host
    var sites: [Site]

    struct Host: Decodable {
        var id: String
        var dataDir: String
        /// One plugin directory (the older form of `plugin_dirs`).
        var pluginDir: String?
        /// Plugin directories searched in order, before the executable's own.
        var pluginDirs: [String]?
        var admin: Admin
        var logLevel: Logger.Level
        var shutdownTimeoutS: Seconds
        var memoryLimitMb: Int?
    }

    struct Admin: Decodable {
        var listen: String
        var enabled: Bool
        var commandTimeoutS: Seconds
        var idleTimeoutS: Seconds
        var maxConnections: Int
        var operators: [Operator]?
    }

    struct Operator: Decodable {
        var name: String
        var token: String
    }

    struct Site: Decodable {
        var id: String
        var name: String?
        var adapters: [Instance]
    }

    struct Instance: Decodable {
        var id: String
        var plugin: String
        var subscribe: [Subscription]?
        var queueCapacity: Int
        var acceptCommandsFrom: [String]?
        var watchdogS: Seconds
        var isolation: InstanceIsolation
        var limits: Limits?
        var restart: Restart
    }

    struct Limits: Decodable {
        var memoryMb: Int?
        var openFiles: Int?
    }

    /// A topic filter string, or `{"topic", "policy"}`.
    struct Subscription: Decodable {
        var topic: String
        var policy: DeliveryPolicy?
        /// Whether it was written as an object (for the path of messages).
        var isObject = true

        private enum CodingKeys: String, CodingKey {
            case topic, policy
        }

        init(from decoder: any Decoder) throws {
            if let container = try? decoder.container(keyedBy: CodingKeys.self) {
                topic = try container.decode(String.self, forKey: .topic)
                policy = try container.decodeIfPresent(DeliveryPolicy.self, forKey: .policy)
            } else {
                topic = try decoder.singleValueContainer().decode(String.self)
                policy = nil
                isObject = false
            }
        }
    }

    struct Restart: Decodable {
        var policy: RestartPolicy.Mode
        var maxRestarts: Int
        var initialBackoffMs: Milliseconds
        var maxBackoffMs: Milliseconds
    }
}
