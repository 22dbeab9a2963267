import AdapterKit

extension AdapterContext {
    /// Publishes `alarm` on the instance's `alarms` stream without waiting; a refusal is logged.
    func publishAlarm(_ alarm: EnergyAlarm) {
        do {
            try publishNow(Event(topic: topic("alarms"), payload: alarm, time: now()))
        } catch {
            logger.warning("alarm not published", metadata: ["code": "\(alarm.code)", "error": "\(error)"])
        }
    }
}
