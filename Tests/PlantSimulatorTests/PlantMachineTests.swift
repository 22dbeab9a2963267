import AdapterKit
@testable import EnergyPlantSimulator
import Testing

/// The plant's obedience, input by input: what it exports and answers for each command.
@Suite struct PlantMachineTests {
    typealias Action = PlantMachine.Action

    /// 2026-11-22T12:00:00Z.
    static let noon = EventTime(nanosecondsSinceEpoch: 1_795_348_800_000_000_000)

    /// A 5 kW plant on a constant profile, named `plant` (instance) and `pv-1` (device).
    static func machine() -> PlantMachine {
        PlantMachine(profile: PowerProfile(shape: .constant, peakW: 5000), names: ["plant", "pv-1"])
    }

    static func command(
        _ action: String, id: String = "cmd-1", target: String = "plant", value: Double? = nil, unit: String = "",
        validUntil: EventTime? = nil
    ) -> EnergyCommand {
        var command = EnergyCommand()
        command.id = id
        command.target = target
        command.action = action
        if let value { command.value = value }
        command.unit = unit
        if let validUntil { command.validUntil = validUntil.timestamp }
        return command
    }

    /// The `measure` values among `actions`.
    static func powers(_ actions: [Action]) -> [Double] {
        actions.compactMap { if case .measure(let watts) = $0 { watts } else { nil } }
    }

    static func outcome(_ actions: [Action]) -> (id: String, AckOutcome, detail: String)? {
        for case .answer(let id, let outcome, let detail) in actions { return (id, outcome, detail) }
        return nil
    }

    @Test func startsProducingFromTheProfile() {
        let actions = Self.machine().start(at: Self.noon)
        #expect(actions == [.status(.producing, detail: "producing from the constant profile"), .measure(watts: 5000)])
    }

    @Test func curtailHoldsTheExportAtZeroUntilRelease() {
        var machine = Self.machine()
        let curtailed = machine.commanded(Self.command("curtail"), at: Self.noon)
        #expect(curtailed == [
            .measure(watts: 0),
            .status(.curtailed, detail: "curtailed to 0 W by cmd-1"),
            .answer(commandID: "cmd-1", .executed, detail: "curtailed to 0 W; exporting 0.0 W"),
        ])
        #expect(machine.tick(at: Self.noon) == [.measure(watts: 0)])

        let released = machine.commanded(Self.command("release", id: "cmd-2"), at: Self.noon)
        #expect(released == [
            .measure(watts: 5000),
            .status(.producing, detail: "released by cmd-2"),
            .answer(commandID: "cmd-2", .executed, detail: "released: producing from the profile; exporting 5000.0 W"),
        ])
        #expect(machine.tick(at: Self.noon) == [.measure(watts: 5000)])
    }

    @Test func curtailWithAValueLimitsTheExport() {
        var machine = Self.machine()
        let limited = machine.commanded(Self.command("curtail", value: 3000, unit: "W"), at: Self.noon)
        #expect(Self.powers(limited) == [3000])
        #expect(limited.contains(.status(.curtailed, detail: "limited to 3000.0 W by cmd-1")))
        #expect(Self.outcome(limited)?.1 == .executed)
        #expect(Self.powers(machine.tick(at: Self.noon)) == [3000])

        // A limit above what the profile gives changes nothing to the power; a later curtail replaces the limit.
        #expect(Self.powers(machine.commanded(Self.command("curtail", id: "cmd-2", value: 8000), at: Self.noon)) == [5000])
        #expect(machine.curtailment?.commandID == "cmd-2")
    }

    @Test func statusOnlyWhenTheStateChanges() {
        var machine = Self.machine()
        _ = machine.commanded(Self.command("curtail"), at: Self.noon)
        let again = machine.commanded(Self.command("curtail", id: "cmd-2"), at: Self.noon)
        #expect(!again.contains { if case .status = $0 { true } else { false } })
        #expect(Self.outcome(again)?.1 == .executed)

        var producing = Self.machine()
        let release = producing.commanded(Self.command("release"), at: Self.noon)
        #expect(release == [
            .measure(watts: 5000),
            .answer(commandID: "cmd-1", .executed, detail: "not curtailed: producing from the profile; exporting 5000.0 W"),
        ])
    }

    @Test func theDeviceIdIsATargetToo() {
        var machine = Self.machine()
        #expect(Self.outcome(machine.commanded(Self.command("curtail", target: "pv-1"), at: Self.noon))?.1 == .executed)
    }

    @Test(arguments: [
        (PlantSimulatorTestCommand.unknownAction, "unknown action \"shed\": this plant takes curtail and release"),
        (.otherTarget, "target \"boiler\" is not this plant (plant or pv-1)"),
        (.emptyTarget, "target \"\" is not this plant (plant or pv-1)"),
        (.expired, "expired: valid until 2026-11-22T11:59:59Z, received at 2026-11-22T12:00:00Z"),
        (.negativeLimit, "the limit must be a number of W at or above 0 (value -1.0, unit \"W\")"),
        (.limitInKilowatts, "the limit must be a number of W at or above 0 (value 3.0, unit \"kW\")"),
    ])
    func rejectsAndChangesNothing(_ command: PlantSimulatorTestCommand, reason: String) {
        var machine = Self.machine()
        let actions = machine.commanded(command.command, at: Self.noon)
        #expect(actions == [.answer(commandID: "cmd-1", .rejected, detail: reason)])
        #expect(machine.curtailment == nil)
        #expect(Self.powers(machine.tick(at: Self.noon)) == [5000])
    }

    @Test func aCurtailmentEndsAtItsValidUntil() {
        var machine = Self.machine()
        let until = EventTime(sinceEpoch: Self.noon.sinceEpoch + .seconds(10))
        _ = machine.commanded(Self.command("curtail", validUntil: until), at: Self.noon)
        #expect(machine.tick(at: EventTime(sinceEpoch: Self.noon.sinceEpoch + .seconds(9))) == [.measure(watts: 0)])
        #expect(machine.tick(at: until) == [
            .status(.producing, detail: "curtailment cmd-1 ended at its valid_until 2026-11-22T12:00:10Z"),
            .measure(watts: 5000),
        ])
        #expect(machine.curtailment == nil)
    }

    @Test func aFutureValidFromIsAppliedAtOnce() {
        var machine = Self.machine()
        var command = Self.command("curtail")
        command.validFrom = EventTime(sinceEpoch: Self.noon.sinceEpoch + .seconds(3600)).timestamp
        #expect(Self.powers(machine.commanded(command, at: Self.noon)) == [0])
    }
}

/// The refused commands of ``PlantMachineTests/rejectsAndChangesNothing(_:reason:)``.
enum PlantSimulatorTestCommand: Sendable, CaseIterable {
    case unknownAction, otherTarget, emptyTarget, expired, negativeLimit, limitInKilowatts

    var command: EnergyCommand {
        switch self {
        case .unknownAction: PlantMachineTests.command("shed")
        case .otherTarget: PlantMachineTests.command("curtail", target: "boiler")
        case .emptyTarget: PlantMachineTests.command("curtail", target: "")
        case .expired: PlantMachineTests.command("curtail", validUntil: EventTime(sinceEpoch: PlantMachineTests.noon.sinceEpoch - .seconds(1)))
        case .negativeLimit: PlantMachineTests.command("curtail", value: -1, unit: "W")
        case .limitInKilowatts: PlantMachineTests.command("curtail", value: 3, unit: "kW")
        }
    }
}
