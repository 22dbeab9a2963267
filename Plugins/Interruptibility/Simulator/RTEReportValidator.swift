import AdapterKit
public import Foundation

/// One report of the RTE interruptibility API, as the server validated it (seed §2.6.2).
public struct RTEReport: Sendable, Hashable, Codable {
    /// `<id-client>_<id-site>`.
    public var id: String
    /// When the client sent it, UTC, as sent (`2017-07-21T17:32:28Z`).
    public var timestamp: String
    /// The site's power in MW, positive.
    public var power: Double
    /// Whether the interruption is activated.
    public var state: Bool
    /// Whether the site is available.
    public var available: Bool
    /// The frequency the client measured, Hz (optional, strongly recommended).
    public var frequency: Double?

    public init(id: String, timestamp: String, power: Double, state: Bool, available: Bool, frequency: Double?) {
        self.id = id
        self.timestamp = timestamp
        self.power = power
        self.state = state
        self.available = available
        self.frequency = frequency
    }
}

/// Validates a request body exactly as the seed's API does, with its French messages.
public enum RTEReportValidator {
    /// The 200 answer.
    public static let success = "Données reçues, validées et sauvegardées avec succès."
    /// The 400 answer when a required field is missing.
    public static let missing = "Données manquantes. 'id', 'timestamp', 'power', 'state', et 'available' sont requis."
    /// The 400 answer to a request without `Content-Type: application/json` (seed §2.5).
    public static let wrongContentType = "Données invalides. L'en-tête Content-Type doit être application/json."
    /// The 400 answer to a body over 64 KiB.
    public static let tooLarge = "Données invalides. Le corps de la requête dépasse 64 Kio."
    /// The 500 answer.
    public static let internalError = "Une erreur interne est survenue sur le serveur."

    /// The report in `body`, or the 400 message that refuses it.
    public static func validate(_ body: Data) -> Result<RTEReport, ValidationFailure> {
        guard let document = try? JSONValue.parse(body), case .object(let fields) = document else {
            return .failure(.init("Données invalides. Le corps de la requête doit être un objet JSON."))
        }
        let required = ["id", "timestamp", "power", "state", "available"]
        guard required.allSatisfy({ fields[$0] != nil && fields[$0] != .null }) else { return .failure(.init(missing)) }
        guard case .string(let id) = fields["id"], !id.isEmpty else {
            return .failure(.init("Données invalides. 'id' doit être une chaîne non vide (<id-client>_<id-site>)."))
        }
        guard case .string(let timestamp) = fields["timestamp"], isUTCDateTime(timestamp) else {
            return .failure(.init("Données invalides. 'timestamp' doit être une date-heure UTC, par exemple 2017-07-21T17:32:28Z."))
        }
        guard case .number(let power) = fields["power"], power >= 0 else {
            return .failure(.init("Données invalides. 'power' doit être un nombre positif (MW)."))
        }
        guard case .bool(let state) = fields["state"] else { return .failure(.init("Données invalides. 'state' doit être un booléen.")) }
        guard case .bool(let available) = fields["available"] else {
            return .failure(.init("Données invalides. 'available' doit être un booléen."))
        }
        var frequency: Double?
        if let value = fields["frequency"], value != .null {
            guard case .number(let hertz) = value, hertz > 0 else {
                return .failure(.init("Données invalides. 'frequency' doit être un nombre (Hz)."))
            }
            frequency = hertz
        }
        return .success(RTEReport(id: id, timestamp: timestamp, power: power, state: state, available: available, frequency: frequency))
    }

    /// A 400 message.
    public struct ValidationFailure: Error, Sendable, Equatable {
        public var message: String

        init(_ message: String) {
            self.message = message
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff]Z`: a date-time in UTC.
    static func isUTCDateTime(_ text: String) -> Bool {
        text.hasSuffix("Z") && RFC3339.parse(text) != nil
    }
}
