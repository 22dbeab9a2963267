import AdapterKit
import Logging

/// The JSON Schema of adapters.json itself (docs/configuration.md documents every key).
enum HostConfigurationSchema {
    static let identifierPattern = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"

    static let schema: JSONSchema = .object(
        [
            "$schema": .string(description: "Optional, for editors."),
            "host": .object(
                [
                    "id": .string(description: "Names this gateway.", pattern: identifierPattern),
                    "data_dir": .string(description: "Root of the instances' data directories.", default: "./data"),
                    "plugin_dir": .string(description: "A directory where lib<Name>.so are found (the one-directory form of plugin_dirs).", minLength: 1),
                    "plugin_dirs": .array(
                        of: .string(minLength: 1),
                        description: "Directories where lib<Name>.so are found, searched in order before the executable's own."
                    ),
                    "admin": .object(
                        [
                            "listen": .string(description: "host:port of the admin HTTP API.", default: "127.0.0.1:9480", minLength: 1),
                            "enabled": .boolean(default: true),
                            "command_timeout_s": .number(
                                description: "How long a command waits for the adapter's acknowledgement.", minimum: 0.1, maximum: 300, default: 10
                            ),
                            "idle_timeout_s": .number(
                                description: "How long an admin connection may stay idle (also the time to send a request's header).",
                                minimum: 0.1,
                                maximum: 3600,
                                default: 30
                            ),
                            "max_connections": .integer(
                                description: "Admin connections served at once; more wait until one closes.",
                                minimum: 1,
                                maximum: 10_000,
                                default: 64
                            ),
                            "operators": .array(
                                of: .object(
                                    [
                                        "name": .string(description: "Who the operator is, as commands record it.", pattern: identifierPattern),
                                        "token": .string(description: "The operator's bearer token, at least 16 characters.", minLength: 16, secret: true),
                                    ],
                                    required: ["name", "token"]
                                )
                            ),
                        ],
                        filledWhenMissing: true
                    ),
                    "log_level": .string(
                        default: "info",
                        oneOf: Logger.Level.allCases.map(\.rawValue)
                    ),
                    "shutdown_timeout_s": .number(minimum: 0.1, maximum: 600, default: 10),
                    "memory_limit_mb": .integer(
                        description: "Resident memory of the host process above which it raises memory_high and reports degraded health.",
                        minimum: 1,
                        maximum: 1_048_576
                    ),
                ],
                required: ["id"]
            ),
            "sites": .array(
                of: .object(
                    [
                        "id": .string(pattern: identifierPattern),
                        "name": .string(),
                        "adapters": .array(of: instanceSchema),
                    ],
                    required: ["id", "adapters"]
                ),
                minItems: 1
            ),
        ],
        required: ["host", "sites"]
    )

    static let instanceSchema: JSONSchema = .object(
        [
            "id": .string(pattern: identifierPattern),
            "plugin": .string(description: "Adapter type: the host loads lib<plugin>.so.", pattern: identifierPattern),
            "config": .object([:], additionalProperties: true, filledWhenMissing: true),
            "subscribe": .array(of: subscriptionSchema),
            "queue_capacity": .integer(minimum: 1, maximum: 1_000_000, default: 1024),
            "accept_commands_from": .array(
                of: .string(pattern: identifierPattern),
                description: "The adapters of the site that may publish on this adapter's command stream, besides operators."
            ),
            "watchdog_s": .number(
                description: "How long a call into the adapter (its start, a delivery) may take before it is reported blocked.",
                minimum: 0.1,
                maximum: 3600,
                default: 10
            ),
            "isolation": .string(
                description: "in_process (the host's own process) or process (a runner process of its own).",
                default: InstanceIsolation.inProcess.rawValue,
                oneOf: InstanceIsolation.allCases.map(\.rawValue)
            ),
            "limits": .object(
                [
                    "memory_mb": .integer(description: "Address-space limit of the runner process, in MiB.", minimum: 64, maximum: 1_048_576),
                    "open_files": .integer(description: "Open-file limit of the runner process.", minimum: 16, maximum: 1_048_576),
                ]
            ),
            "restart": .object(
                [
                    "policy": .string(default: "on_failure", oneOf: RestartPolicy.Mode.allCases.map(\.rawValue)),
                    "max_restarts": .integer(minimum: 0, default: 10),
                    "initial_backoff_ms": .integer(minimum: 1, default: 500),
                    "max_backoff_ms": .integer(minimum: 1, default: 30000),
                ],
                filledWhenMissing: true
            ),
        ],
        required: ["id", "plugin"]
    )

    /// A filter string, or `{"topic": ..., "policy": ...}`.
    static let subscriptionSchema: JSONSchema = {
        var schema = JSONSchema.object(
            [
                "topic": .string(),
                "policy": .string(oneOf: DeliveryPolicy.allCases.map(\.rawValue)),
            ],
            required: ["topic"]
        )
        if case .object(var members) = schema.value {
            members["type"] = .array([.string("string"), .string("object")])
            schema.value = .object(members)
        }
        return schema
    }()
}
