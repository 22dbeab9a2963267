/// Numbers read from a group's data bytes, as `Double(String)` would read them but without making
/// a string: digits (`000000104`) and decimal commas (`-0,25`) exactly, anything else through
/// `Double`.
enum TICNumber {
    /// The number `bytes` spell (`,` as the decimal separator when `decimalComma`), or nil.
    static func parse(_ bytes: Slice<UnsafeRawBufferPointer>, decimalComma: Bool) -> Double? {
        var negative = false
        var digits = bytes[...]
        if decimalComma, digits.first == UInt8(ascii: "-") {
            negative = true
            digits = digits.dropFirst()
        }
        // At most 15 digits: the integer and its power of ten are exact doubles, so one division
        // rounds the decimal value correctly, as `Double(String)` does.
        var mantissa: UInt64 = 0
        var count = 0
        var fractionDigits: Int?
        for byte in digits {
            if decimalComma, byte == UInt8(ascii: ","), fractionDigits == nil {
                fractionDigits = 0
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10, count < 15 else { return slowParse(bytes, decimalComma: decimalComma) }
            mantissa = mantissa * 10 + UInt64(digit)
            count += 1
            if let fraction = fractionDigits { fractionDigits = fraction + 1 }
        }
        guard count > 0 else { return slowParse(bytes, decimalComma: decimalComma) }
        var value = Double(mantissa)
        if let fractionDigits, fractionDigits > 0 { value /= powersOfTen[fractionDigits] }
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

    private static func slowParse(_ bytes: Slice<UnsafeRawBufferPointer>, decimalComma: Bool) -> Double? {
        let text = String(decoding: bytes, as: UTF8.self)
        return Double(decimalComma ? text.replacing(",", with: ".") : text)
    }
}
