extension AdapterContext {
    /// Publishes `alarm` on the instance's `alarms` stream at once, without waiting for the bus
    /// (from a lock, a timer, a loop that must not block); a refusal is logged, never thrown.
    public func publishAlarm(_ alarm: EnergyAlarm) {
        do {
            try publishNow(Event(topic: topic("alarms"), payload: alarm, time: now()))
        } catch {
            logger.warning("alarm not published", metadata: ["code": "\(alarm.code)", "error": "\(error)"])
        }
    }
}
