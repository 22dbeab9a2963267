// An adapter needs only `import AdapterKit`: the logger and the graceful-shutdown helpers
// (`gracefulShutdown()`, `withGracefulShutdownHandler`, `cancelOnGracefulShutdown()`) come with it.
@_exported public import Logging
@_exported public import ServiceLifecycle
