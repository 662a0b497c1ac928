import Foundation
import Testing
@testable import TrancheCore

/// Capacity 1 000 000 per 60 s; throttle at 50 %, halt at 100 %, release below 25 % / 75 %;
/// velocity over 10 s: throttle at 1 %, halt at 3 %, release below 0.5 % / 2 %;
/// cool-down 30 s.
enum BreakerFixture {
    static func parameters() throws -> BreakerParameters {
        var p = BreakerParameters()
        p.capacity = try Quote(units: 1_000_000)
        return p
    }

    static func breaker(_ p: BreakerParameters? = nil) throws -> CascadeBreaker {
        try CascadeBreaker(market: "BTC-PERP", parameters: p ?? parameters(), now: .zero)
    }

    static func usd(_ units: Int64) -> Quote { Quote(e6: units * 1_000_000) }
    static func px(_ hundredths: Int64) -> Price { Price(e8: hundredths * 1_000_000) }
}

@Suite struct BreakerTests {
    typealias F = BreakerFixture

    /// 400 000 is 40 %: nothing. +100 000 = 50 %: THROTTLED. +500 000 = 100 %: HALTED.
    @Test func tripsOnVolume() throws {
        var b = try F.breaker()
        #expect(b.recordLiquidation(notional: F.usd(400_000), now: .zero).isEmpty)
        let t1 = b.recordLiquidation(notional: F.usd(100_000), now: .seconds(1))
        #expect(t1.count == 1)
        #expect(t1.first?.from == .normal && t1.first?.to == .throttled)
        #expect(t1.first?.reason == .liquidationVolume)
        #expect(t1.first?.sequence == 1)
        #expect(t1.first?.at == .seconds(1))
        #expect(t1.first?.measures.volumeShare == Rate(ppm: 500_000))
        #expect(t1.first?.measures.liquidatedNotional == F.usd(500_000))
        #expect(t1.first?.market == "BTC-PERP")
        let t2 = b.recordLiquidation(notional: F.usd(500_000), now: .seconds(2))
        #expect(t2.map(\.to) == [.halted])
        #expect(b.level == .halted && b.sequence == 2 && b.since == .seconds(2) && b.reason == .liquidationVolume)
    }

    /// 1 200 000 at once: NORMAL → HALTED in one transition.
    @Test func escalationCanJumpStraightToHalted() throws {
        var b = try F.breaker()
        let t = b.recordLiquidation(notional: F.usd(1_200_000), now: .seconds(3))
        #expect(t.map(\.from) == [.normal] && t.map(\.to) == [.halted])
        #expect(t.first?.measures.volumeShare == Rate(ppm: 1_200_000))
    }

    /// Marks 100 → 99 in 1 s is a 1 % move: THROTTLED (velocity). 96.50 is 3.5 % below the
    /// window's high: HALTED.
    @Test func tripsOnVelocity() throws {
        var b = try F.breaker()
        #expect(b.recordMark(F.px(10_000), now: .zero).isEmpty)
        let t1 = b.recordMark(F.px(9_900), now: .seconds(1))
        #expect(t1.map(\.to) == [.throttled])
        #expect(t1.first?.reason == .priceVelocity)
        #expect(t1.first?.measures.priceMove == Rate(ppm: 10_000))
        let t2 = b.recordMark(F.px(9_650), now: .seconds(2))
        #expect(t2.map(\.to) == [.halted])
        #expect(t2.first?.measures.priceMove == Rate(ppm: 35_000))
    }

    /// The move is from the window's extreme, not its first mark: 100, 101, 99.50 →
    /// (101 − 99.5) / 101 = 1.4851… % rounded up to 14 852 ppm. Upward moves count too.
    @Test func velocityIsMeasuredFromTheWindowExtremes() throws {
        var b = try F.breaker()
        b.recordMark(F.px(10_000), now: .zero)
        b.recordMark(F.px(10_100), now: .seconds(5))
        #expect(b.level == .throttled)  // +1 % from 100
        b.recordMark(F.px(9_950), now: .seconds(8))
        #expect(b.measures(now: .seconds(8)).priceMove == Rate(ppm: 14_852))
        // At 16 s the marks of 0 s and 5 s have left the 10 s window: no move remains.
        #expect(b.measures(now: .seconds(16)).priceMove == .zero)
    }

    /// Halted at 0 s with a 5 s window: the volume is gone at 5 s, yet the market stays
    /// HALTED until the 30 s cool-down, then steps down ONE level; NORMAL needs another
    /// 30 s at THROTTLED.
    @Test func coolDownIsRespectedAndStepsDownOneLevelAtATime() throws {
        var p = try F.parameters()
        p.window = .seconds(5)
        var b = try F.breaker(p)
        b.recordLiquidation(notional: F.usd(2_000_000), now: .zero)
        #expect(b.level == .halted)
        #expect(b.evaluate(now: .seconds(10)).isEmpty)
        #expect(b.evaluate(now: Instant(nanoseconds: 29_999_999_999)).isEmpty)
        let down1 = b.evaluate(now: .seconds(30))
        #expect(down1.map(\.to) == [.throttled] && down1.first?.reason == .recovered)
        #expect(b.evaluate(now: .seconds(59)).isEmpty)
        let down2 = b.evaluate(now: .seconds(60))
        #expect(down2.map(\.to) == [.normal] && down2.first?.reason == .recovered)
        #expect(b.sequence == 3)
    }

    /// Stepping down also needs both measures below the level's release thresholds:
    /// 300 000 (30 %) is below the halt release (75 %) but not the throttle release (25 %).
    @Test func releaseNeedsBothMeasuresBelowRelease() throws {
        var p = try F.parameters()
        p.coolDown = .zero
        var b = try F.breaker(p)
        b.recordLiquidation(notional: F.usd(1_000_000), now: .zero)
        #expect(b.level == .halted)
        // The 1 000 000 expires at 60 s; 300 000 recorded at 59 s stays until 119 s.
        b.recordLiquidation(notional: F.usd(300_000), now: .seconds(59))
        #expect(b.evaluate(now: .seconds(60)).map(\.to) == [.throttled])
        #expect(b.evaluate(now: .seconds(61)).isEmpty)
        // A fresh 0.6 % move keeps THROTTLED even after the volume expires.
        b.recordMark(F.px(10_000), now: .seconds(115))
        b.recordMark(F.px(9_940), now: .seconds(118))
        #expect(b.evaluate(now: .seconds(119)).isEmpty)
        #expect(b.level == .throttled)
        // Once the move leaves the velocity window as well, the market recovers.
        #expect(b.evaluate(now: .seconds(129)).map(\.to) == [.normal])
    }

    /// A mark oscillating around the throttle threshold (100 ↔ 99: exactly 1 %, then
    /// 1.0101 % back up) trips once and stays THROTTLED: the release needs < 0.5 %.
    @Test func oscillationAroundTheTripDoesNotFlap() throws {
        var p = try F.parameters()
        p.coolDown = .seconds(1)
        var b = try F.breaker(p)
        var transitions: [BreakerTransition] = []
        for s in 0..<300 {
            transitions += b.recordMark(F.px(s % 2 == 0 ? 10_000 : 9_900), now: .seconds(Int64(s)))
        }
        #expect(transitions.map(\.to) == [.throttled])

        // Volume oscillating around 50 % trips once as well: 120 000 and 80 000 in turn every
        // 12 s put five events in each 60 s window, 3 × 120 000 + 2 × 80 000 = 52 % and
        // 2 × 120 000 + 3 × 80 000 = 48 % in turn.
        var v = try F.breaker(p)
        var vt: [BreakerTransition] = []
        var shares: Set<Int64> = []
        for (k, s) in stride(from: 0, to: 1_200, by: 12).enumerated() {
            vt += v.recordLiquidation(notional: F.usd(k % 2 == 0 ? 120_000 : 80_000), now: .seconds(Int64(s)))
            if s >= 60 { shares.insert(v.measures(now: .seconds(Int64(s))).volumeShare.ppm) }
        }
        #expect(shares == [480_000, 520_000])
        #expect(vt.map(\.to) == [.throttled])
    }

    /// Just below the threshold (100 ↔ 99.01, 0.99 %) never trips.
    @Test func justBelowTheTripNeverTrips() throws {
        var b = try F.breaker()
        for s in 0..<300 {
            #expect(b.recordMark(F.px(s % 2 == 0 ? 10_000 : 9_901), now: .seconds(Int64(s))).isEmpty)
        }
    }

    /// Recalibration lowers the capacity: 400 000 was 40 % of 1 000 000 and is 80 % of 500 000.
    @Test func lowerCapacityCanTripAtOnce() throws {
        var b = try F.breaker()
        b.recordLiquidation(notional: F.usd(400_000), now: .zero)
        let t = try b.setCapacity(F.usd(500_000), now: .seconds(1))
        #expect(t.map(\.to) == [.throttled] && t.first?.reason == .liquidationVolume)
        #expect(t.first?.measures.capacity == F.usd(500_000))
        #expect(throws: ConfigurationError.self) { try b.setCapacity(.zero, now: .seconds(2)) }
        #expect(b.parameters.capacity == F.usd(500_000))
    }

    @Test func forcedLevelsCarryTheirReason() throws {
        var b = try F.breaker()
        let t = b.force(.throttled, reason: .controlSilent, now: .seconds(1))
        #expect(t.map(\.reason) == [.controlSilent] && b.level == .throttled)
        #expect(b.force(.throttled, reason: .manual, now: .seconds(2)).isEmpty)
        #expect(b.force(.halted, reason: .manual, now: .seconds(3)).map(\.reason) == [.manual])
        #expect(b.stepScale == .zero)
    }

    @Test func scalesPerLevel() throws {
        let p = try F.parameters()
        #expect(p.stepScale(at: .normal) == .one && p.intervalScale(at: .normal) == .one)
        #expect(p.stepScale(at: .throttled) == Rate(ppm: 500_000) && p.intervalScale(at: .throttled) == Rate(ppm: 2_000_000))
        #expect(p.stepScale(at: .halted) == .zero)
    }

    /// 100 000 events 1 ms apart keep at most ~65 buckets: O(1) memory and amortised time.
    @Test func rollingWindowStaysBounded() throws {
        var b = try F.breaker()
        var r = RollingNotional(window: .seconds(60))
        for i in 0..<100_000 {
            let t = Instant(nanoseconds: Int64(i) * 1_000_000)
            r.add(Quote(e6: 1), at: t)
            if i % 1_000 == 0 { b.recordLiquidation(notional: Quote(e6: 1), now: t) }
        }
        #expect(r.bucketCount <= 66)
        // Buckets expire late, never early: everything of the last 60 s is still counted.
        #expect(r.totalE6 >= 60_000)
        #expect(r.totalE6 <= 60_000 + 60_000 / 64 + 1)
    }

    @Test func parametersDecodeWithDefaultsAndRejectUnknownKeys() throws {
        let p = try JSONDecoder().decode(BreakerParameters.self, from: Data(#"{"capacity": "250000", "coolDown": 5}"#.utf8))
        #expect(p.capacity == F.usd(250_000) && p.coolDown == .seconds(5) && p.window == .seconds(60))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(BreakerParameters.self, from: Data(#"{"cooldown": 5}"#.utf8))
        }
    }

    @Test(arguments: [
        ("throttleReleaseShare", #"{"throttleReleaseShare": "0.5"}"#),
        ("haltReleaseShare", #"{"haltReleaseShare": "1"}"#),
        ("haltShare", #"{"haltShare": "0.4"}"#),
        ("throttleReleaseMove", #"{"throttleReleaseMove": "0.01"}"#),
        ("haltReleaseMove", #"{"haltReleaseMove": "0.001"}"#),
        ("capacity", #"{"capacity": "0"}"#),
        ("coolDown", #"{"coolDown": "-1"}"#),
        ("throttledStepScale", #"{"throttledStepScale": "1.5"}"#),
        ("throttledIntervalScale", #"{"throttledIntervalScale": "0.5"}"#),
    ])
    func invalidParametersNameTheField(field: String, json: String) throws {
        let p = try JSONDecoder().decode(BreakerParameters.self, from: Data(json.utf8))
        do {
            try p.validate()
            Issue.record("expected \(field) to be rejected")
        } catch {
            #expect(error.field == "breaker.\(field)")
        }
    }
}
