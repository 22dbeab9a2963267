package import AdapterKit

extension TICJSONBuffer {
    /// Appends `measurement` in the JSON form of events (docs/events.md: the Protocol Buffers JSON
    /// mapping with the schema's field names, fields at their default left out), keys sorted as
    /// AdapterKit sorts them: what `Event.jsonLine()` gives as `payload`, written directly.
    package mutating func append(_ measurement: EnergyMeasurement) {
        append("{")
        var first = true
        func key(_ name: StaticString) {
            if !first { append(",") }
            append(name)
            first = false
        }
        if !measurement.deviceID.isEmpty {
            key("\"device_id\":")
            appendQuoted(measurement.deviceID)
        }
        if measurement.hasMeterTime {
            key("\"meter_time\":")
            append(EventTime(measurement.meterTime))
        }
        if !measurement.raw.isEmpty {
            key("\"raw\":")
            var rawSeparator: StaticString = "{"
            for (label, data) in measurement.raw.sorted(by: { $0.key < $1.key }) {
                append(rawSeparator)
                rawSeparator = ","
                appendQuoted(label)
                append(":")
                appendQuoted(data)
            }
            append("}")
        }
        if !measurement.tariffPeriod.isEmpty {
            key("\"tariff_period\":")
            appendQuoted(measurement.tariffPeriod)
        }
        if !measurement.values.isEmpty {
            key("\"values\":")
            var valueSeparator: StaticString = "["
            for value in measurement.values {
                append(valueSeparator)
                valueSeparator = ","
                append(value)
            }
            append("]")
        }
        append("}")
    }

    private mutating func append(_ value: EnergyValue) {
        append("{")
        var first = true
        func key(_ name: StaticString) {
            if !first { append(",") }
            append(name)
            first = false
        }
        if value.phase != 0 {
            key("\"phase\":")
            append(Int(value.phase))
        }
        if !value.quality.isEmpty {
            key("\"quality\":")
            appendQuoted(value.quality)
        }
        if !value.quantity.isEmpty {
            key("\"quantity\":")
            appendQuoted(value.quantity)
        }
        if !value.register.isEmpty {
            key("\"register\":")
            appendQuoted(value.register)
        }
        if !value.unit.isEmpty {
            key("\"unit\":")
            appendQuoted(value.unit)
        }
        if value.value.bitPattern != 0 {  // -0 is written (as 0), +0 is the default
            key("\"value\":")
            append(value.value)
        }
        append("}")
    }

    /// A time as the Protocol Buffers JSON mapping writes a timestamp: `2017-09-15T08:16:01Z`,
    /// with 3, 6 or 9 digits of fraction when it has one.
    private mutating func append(_ time: EventTime) {
        let nanosecondsPerDay: Int64 = 86_400_000_000_000
        let nanoseconds = time.nanosecondsSinceEpoch
        let days = Int(nanoseconds >= 0 ? nanoseconds / nanosecondsPerDay : (nanoseconds + 1) / nanosecondsPerDay - 1)
        let ofDay = nanoseconds - Int64(days) * nanosecondsPerDay
        let secondOfDay = Int(ofDay / 1_000_000_000)
        let nanos = Int(ofDay % 1_000_000_000)
        let (year, month, day) = RFC3339.civil(fromDays: days)
        append("\"")
        appendPadded(year, width: 4)
        append("-")
        appendPadded(month, width: 2)
        append("-")
        appendPadded(day, width: 2)
        append("T")
        appendPadded(secondOfDay / 3600, width: 2)
        append(":")
        appendPadded(secondOfDay / 60 % 60, width: 2)
        append(":")
        appendPadded(secondOfDay % 60, width: 2)
        if nanos != 0 {
            append(".")
            if nanos % 1_000_000 == 0 {
                appendPadded(nanos / 1_000_000, width: 3)
            } else if nanos % 1000 == 0 {
                appendPadded(nanos / 1000, width: 6)
            } else {
                appendPadded(nanos, width: 9)
            }
        }
        append("Z\"")
    }

    private mutating func appendPadded(_ number: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 1, number < divisor {
            append("0")
            divisor /= 10
        }
        append(number)
    }
}
