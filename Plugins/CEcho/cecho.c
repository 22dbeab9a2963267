/*
 * CEcho — a tiny adapter written in plain C against adapterkit.h, proving that the boundary is a
 * real C ABI: the host loads it like any Swift adapter.
 *
 * It republishes every delivered event, unchanged (kind, time, payload), on
 * sites/{site}/{adapter}/{stream} (stream "echo" unless configured). Configuration:
 *   {"stream": "echo"}   -- optional; a single topic level.
 *
 * Fixture builds: the tests compile this file with -DCECHO_FAULT=<n> to produce libraries that
 * the loader must refuse (bad magic, wrong toolchain, missing function...) or whose run fails. ADAPTERKIT_ABI_MAJOR
 * may also be overridden on the command line to build a library for another ABI version, and
 * -DCECHO_SECRET_FIELD adds a secret "token" to the schema (to test secret handling).
 */
#include <adapterkit.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The faulty builds' endless wait: only the end of the process ends it. */
static void block_forever(void) {
    for (;;) sleep(3600);
}

#ifndef CECHO_FAULT
#define CECHO_FAULT 0
#endif
#define CECHO_FAULT_BAD_MAGIC 1
#define CECHO_FAULT_TOOLCHAIN 2
#define CECHO_FAULT_MISSING_DELIVER 3
#define CECHO_FAULT_BAD_MANIFEST 4
#define CECHO_FAULT_NO_ENTRY 5
#define CECHO_FAULT_FAIL_RUN 6
#define CECHO_FAULT_BLOCK_DELIVER 7 /* deliver never returns: a faulty adapter stuck in a call */
#define CECHO_FAULT_BLOCK_START 8   /* start never returns */
#define CECHO_FAULT_SEGV_DELIVER 9  /* deliver dereferences a null pointer */
#define CECHO_FAULT_ABORT_START 10  /* start calls abort() */
#define CECHO_FAULT_LEAK_DELIVER 11 /* each delivery leaks 64 MiB it has written to, unchecked */
#define CECHO_FAULT_CONSTRUCTOR_SEGV 12 /* the library's constructor dereferences a null pointer */
#define CECHO_FAULT_CONSTRUCTOR_EXIT 13 /* the library's constructor calls exit(3) */
#define CECHO_FAULT_ENTRY_HANG 14       /* the entry function never returns */
#define CECHO_FAULT_BLOCK_CREATE 15     /* create never returns */

#if CECHO_FAULT == CECHO_FAULT_CONSTRUCTOR_SEGV || CECHO_FAULT == CECHO_FAULT_CONSTRUCTOR_EXIT
__attribute__((constructor)) static void cecho_faulty_constructor(void) {
#if CECHO_FAULT == CECHO_FAULT_CONSTRUCTOR_SEGV
    *(volatile int *)(uintptr_t)(getpid() - getpid()) = 1;
#else
    exit(3);
#endif
}
#endif

/* -DCECHO_TYPE_NAME='"Other"' builds the same adapter under another type name (lib<Other>.so),
 * so that a faulty build can run beside the normal one. */
/* -DCECHO_FLOOD_TOPIC='"sites/s/a/commands"' (tests): once started, a thread publishes empty
 * "command" events on that topic until the instance stops, about 15 000 a second, pausing 1 ms
 * after each refusal, as a faulty or hostile adapter would; -DCECHO_FLOOD_LIMIT=<n> stops after n. */
#ifdef CECHO_FLOOD_TOPIC
#include <pthread.h>
#endif

#ifndef CECHO_TYPE_NAME
#define CECHO_TYPE_NAME "CEcho"
#endif

typedef struct cecho_instance {
    ak_host_services host;
    char topic[512];
    atomic_int running;
    ak_run_done_fn run_done;
    void *run_done_context;
    atomic_flag run_done_called;
} cecho_instance;

static char *duplicate(const char *text) {
    size_t length = strlen(text) + 1;
    char *copy = malloc(length);
    if (copy) memcpy(copy, text, length);
    return copy;
}

/* Reads the optional "stream" string of a flat JSON object. Returns NULL when valid, else why. */
static const char *parse_config(const char *json, char *stream, size_t capacity) {
    const char *cursor = json;
    while (*cursor == ' ' || *cursor == '\n' || *cursor == '\t' || *cursor == '\r') cursor++;
    if (*cursor != '{') return "config must be a JSON object";
    snprintf(stream, capacity, "echo");
    const char *key = strstr(cursor, "\"stream\"");
    if (!key) return NULL;
    const char *colon = strchr(key + 8, ':');
    const char *open = colon ? strchr(colon, '"') : NULL;
    const char *close = open ? strchr(open + 1, '"') : NULL;
    if (!close) return "config.stream must be a string";
    size_t length = (size_t)(close - open - 1);
    if (length == 0 || length >= capacity) return "config.stream must be 1 to 63 characters";
    for (const char *c = open + 1; c < close; c++) {
        if (*c == '/' || *c == '+' || *c == '#') return "config.stream must be one topic level without wildcards";
    }
    memcpy(stream, open + 1, length);
    stream[length] = '\0';
    return NULL;
}

static int32_t cecho_create(const ak_plugin_descriptor *descriptor, const ak_create_args *args, void **out_instance,
                            char **out_error) {
    (void)descriptor;
#if CECHO_FAULT == CECHO_FAULT_BLOCK_CREATE
    block_forever();
#endif
    if (!args || !args->host || !args->config_json || !out_instance) return AK_ERR_INVALID;
    char stream[64];
    const char *problem = parse_config(args->config_json, stream, sizeof stream);
    if (problem) {
        if (out_error) *out_error = duplicate(problem);
        return AK_ERR_INVALID_CONFIG; /* permanent: the host does not restart it */
    }
    cecho_instance *instance = calloc(1, sizeof *instance);
    if (!instance) return AK_ERR_FAILED;
    instance->host = *args->host;
    snprintf(instance->topic, sizeof instance->topic, "sites/%s/%s/%s", args->host->site_id, args->host->instance_id,
             stream);
    atomic_init(&instance->running, 0);
    atomic_flag_clear(&instance->run_done_called);
    *out_instance = instance;
    return AK_OK;
}

/* ABI 1.2: the same checks as create, without creating anything. The problems are plain text
 * without quotes, so the JSON list is written directly. */
static int32_t cecho_validate(const ak_plugin_descriptor *descriptor, const ak_validate_args *args,
                              char **out_issues_json) {
    (void)descriptor;
    if (!args || !args->config_json) return AK_ERR_INVALID;
    char stream[64];
    const char *problem = parse_config(args->config_json, stream, sizeof stream);
    if (!problem) return AK_OK;
    if (out_issues_json) {
        char list[256];
        snprintf(list, sizeof list, "[{\"path\": \"\", \"message\": \"%s\"}]", problem);
        *out_issues_json = duplicate(list);
    }
    return AK_ERR_INVALID_CONFIG;
}

#ifdef CECHO_FLOOD_TOPIC
static void *flood(void *opaque) {
    cecho_instance *instance = opaque;
    ak_event event = {.struct_size = sizeof event, .topic = CECHO_FLOOD_TOPIC, .kind = "command"};
#ifndef CECHO_FLOOD_LIMIT
#define CECHO_FLOOD_LIMIT INT64_MAX
#endif
    for (int64_t index = 0; atomic_load(&instance->running) && index < CECHO_FLOOD_LIMIT; index++) {
        event.time_ns = index;
        if (instance->host.publish(instance->host.host_context, &event) < 0 || index % 16 == 0) usleep(1000);
    }
    return NULL;
}
#endif

static int32_t cecho_start(void *opaque, ak_run_done_fn run_done, void *done_context) {
    cecho_instance *instance = opaque;
    instance->run_done = run_done;
    instance->run_done_context = done_context;
    atomic_store(&instance->running, 1);
#if CECHO_FAULT == CECHO_FAULT_BLOCK_START
    block_forever();
#endif
#if CECHO_FAULT == CECHO_FAULT_ABORT_START
    abort();
#endif
#if CECHO_FAULT == CECHO_FAULT_FAIL_RUN
    atomic_store(&instance->running, 0);
    atomic_flag_test_and_set(&instance->run_done_called);
    run_done(done_context, AK_ERR_FAILED, "injected failure");
    return AK_OK;
#endif
#ifdef CECHO_FLOOD_TOPIC
    pthread_t flooder;
    if (pthread_create(&flooder, NULL, flood, instance) == 0) pthread_detach(flooder);
#endif
    ak_log_field field = {"cecho.topic", instance->topic};
    instance->host.log(instance->host.host_context, AK_LOG_INFO, "echoing delivered events", &field, 1);
    return AK_OK;
}

static int32_t cecho_deliver(void *opaque, const ak_event *events, size_t count, ak_delivery_done_fn done,
                             void *done_context) {
    cecho_instance *instance = opaque;
#if CECHO_FAULT == CECHO_FAULT_BLOCK_DELIVER
    block_forever();
#endif
#if CECHO_FAULT == CECHO_FAULT_SEGV_DELIVER
    *(volatile int *)(uintptr_t)(count - count) = 1;
#endif
#if CECHO_FAULT == CECHO_FAULT_LEAK_DELIVER
    {
        size_t size = (size_t)64 << 20;
        char *leaked = malloc(size);
        memset(leaked, 1, size); /* no check: a leaking adapter finds out the hard way */
    }
#endif
    for (size_t index = 0; index < count && atomic_load(&instance->running); index++) {
        ak_event echo = events[index];
        echo.struct_size = sizeof echo;
        echo.topic = instance->topic;
        instance->host.publish(instance->host.host_context, &echo);
    }
    done(done_context);
    return AK_OK;
}

static void cecho_stop(void *opaque) {
    cecho_instance *instance = opaque;
    atomic_store(&instance->running, 0);
    if (!atomic_flag_test_and_set(&instance->run_done_called) && instance->run_done) {
        instance->run_done(instance->run_done_context, AK_OK, NULL);
    }
}

static void cecho_destroy(void *opaque) { free(opaque); }

static void cecho_free_string(char *string) { free(string); }

#if CECHO_FAULT == CECHO_FAULT_BAD_MANIFEST
#define CECHO_MANIFEST "{\"config_schema\": 42"
#else
#ifdef CECHO_SECRET_FIELD
#define CECHO_TOKEN_PROPERTY ",\"token\":{\"type\":\"string\",\"x-secret\":true,\"minLength\":12}"
#else
#define CECHO_TOKEN_PROPERTY ""
#endif
/* -DCECHO_CATASTROPHIC_PATTERN (tests): the stream's pattern backtracks without end on "aaaa…b". */
#ifdef CECHO_CATASTROPHIC_PATTERN
#define CECHO_STREAM_PATTERN "^(a+)+$"
#else
#define CECHO_STREAM_PATTERN "^[^/+#]+$"
#endif
#define CECHO_MANIFEST                                                                                          \
    "{\"description\":\"Republishes every delivered event on its own stream (a C adapter).\","                  \
    "\"config_schema\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"stream\":"       \
    "{\"type\":\"string\",\"pattern\":\"" CECHO_STREAM_PATTERN "\",\"default\":\"echo\"}" CECHO_TOKEN_PROPERTY "}}," \
    "\"publishes\":[{\"stream\":\"echo\",\"kind\":\"*\"}],"                                                     \
    "\"subscriptions\":[{\"topic\":\"sites/{site}/{adapter}/in\",\"policy\":\"lossless\"}]}"
#endif

/* CECHO_ABI_1_1_DESCRIPTOR (tests): the descriptor as an ABI 1.1 library declares it, without validate. */
#ifdef CECHO_ABI_1_1_DESCRIPTOR
#define CECHO_DESCRIPTOR_SIZE offsetof(ak_plugin_descriptor, validate)
#else
#define CECHO_DESCRIPTOR_SIZE sizeof(ak_plugin_descriptor)
#endif

static const ak_plugin_descriptor cecho_descriptor = {
#if CECHO_FAULT == CECHO_FAULT_BAD_MAGIC
    .magic = 0xDEADBEEFu,
#else
    .magic = ADAPTERKIT_MAGIC,
#endif
    .struct_size = CECHO_DESCRIPTOR_SIZE,
    .abi_major = ADAPTERKIT_ABI_MAJOR,
    .abi_minor = ADAPTERKIT_ABI_MINOR,
    .type_name = CECHO_TYPE_NAME,
    .version = "1.0.0",
#if CECHO_FAULT == CECHO_FAULT_TOOLCHAIN
    .toolchain = "swift-5.9 x86_64-linux",
#else
    .toolchain = "",
#endif
    .manifest_json = CECHO_MANIFEST,
    .plugin_context = NULL,
    .create = cecho_create,
    .start = cecho_start,
#if CECHO_FAULT == CECHO_FAULT_MISSING_DELIVER
    .deliver = NULL,
#else
    .deliver = cecho_deliver,
#endif
    .stop = cecho_stop,
    .destroy = cecho_destroy,
    .free_string = cecho_free_string,
    .validate = cecho_validate,
};

#if CECHO_FAULT == CECHO_FAULT_NO_ENTRY
const ak_plugin_descriptor *cecho_descriptor_without_entry(void) { return &cecho_descriptor; }
#else
const ak_plugin_descriptor *adapterkit_plugin_v1(void) {
#if CECHO_FAULT == CECHO_FAULT_ENTRY_HANG
    block_forever();
#endif
    return &cecho_descriptor;
}
#endif
