import Synchronization

/// The running supervisors, in configuration order; a reload replaces some of them.
final class SupervisorList: Sendable {
    private let list = Mutex<[AdapterSupervisor]>([])

    /// Every supervisor, in configuration order.
    var all: [AdapterSupervisor] { list.withLock { $0 } }

    func append(_ supervisor: AdapterSupervisor) {
        list.withLock { $0.append(supervisor) }
    }

    /// The supervisor of instance `id` of `site`.
    func find(site: String, id: String) -> AdapterSupervisor? {
        list.withLock { $0.first { $0.configuration.siteID == site && $0.configuration.id == id } }
    }

    /// Takes `removed` out and puts `added` in, then orders the list as `order` (site, id) is.
    func replace(removing removed: [AdapterSupervisor], adding added: [AdapterSupervisor], order: [String]) {
        list.withLock { list in
            list.removeAll { supervisor in removed.contains { $0 === supervisor } }
            list += added
            let rank = Dictionary(order.enumerated().map { ($1, $0) }) { first, _ in first }
            list.sort { (rank[$0.key] ?? .max) < (rank[$1.key] ?? .max) }
        }
    }
}

extension AdapterSupervisor {
    /// `site/id`.
    var key: String { "\(configuration.siteID)/\(configuration.id)" }
}
