import Testing
import PropertyBased
@testable import TrancheCore

/// Random event streams: each event is (kind, amount, time step). Kind 0 records a
/// liquidation, 1 a mark (a random walk), 2 only evaluates.
@Suite struct BreakerPropertyTests {
    static let events = zip(Gen.int(in: 0...2), Gen.int64(in: -40_000...40_000), Gen.int64(in: 0...20_000)).array(of: 1...200)

    @Test func levelNeverDecreasesWithoutTheCoolDown() async {
        // Counted over all runs, so the property is known to have been exercised.
        var escalations = 0, releases = 0
        await propertyCheck(count: 150, input: Gen.int64(in: 0...60), Gen.int64(in: 1...120), Self.events) { coolDownS, windowS, events in
            var p = BreakerParameters()
            p.capacity = Quote(e6: 1_000_000_000_000)
            p.coolDown = .seconds(coolDownS)
            p.window = .seconds(windowS)
            var b = try CascadeBreaker(market: "P", parameters: p, now: .zero)
            var now = Instant.zero
            var markE8: Int64 = 10_000_000_000
            var lastChange = Instant.zero
            var expectedSequence: UInt64 = 0
            for (kind, amount, stepMs) in events {
                now = now + .milliseconds(stepMs)
                let transitions: [BreakerTransition]
                switch kind {
                case 0: transitions = b.recordLiquidation(notional: Quote(e6: amount.magnitude.toInt64 * 10_000_000), now: now)
                case 1:
                    // A random walk in steps of up to ±0.4 %.
                    markE8 = max(1, markE8 + markE8 / 1_000_000 * amount / 10)
                    transitions = b.recordMark(Price(e8: markE8), now: now)
                default: transitions = b.evaluate(now: now)
                }
                #expect(transitions.count <= 1)
                for t in transitions {
                    expectedSequence += 1
                    #expect(t.sequence == expectedSequence)
                    #expect(t.at == now)
                    if t.to < t.from {
                        releases += 1
                        #expect(t.at - lastChange >= p.coolDown)
                        #expect(t.reason == .recovered)
                        #expect(t.from == .halted ? t.to == .throttled : t.to == .normal)
                        let (share, move) = t.from == .halted ? (p.haltReleaseShare, p.haltReleaseMove) : (p.throttleReleaseShare, p.throttleReleaseMove)
                        #expect(t.measures.volumeShare < share && t.measures.priceMove < move)
                    } else {
                        escalations += 1
                        #expect(t.to > t.from)
                        switch t.reason {
                        case .liquidationVolume: #expect(t.measures.volumeShare >= (t.to == .halted ? p.haltShare : p.throttleShare))
                        case .priceVelocity: #expect(t.measures.priceMove >= (t.to == .halted ? p.haltMove : p.throttleMove))
                        default: Issue.record("unexpected escalation reason \(t.reason)")
                        }
                    }
                    lastChange = t.at
                    #expect(b.level == t.to && b.since == t.at)
                }
                #expect(b.sequence == expectedSequence)
            }
        }
        #expect(escalations > 0 && releases > 0)
    }
}

private extension UInt64 {
    var toInt64: Int64 { Int64(clamping: self) }
}
