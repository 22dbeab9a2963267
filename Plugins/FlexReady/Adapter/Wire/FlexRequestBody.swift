import AdapterKit

/// The body of askFlex / askFlexWithPrice (`POST …/flexibilities/request`) and, without
/// `requestID`, of confirmFlexRequest.
///
/// `askingPrice` is the operator's price for the service, a number in €/MWh (the seed names
/// the field, not its form; IEC 62746-4's `BidPriceSchedule` has it per time window, and
/// version 1 of the API sends one per request).
public struct FlexRequestBody: Sendable, Hashable {
    /// The operator's id of the request (absent from a confirmation, which has it in its path).
    public var requestID: String?
    public var flexProduct: FlexProduct
    /// The power asked, step by step.
    public var power: [PowerSlot]
    /// The price asked, €/MWh (level 2).
    public var askingPrice: Double?

    public init(requestID: String?, flexProduct: FlexProduct, power: [PowerSlot], askingPrice: Double? = nil) {
        self.requestID = requestID
        self.flexProduct = flexProduct
        self.power = power
        self.askingPrice = askingPrice
    }

    /// Why a body was refused with 400: every problem, each with its JSON path.
    public struct Malformed: Error, Sendable, Hashable, CustomStringConvertible {
        public var problems: [String]
        public var description: String { problems.joined(separator: "; ") }
    }

    /// Reads an askFlex body (`withRequestID`) or a confirmation's from JSON text, strictly:
    /// malformed JSON, a missing, extra or mistyped field, an unparseable date or an unknown
    /// product are all refused, each problem named with its path.
    package static func read(_ bytes: [UInt8], withRequestID: Bool) throws(Malformed) -> FlexRequestBody {
        let document: JSONValue
        do {
            document = try JSONValue.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw Malformed(problems: ["\(error)"])
        }
        var reader = BodyReader()
        let root = JSONPath()
        var allowed: Set<String> = ["flexProduct", "power", "askingPrice"]
        if withRequestID { allowed.insert("requestID") }
        guard let members = reader.object(document, at: root, allowed: allowed) else {
            throw Malformed(problems: reader.issues.map(\.description))
        }
        let requestID = withRequestID ? reader.required("requestID", in: members, at: root).flatMap { reader.string($0, at: root.appending("requestID")) } : nil
        let product = reader.required("flexProduct", in: members, at: root).flatMap { reader.flexProduct($0, at: root.appending("flexProduct")) }
        let power = reader.required("power", in: members, at: root).flatMap { reader.powerSlots($0, at: root.appending("power")) }
        let price = members["askingPrice"].flatMap { reader.number($0, at: root.appending("askingPrice")) }
        guard reader.issues.isEmpty, let product, let power, withRequestID == (requestID != nil) else {
            throw Malformed(problems: reader.issues.map(\.description))
        }
        return FlexRequestBody(requestID: requestID, flexProduct: product, power: power, askingPrice: price)
    }
}
