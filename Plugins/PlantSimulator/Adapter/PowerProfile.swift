import AdapterKit
import Foundation

/// The power a plant exports at a moment before any curtailment: a pure function of the wall
/// clock, with no randomness, so that every run publishes the same powers at the same times.
struct PowerProfile: Sendable, Hashable {
    /// The shape of the curve.
    var shape: PlantSimulatorConfiguration.Profile
    /// The plant's peak power, W.
    var peakW: Double

    /// Sunrise and sunset of the `solar` profile, in seconds of the UTC day (06:00 and 20:00).
    static let daylight = (sunrise: 6.0 * 3600, sunset: 20.0 * 3600)

    /// The power at `time`, in W, between 0 and ``peakW``.
    func watts(at time: EventTime) -> Double {
        let fraction = switch shape {
        case .constant: 1.0
        case .solar: Self.solar(secondOfDay: Self.secondOfDay(time))
        case .wind: Self.wind(seconds: Double(time.nanosecondsSinceEpoch) / 1e9)
        }
        return peakW * min(max(fraction, 0), 1)
    }

    /// A half sine from sunrise to sunset, 0 at night.
    static func solar(secondOfDay: Double) -> Double {
        let position = (secondOfDay - daylight.sunrise) / (daylight.sunset - daylight.sunrise)
        guard position > 0, position < 1 else { return 0 }
        return sin(.pi * position)
    }

    /// Three slow waves (periods of 3 h, 37 min and 5 min) around half the peak, from 0 to 1.
    static func wind(seconds: Double) -> Double {
        func wave(period: Double, phase: Double) -> Double { sin(2 * .pi * seconds / period + phase) }
        return 0.5 + 0.3 * wave(period: 3 * 3600, phase: 0) + 0.15 * wave(period: 37 * 60, phase: 1) + 0.05 * wave(period: 5 * 60, phase: 2)
    }

    /// Seconds since the UTC midnight before `time`.
    static func secondOfDay(_ time: EventTime) -> Double {
        let day: Int64 = 86_400_000_000_000
        return Double((time.nanosecondsSinceEpoch % day + day) % day) / 1e9
    }
}
