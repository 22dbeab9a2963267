/// Runs an adapter as a `Service` under a name that is only its identity.
///
/// ServiceLifecycle logs services with `"\(service)"`; the adapter struct itself would print its
/// fields, configuration secrets included.
package struct AdapterService: Service, CustomStringConvertible {
    private let adapter: any Adapter
    package let description: String

    package init(_ adapter: any Adapter, instanceID: String) {
        self.adapter = adapter
        self.description = "\(type(of: adapter).description.typeName)(\(instanceID))"
    }

    package func run() async throws {
        try await adapter.run()
    }
}
