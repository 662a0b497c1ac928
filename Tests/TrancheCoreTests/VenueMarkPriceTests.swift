import Testing
import PropertyBased
@testable import TrancheCore

@Suite struct VenueMarkPriceTests {
    /// Half-life 60 s, max deviation 0.5 %, index 100.
    /// A liquidation pushes the mid to 95 (basis −5) for 1 s, then the book recovers
    /// (basis 0). The held sample weighs 1 − 2^(−1/60) ≈ 0.011486 → average ≈ −0.0574,
    /// and the mark ≈ 99.9426: the push moved the mark by 0.06 %, not 5 %.
    @Test func oneLiquidationOrderBarelyMovesTheMark() throws {
        var m = try MarkPriceEstimator(configuration: MarkPriceConfiguration(basisHalfLife: .seconds(60), maxDeviation: Rate(ppm: 5_000)))
        let index = try Price(units: 100)
        #expect(m.update(index: index, mid: index, now: .zero) == index)
        // The pushed mid is seen, but has not been held for any time yet.
        #expect(m.update(index: index, mid: try Price(units: 95), now: .seconds(10)) == index)
        let mark = m.update(index: index, mid: index, now: .seconds(11))
        #expect(mark < index)
        #expect(mark.e8 > 9_994_000_000 && mark.e8 < 9_995_000_000)
    }

    /// A persistent basis is followed, but only up to the clamp: mid 110 for ever
    /// (basis +10) gives at most index × 1.005 = 100.5.
    @Test func aPersistentBasisIsClampedToTheMaxDeviation() throws {
        var m = try MarkPriceEstimator(configuration: MarkPriceConfiguration(basisHalfLife: .seconds(10), maxDeviation: Rate(ppm: 5_000)))
        let index = try Price(units: 100)
        m.update(index: index, mid: try Price(units: 110), now: .zero)
        #expect(m.mark(index: index, now: .seconds(3_600)) == (try Price(units: 100) .scaled(byOnePlus: Rate(ppm: 5_000), .down)))
        // A small persistent basis (+0.2) is followed in full after many half-lives.
        var n = try MarkPriceEstimator(configuration: MarkPriceConfiguration(basisHalfLife: .seconds(10), maxDeviation: Rate(ppm: 5_000)))
        n.update(index: index, mid: Price(e8: 10_020_000_000), now: .zero)
        let followed = n.mark(index: index, now: .seconds(1_000))
        #expect(abs(followed.e8 - 10_020_000_000) <= 1)
    }

    /// After one half-life of a held basis the average has moved half-way: basis +0.4
    /// held 10 s with a 10 s half-life → +0.2 (truncated toward the previous average).
    @Test func averageMovesHalfWayInOneHalfLife() throws {
        var m = try MarkPriceEstimator(configuration: MarkPriceConfiguration(basisHalfLife: .seconds(10), maxDeviation: Rate(ppm: 5_000)))
        let index = try Price(units: 100)
        m.update(index: index, mid: Price(e8: 10_040_000_000), now: .zero)
        #expect(m.mark(index: index, now: .seconds(10)) == Price(e8: 10_020_000_000))
    }

    @Test func configurationIsValidated() {
        #expect(throws: ConfigurationError.self) { try MarkPriceEstimator(configuration: MarkPriceConfiguration(basisHalfLife: .zero, maxDeviation: .zero)) }
        #expect(throws: ConfigurationError.self) { try MarkPriceEstimator(configuration: MarkPriceConfiguration(basisHalfLife: .seconds(1), maxDeviation: .one)) }
    }

    /// Whatever the mids, the mark stays within index × (1 ± maxDeviation).
    @Test func markNeverLeavesTheClamp() async {
        await propertyCheck(count: 200, input: Gen.int64(in: 0...100_000),
                            zip(Gen.int64(in: 1_000_000...100_000_000_000_000), Gen.int64(in: 0...200_000_000_000_000), Gen.int64(in: 0...120_000)).array(of: 1...20)) {
            deviation, steps in
            var m = try MarkPriceEstimator(configuration: MarkPriceConfiguration(basisHalfLife: .seconds(30), maxDeviation: Rate(ppm: deviation)))
            var now = Instant.zero
            for (indexE8, midE8, ms) in steps {
                now = now + .milliseconds(ms)
                let mark = m.update(index: Price(e8: indexE8), mid: midE8 == 0 ? nil : Price(e8: midE8), now: now)
                let bound = Int128(indexE8) * Int128(deviation) / 1_000_000
                #expect((Int128(mark.e8) - Int128(indexE8)).magnitude <= bound.magnitude)
                #expect(mark.e8 > 0)
            }
        }
    }
}
