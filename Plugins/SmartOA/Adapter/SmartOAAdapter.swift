public import AdapterKit

/// EDF OA's Smart OA curtailment orders (skeleton: being written).
public struct SmartOAAdapter: Adapter {
    public struct Configuration: Decodable, Sendable {}

    public static let description = AdapterDescription(
        typeName: "SmartOA",
        version: "0.1.0",
        summary: "EDF OA curtailment orders.",
        configurationSchema: .object([:], required: []),
        publishes: [],
        subscriptions: []
    )

    public init(configuration: Configuration, context: AdapterContext) throws {}

    public func run() async throws {}
}
