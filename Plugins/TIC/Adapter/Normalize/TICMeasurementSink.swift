/// Receives a frame's measurement from ``TICNormalizer``, part by part in frame order, as bytes of
/// the frame and numbers: a writer of one encoding (Protocol Buffers for the host, JSON for
/// `tic-decode`) builds its own form with no intermediate strings.
///
/// The byte slices are valid until ``end()``, which is called before the frame's bytes go.
package protocol TICMeasurementSink {
    /// A valid group, raw: its label as sent and its data (padding kept). `isVerbatim`: neither
    /// holds a byte that text formats escape (``TICGroupSpan/isVerbatim``).
    mutating func raw(label: Slice<UnsafeRawBufferPointer>, data: Slice<UnsafeRawBufferPointer>, isVerbatim: Bool)
    /// The horodate of a valid group, raw under `LABEL.horodate`.
    mutating func raw(label: Slice<UnsafeRawBufferPointer>, horodate: Slice<UnsafeRawBufferPointer>, isVerbatim: Bool)
    /// The data of the meter's address label (`ADCO`, `ADSC`, `ADS`).
    mutating func deviceID(_ data: Slice<UnsafeRawBufferPointer>)
    /// The meter's clock, in seconds since 1970 UTC.
    mutating func meterTime(secondsSinceEpoch: Int64)
    /// The tariff period's name, trimmed of its padding.
    mutating func tariffPeriod(_ name: Slice<UnsafeRawBufferPointer>)
    /// A value in the normalized vocabulary.
    mutating func value(_ value: TICNormalizedValue)
    /// The frame's parts have all been given.
    mutating func end()
}

/// One value of a measurement, as ``TICNormalizer`` reads it from a group: its names as bytes of
/// the normalizer's rules or of the frame, valid until the sink's ``TICMeasurementSink/end()``.
package struct TICNormalizedValue {
    /// The quantity's name (a `Quantity` raw value).
    package var quantity: Slice<UnsafeRawBufferPointer>
    /// The number, in `unit`.
    package var number: Double
    /// The SI unit (`Wh`; `W` for a subscribed power stated in kW).
    package var unit: Slice<UnsafeRawBufferPointer>
    /// The register: the dictionary's (`total`), or the label as sent for energies without one
    /// (``registerIsLabel``); nil for none.
    package var register: Slice<UnsafeRawBufferPointer>?
    /// Whether ``register`` is the label as sent.
    package var registerIsLabel: Bool
    /// Phase 1, 2 or 3; 0 when not per phase.
    package var phase: UInt32
    /// Which rule and unit gave the value: values of one form have the same quantity, unit,
    /// register and phase (all but a register that is the label, and ``number``), so a writer
    /// may render those once per form.
    package var form: Form

    /// A label entry's position in its family, and the index of the unit the data carried.
    package struct Form: Hashable {
        var rule: Int
        var unit: Int?
    }
}
