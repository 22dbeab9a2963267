import AdapterKit

extension AdapterContext {
    /// Publishes an `alarm` on the instance's `alarms` stream without waiting; a refusal is logged.
    func publishAlarm(_ code: String, severity: String, _ message: String, active: Bool) {
        var alarm = EnergyAlarm()
        alarm.code = code
        alarm.severity = severity
        alarm.message = message
        alarm.active = active
        do {
            try publishNow(Event(topic: topic("alarms"), payload: alarm, time: now()))
        } catch {
            logger.warning("alarm not published", metadata: ["code": "\(code)", "error": "\(error)"])
        }
    }
}
