import AdapterKit
import Foundation
import SwiftProtobuf
import Testing

@Suite struct EventTimeTests {
    @Test func timestampSplitsSecondsAndNanos() {
        let positive = EventTime(nanosecondsSinceEpoch: 1_500_000_000).timestamp
        #expect(positive.seconds == 1)
        #expect(positive.nanos == 500_000_000)
        let whole = EventTime(nanosecondsSinceEpoch: 1_768_464_000_000_000_000).timestamp
        #expect(whole.seconds == 1_768_464_000)
        #expect(whole.nanos == 0)
    }

    @Test func timestampNanosStayPositiveBefore1970() {
        let justBefore = EventTime(nanosecondsSinceEpoch: -1).timestamp
        #expect(justBefore.seconds == -1)
        #expect(justBefore.nanos == 999_999_999)
        let oneAndAHalf = EventTime(nanosecondsSinceEpoch: -1_500_000_000).timestamp
        #expect(oneAndAHalf.seconds == -2)
        #expect(oneAndAHalf.nanos == 500_000_000)
        let exact = EventTime(nanosecondsSinceEpoch: -2_000_000_000).timestamp
        #expect(exact.seconds == -2)
        #expect(exact.nanos == 0)
    }

    @Test func timestampRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let time = EventTime(nanosecondsSinceEpoch: Int64.random(in: -4_000_000_000_000_000_000...4_000_000_000_000_000_000, using: &generator))
            let timestamp = time.timestamp
            #expect((0..<1_000_000_000).contains(timestamp.nanos))
            #expect(EventTime(timestamp) == time)
        }
        #expect(EventTime(Google_Protobuf_Timestamp(seconds: 3, nanos: 7)) == EventTime(nanosecondsSinceEpoch: 3_000_000_007))
    }

    @Test func timestampsBeyondTheRangeAreClamped() {
        #expect(EventTime(Google_Protobuf_Timestamp(seconds: 253_402_300_799, nanos: 0)) == EventTime(nanosecondsSinceEpoch: .max))
        #expect(EventTime(Google_Protobuf_Timestamp(seconds: -62_135_596_800, nanos: 0)) == EventTime(nanosecondsSinceEpoch: .min))
        #expect(EventTime(Google_Protobuf_Timestamp(seconds: 9_223_372_036, nanos: 999_999_999)) == EventTime(nanosecondsSinceEpoch: .max))
    }

    @Test func dateConversions() {
        #expect(EventTime(Date(timeIntervalSince1970: 1.25)) == EventTime(nanosecondsSinceEpoch: 1_250_000_000))
        #expect(EventTime(Date(timeIntervalSince1970: -0.5)) == EventTime(nanosecondsSinceEpoch: -500_000_000))
        #expect(EventTime(nanosecondsSinceEpoch: 1_768_464_000_000_000_000).date == Date(timeIntervalSince1970: 1_768_464_000))
    }

    @Test func nowIsCloseToTheSystemClockAndOrdered() {
        let before = EventTime(Date())
        let now = EventTime.now()
        #expect(abs(now.nanosecondsSinceEpoch - before.nanosecondsSinceEpoch) < 1_000_000_000)
        #expect(EventTime(nanosecondsSinceEpoch: -1) < EventTime(nanosecondsSinceEpoch: 0))
    }
}
