import AdapterKit
import EnergyTIC
import Testing

/// The link's state machine at explicit times: inputs, the actions they return, the deadline.
@Suite struct TICLinkStateMachineTests {
    @Test func waitingForTheFirstFrameTimesOutOnceAtTheDeadline() {
        var link = TICLinkStateMachine(timeout: .seconds(10))
        #expect(link.state == .waiting(since: .zero) && link.isUp == nil)
        #expect(link.deadline == .seconds(10))
        #expect(link.timeElapsed(to: .seconds(9.999)) == .none)
        #expect(link.timeElapsed(to: .seconds(10)) == .linkLost)
        #expect(link.state == .lost && link.isUp == false)
        #expect(link.deadline == nil)  // lost: only a frame changes anything
        #expect(link.timeElapsed(to: .seconds(1000)) == .none)  // once
    }

    @Test func aFirstFrameBringsTheLinkUpWithoutClearingAnything() {
        var link = TICLinkStateMachine(timeout: .seconds(10), start: .seconds(5))
        #expect(link.deadline == .seconds(15))
        #expect(link.frameReceived(at: .seconds(7)) == .linkUp(clearingLoss: false))
        #expect(link.state == .up(lastFrame: .seconds(7)) && link.isUp == true)
        #expect(link.deadline == .seconds(17))
    }

    @Test func framesPushTheDeadlineAndSilenceLosesTheLink() {
        var link = TICLinkStateMachine(timeout: .seconds(2))
        _ = link.frameReceived(at: .seconds(1))
        #expect(link.frameReceived(at: .seconds(2.5)) == .none)  // already up
        #expect(link.deadline == .seconds(4.5))
        #expect(link.timeElapsed(to: .seconds(4)) == .none)  // the old deadline (3 s) is gone
        #expect(link.timeElapsed(to: .seconds(4.5)) == .linkLost)
    }

    @Test func aFrameAfterTheLossBringsTheLinkBackAndClearsTheLoss() {
        var link = TICLinkStateMachine(timeout: .milliseconds(100))
        #expect(link.timeElapsed(to: .seconds(1)) == .linkLost)
        #expect(link.frameReceived(at: .seconds(3)) == .linkUp(clearingLoss: true))
        #expect(link.deadline == .milliseconds(3100))
        #expect(link.frameReceived(at: .seconds(3.05)) == .none)
        #expect(link.timeElapsed(to: .seconds(3.15)) == .linkLost)
        #expect(link.frameReceived(at: .seconds(4)) == .linkUp(clearingLoss: true))
    }

    @Test func theSessionPublishesWhatTheMachineDecidesAndSaysWhenToCheck() {
        var session = TICSession(reader: TICReader(family: .linkyHistoric), parity: .none, linkTimeout: .seconds(10), deviceID: nil,
                                 defaultDeviceID: "tic")
        var publications: [TICSession.Publication] = []
        #expect(session.linkDeadline == .seconds(10))
        let frame = TICCompose.frame([("ADCO", "812164417227"), ("BASE", "000000104")], mode: .historic)
        session.consume(frame, at: .seconds(4), into: &publications)
        #expect(session.linkDeadline == .seconds(14) && session.linkUp == true)
        session.checkLink(at: .seconds(14), into: &publications)
        #expect(session.linkDeadline == nil && session.linkUp == false)
        let kinds = publications.map { publication -> String in
            switch publication {
            case .status(let status): "status \(status.state)"
            case .alarm(let alarm): "alarm \(alarm.code) \(alarm.active)"
            case .measurement: "measurement"
            }
        }
        #expect(kinds == ["status receiving", "measurement", "alarm link_lost true", "status link_lost"])
    }
}
