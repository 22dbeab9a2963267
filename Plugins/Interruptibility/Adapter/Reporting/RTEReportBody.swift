import AdapterKit
import Foundation

/// The body of `POST /api/data` (seed §2.6.2): exactly `id`, `timestamp`, `power`, `state`,
/// `available`, and `frequency` when known.
struct RTEReportBody: Encodable, Equatable {
    var id: String
    /// UTC, whole seconds, `Z` (`2017-07-21T17:32:28Z`).
    var timestamp: String
    /// MW, positive.
    var power: Double
    var state: Bool
    var available: Bool
    /// Hz; absent when no point has a valid sample.
    var frequency: Double?

    init(id: String, time: EventTime, snapshot: SiteController.Snapshot) {
        self.id = id
        let nanos = time.nanosecondsSinceEpoch
        timestamp = EventTime(nanosecondsSinceEpoch: nanos - ((nanos % 1_000_000_000) + 1_000_000_000) % 1_000_000_000).description
        power = snapshot.powerMegawatts
        state = snapshot.state
        available = snapshot.available
        frequency = snapshot.frequencyHertz
    }

    /// The JSON of the request.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}
