import AdapterKit
import Synchronization

/// The plant at its edges: ticks and commands into the ``PlantMachine``, its actions out to the bus.
///
/// Actions are published under the machine's lock, in order and without waiting, so that a tick
/// and a command never interleave their events (no measurement of the uncurtailed profile after a
/// curtail's ack). The wait a lossless subscriber may ask for comes after, outside the lock. An
/// event the host refuses is logged; the plant's state stays as the machine says.
final class PlantController: Sendable {
    private let context: AdapterContext
    private let deviceID: String
    private let machine: Mutex<PlantMachine>

    init(configuration: PlantSimulatorConfiguration, context: AdapterContext) {
        self.context = context
        let deviceID = configuration.deviceId ?? context.instanceID
        self.deviceID = deviceID
        let profile = PowerProfile(shape: configuration.effectiveProfile, peakW: configuration.peakW)
        machine = Mutex(PlantMachine(profile: profile, names: [context.instanceID, deviceID]))
    }

    /// Announces the plant's state and its first measurement.
    func start() async throws {
        try await input { machine, time in machine.start(at: time) }
    }

    /// Publishes the measurement of the moment (ending a curtailment past its `valid_until`).
    func tick() async throws {
        try await input { machine, time in machine.tick(at: time) }
    }

    /// Takes a command on the instance's `commands` stream; ignores other events.
    func handle(_ event: Event) async throws {
        guard event.kind == .command, event.topic == context.topic("commands") else { return }
        let command = try event.decode(EnergyCommand.self)
        try await input { machine, time in machine.commanded(command, at: time) }
    }

    /// Runs `transition` on the machine at the wall clock's time and publishes its actions, under the lock.
    private func input(_ transition: (inout PlantMachine, EventTime) -> [PlantMachine.Action]) async throws {
        let slowDown = machine.withLock { machine in
            let time = context.now()
            var slowDown = false
            for action in transition(&machine, time) where publish(action, time: time) == .backpressure {
                slowDown = true
            }
            return slowDown
        }
        if slowDown { try await context.waitUntilPublishReady() }
    }

    /// Publishes one action's event now; nil when the host refused it (logged).
    private func publish(_ action: PlantMachine.Action, time: EventTime) -> PublishOutcome? {
        do {
            switch action {
            case .measure(let watts):
                var measurement = EnergyMeasurement()
                measurement.deviceID = deviceID
                measurement.values = [EnergyValue(.activePowerExport, watts)]
                return try context.publishNow(Event(topic: context.topic("measurements"), payload: measurement, time: time))
            case .status(let state, let detail):
                context.logger.info("plant \(state)", metadata: ["plant.detail": "\(detail)"])
                return try context.publishNow(Event(topic: context.topic("status"), payload: EnergyStatus(available: true, state: state, detail: detail), time: time))
            case .answer(let commandID, let outcome, let detail):
                context.logger.info("command \(outcome.rawValue)", metadata: ["plant.command": "\(commandID)", "plant.detail": "\(detail)"])
                return try context.publishNow(Event(topic: context.topic("acks"), payload: EnergyCommandAck(id: commandID, outcome: outcome, detail: detail), time: time))
            }
        } catch let error as AdapterError where error.code == .stopped {
            context.logger.debug("plant event not published: the instance is stopping", metadata: ["plant.action": "\(action)"])
        } catch {
            context.logger.warning("plant event not published", metadata: ["plant.action": "\(action)", "error": "\(error)"])
        }
        return nil
    }
}
