/*
 * adapterkit.h — the versioned C boundary between the energy host and an adapter library.
 *
 * An adapter library (lib<Name>.so) exports ONE symbol, ADAPTERKIT_ENTRY_SYMBOL, a function that
 * returns a pointer to a static ak_plugin_descriptor. The host opens the library with
 * dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE), checks magic, ABI version, struct sizes and
 * toolchain, then creates instances through the descriptor's function pointers.
 *
 * Versioning
 *   - ADAPTERKIT_ABI_MAJOR changes when anything incompatible changes; the host refuses another major.
 *   - ADAPTERKIT_ABI_MINOR grows when fields are appended. Every struct starts with struct_size; a
 *     reader uses a field only when struct_size covers it. Fields are never removed or reordered.
 *
 * Memory ownership
 *   - The caller owns everything it passes. Pointers handed to a callee are valid for the duration
 *     of that call only, unless stated otherwise below; copy what you keep.
 *   - Strings returned across the boundary (out_error of create) are allocated by the library and
 *     released by the host with the descriptor's free_string.
 *   - The ak_host_services block given to create stays valid until destroy returns.
 *
 * Threading
 *   - create, start, stop and destroy are called by the host, never concurrently for one instance.
 *   - deliver is never called concurrently for one instance, and not again before the previous
 *     batch's done callback ran.
 *   - publish and log may be called from any thread at any time between start and the run-done
 *     callback. log may also be called during create.
 *   - The run-done and delivery-done callbacks may be called from any thread, even before the
 *     function that received them returns. Each is called exactly once.
 *
 * Lifecycle: create -> start -> (deliver)* -> stop -> run-done -> (deliver)* -> destroy.
 *   Deliveries after run-done drain the events still queued for the instance at shutdown.
 */
#ifndef ADAPTERKIT_H
#define ADAPTERKIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** 'AKIT': the first field of every descriptor. */
#define ADAPTERKIT_MAGIC 0x414B4954u
#ifndef ADAPTERKIT_ABI_MAJOR
#define ADAPTERKIT_ABI_MAJOR 1
#endif
#define ADAPTERKIT_ABI_MINOR 3
/** The entry symbol every adapter library exports; the ABI major is part of its name. */
#define ADAPTERKIT_ENTRY_SYMBOL "adapterkit_plugin_v1"

/** Status codes. Zero is success; positive values are successes with a hint; negatives are errors. */
enum {
    AK_OK = 0,
    /** publish: accepted, but a lossless subscriber is over its high watermark; slow down. */
    AK_BACKPRESSURE = 1,
    /** A required argument is missing or malformed (e.g. a topic with wildcards). */
    AK_ERR_INVALID = -1,
    /** The instance is not running (publish before start or after run-done). */
    AK_ERR_STOPPED = -2,
    /** publish: refused, a lossless subscriber reached its hard limit; nothing was enqueued. */
    AK_ERR_OVERLOADED = -3,
    /** The operation failed; for create, out_error says why. Transient: the host restarts the
     *  instance by its restart policy. */
    AK_ERR_FAILED = -4,
    /**
     * ABI 1.2. The instance's configuration is invalid (create's out_error, or run-done's message,
     * says why). Permanent: the host marks the instance failed at once and never restarts it with
     * the same configuration. validate returns it with its list of issues.
     */
    AK_ERR_INVALID_CONFIG = -5,
};

/** Log levels, the swift-log order. */
enum {
    AK_LOG_TRACE = 0,
    AK_LOG_DEBUG = 1,
    AK_LOG_INFO = 2,
    AK_LOG_NOTICE = 3,
    AK_LOG_WARNING = 4,
    AK_LOG_ERROR = 5,
    AK_LOG_CRITICAL = 6,
};

/**
 * An event crossing the boundary: an envelope the host routes on, and an opaque payload
 * (energy.v1 Protocol Buffers for the kinds AdapterKit defines).
 */
typedef struct ak_event {
    uint32_t struct_size;
    uint32_t reserved;
    /** UTF-8, NUL-terminated, MQTT topic syntax without wildcards, e.g. "sites/demo/tic/measurements". */
    const char *topic;
    /** NUL-terminated event kind, e.g. "measurement", "command", "alarm". */
    const char *kind;
    /** Instance id of the publisher. Set by the host; ignored on publish. */
    const char *source;
    /** UTC time of the event, nanoseconds since 1970-01-01T00:00:00Z. */
    int64_t time_ns;
    /** Per-source sequence number, from 1. Set by the host; ignored on publish. */
    uint64_t sequence;
    const uint8_t *payload;
    size_t payload_len;
    /**
     * ABI 1.3. Delivered: the local instance that injected this event from another host (a bridge),
     * with `source` the original publisher there; NULL or "" for an event published on this host.
     * On publish: non-empty asks the host to keep the given `source` (non-empty, not "admin" or
     * "host"); the host then sets `via` to the publisher's own id. Read it only when struct_size
     * covers it.
     */
    const char *via;
} ak_event;

/** Metric kinds of the host service `metric` (ABI 1.1). */
enum {
    /** A counter: each sample adds its value (finite, >= 0). */
    AK_METRIC_COUNTER = 0,
    /** A gauge: each sample sets its value. */
    AK_METRIC_GAUGE = 1,
};

/** One structured log field. */
typedef struct ak_log_field {
    const char *key;
    const char *value;
} ak_log_field;

/** Services the host gives an instance. Valid from create until destroy returns. */
typedef struct ak_host_services {
    uint32_t struct_size;
    /** The least severe AK_LOG_* level the host prints; an instance may skip logging below it. */
    int32_t min_log_level;
    /** Opaque; pass it back to every callback below. */
    void *host_context;
    /**
     * Publishes one event. Returns AK_OK or AK_BACKPRESSURE when accepted, AK_ERR_* otherwise.
     * Never blocks. The host copies the event before returning.
     */
    int32_t (*publish)(void *host_context, const ak_event *event);
    /** Returns 1 when no lossless subscriber of this publisher is over its watermark any more. */
    int32_t (*publish_ready)(void *host_context);
    /** Logs a message with fields; the host adds the site and adapter ids. */
    void (*log)(void *host_context, int32_t level, const char *message, const ak_log_field *fields,
                size_t field_count);
    /** Directory reserved for this instance's files (created by the host), NUL-terminated. */
    const char *data_directory;
    /** Site id and instance id from the configuration, NUL-terminated. */
    const char *site_id;
    const char *instance_id;
    /** Directory of the configuration file: relative paths in the config resolve against it. */
    const char *config_directory;
    /**
     * ABI 1.1 (check struct_size before use; absent from a 1.0 host). Records a metric sample
     * that the host exposes as "energy_adapter_<name>" with labels site, adapter and `labels`.
     * name and label keys match [a-z_][a-z0-9_]*; one name keeps one kind and one set of label
     * keys (the host drops, and logs once, samples that break this). Never blocks.
     */
    void (*metric)(void *host_context, int32_t kind, const char *name, const ak_log_field *labels,
                   size_t label_count, double value);
} ak_host_services;

/** Arguments of create. */
typedef struct ak_create_args {
    uint32_t struct_size;
    uint32_t reserved;
    /** The instance's configuration as JSON, already validated against the manifest's schema. */
    const char *config_json;
    const ak_host_services *host;
} ak_create_args;

/**
 * Arguments of validate (ABI 1.2): an instance's configuration and where it would run. Nothing
 * here exists yet: validate must not create, write or connect to anything.
 */
typedef struct ak_validate_args {
    uint32_t struct_size;
    uint32_t reserved;
    /** The instance's configuration as JSON, already validated against the manifest's schema. */
    const char *config_json;
    /** Site id and instance id from the configuration, NUL-terminated. */
    const char *site_id;
    const char *instance_id;
    /** The instance's data directory (it may not exist yet). */
    const char *data_directory;
    /** Directory of the configuration file: relative paths in the config resolve against it. */
    const char *config_directory;
} ak_validate_args;

/**
 * Called once when an instance's run ends: status AK_OK for a clean stop, else a failure message
 * (AK_ERR_INVALID_CONFIG when the instance refuses its configuration for good, AK_ERR_FAILED for
 * a failure worth a restart).
 */
typedef void (*ak_run_done_fn)(void *done_context, int32_t status, const char *message);
/** Called once when a delivered batch is handled and the instance is ready for the next one. */
typedef void (*ak_delivery_done_fn)(void *done_context);

typedef struct ak_plugin_descriptor ak_plugin_descriptor;

struct ak_plugin_descriptor {
    /** ADAPTERKIT_MAGIC. */
    uint32_t magic;
    /** sizeof(ak_plugin_descriptor) as the library was compiled. */
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    uint32_t reserved;
    /** Adapter type name, as adapters.json's "plugin" names it (e.g. "Recorder"). */
    const char *type_name;
    /** The adapter's own version, semantic versioning. */
    const char *version;
    /**
     * Identity of the Swift toolchain the library was built with (e.g. "swift-6.3.1 x86_64-linux").
     * Swift libraries share the host's runtime, so the host refuses a different one. NULL or ""
     * for a library that needs no Swift runtime (C, C++, Rust...).
     */
    const char *toolchain;
    /**
     * JSON manifest: {"config_schema": {...JSON Schema...}, "publishes": [{"stream", "kind"}...],
     * "subscriptions": [{"topic", "policy"}...], "description": "..."}. Topics may use the
     * placeholders {site} and {adapter}.
     */
    const char *manifest_json;
    /** Opaque value for the library's own use; passed back to create. */
    void *plugin_context;

    /**
     * Creates an instance. On failure returns AK_ERR_* and may set *out_error (free_string):
     * AK_ERR_INVALID_CONFIG for a configuration it refuses (the instance is failed at once),
     * AK_ERR_FAILED for anything worth a retry (restarted with backoff).
     */
    int32_t (*create)(const ak_plugin_descriptor *descriptor, const ak_create_args *args,
                      void **out_instance, char **out_error);
    /** Starts the instance; run_done is called exactly once when its run ends. */
    int32_t (*start)(void *instance, ak_run_done_fn run_done, void *done_context);
    /**
     * Delivers a batch of events (valid during this call only). delivery_done is called exactly
     * once when the batch is handled. Returns AK_OK, or an error (then delivery_done is not called).
     */
    int32_t (*deliver)(void *instance, const ak_event *events, size_t count, ak_delivery_done_fn delivery_done,
                       void *done_context);
    /** Asks the instance to stop gracefully; returns at once. */
    void (*stop)(void *instance);
    /** Releases the instance. Called after run_done (or instead of start, if start never happened). */
    void (*destroy)(void *instance);
    /** Frees a string this library returned. */
    void (*free_string)(char *string);

    /**
     * ABI 1.2 (use only when struct_size covers it; may be NULL). Checks an instance's
     * configuration beyond its schema (files that must exist, settings that contradict each other)
     * without creating it: `energy-host validate` calls it for every instance. Returns AK_OK when
     * the configuration is fine, or AK_ERR_INVALID_CONFIG and sets *out_issues_json (free_string)
     * to a JSON array of {"path": "<path inside config, e.g. reporting.timeout_s>", "message": "..."}.
     */
    int32_t (*validate)(const ak_plugin_descriptor *descriptor, const ak_validate_args *args, char **out_issues_json);
};

/** Signature of the entry symbol. */
typedef const ak_plugin_descriptor *(*ak_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* ADAPTERKIT_H */
