import ServiceLifecycle

/// The admin API as a service of the host's group: a failure to listen (an address in use, a
/// name that does not resolve) ends the host with an error naming the address, instead of
/// leaving it running without its API.
struct AdminService<Application: Service>: Service {
    let application: Application
    let address: ListenAddress

    func run() async throws {
        do {
            try await application.run()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw AdminListenError(address: address, reason: "\(error)")
        }
    }
}

/// The admin API could not listen on its address.
public struct AdminListenError: Error, CustomStringConvertible {
    /// The address of `host.admin.listen`.
    public var address: ListenAddress
    /// Why, as the system said it.
    public var reason: String

    public var description: String { "the admin API cannot listen on \(address) (host.admin.listen): \(reason)" }
}
