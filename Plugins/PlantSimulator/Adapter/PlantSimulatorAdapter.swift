public import AdapterKit

/// A PV or wind plant for demonstrations and tests (skeleton: being written).
public struct PlantSimulatorAdapter: Adapter {
    public struct Configuration: Decodable, Sendable {}

    public static let description = AdapterDescription(
        typeName: "PlantSimulator",
        version: "0.1.0",
        summary: "A simulated PV or wind plant.",
        configurationSchema: .object([:], required: []),
        publishes: [],
        subscriptions: []
    )

    public init(configuration: Configuration, context: AdapterContext) throws {}

    public func run() async throws {}
}
