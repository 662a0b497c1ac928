import Testing
@testable import TrancheCore

/// Permanent impact and depth thinning on the hand book of `VenueBookTests`
/// (fair 100, bids 999 @ 99.90, 1996 @ 99.80, 4975 @ 99.50; tick 0.01).
@Suite struct VenueMarketModelTests {
    static func book(share: Int64, elasticity: Double = 0) throws -> VenueBook {
        var c = try VenueHandBook.transientAndPermanent()
        c.permanentImpactShare = Rate(ppm: share)
        c.depthVolatilityElasticity = elasticity
        c.referenceVolatility = 1e-4
        c.minimumDepthShare = Rate(ppm: 250_000)
        c.volatilityHalfLife = .seconds(1)
        return try VenueBook(market: "TEST-PERP", configuration: c, fairPrice: Price(units: 100), now: .zero)
    }

    /// Sell 25 (limit 99): 10 @ 99.90 + 15 @ 99.80; the touch moves 99.90 → 99.80, i.e.
    /// −0.1 % of the fair price. Half of it stays: fair 100 × (1 − 0.0005) = 99.95, and half
    /// of the 2496 consumed is taken off the hole: 1248 remain. At fair 99.95 the bids are
    /// 99.85 (999, consumed), 99.75 (1996 − 249 = 1747 left): best bid 99.75. Once the
    /// transient part has recovered, the best bid is 99.85: the price stays 0.05 % lower.
    @Test func permanentImpactMovesTheFairPriceAndOnlyTheRestRecovers() throws {
        var book = try Self.book(share: 500_000)
        let fill = try book.execute(side: .short, size: Size(units: 25), limit: Price(units: 99), now: .zero)
        #expect(fill.vwap == Price(e8: 9_984_000_000))
        #expect(book.fairPrice == Price(e8: 9_995_000_000))
        #expect(book.permanentImpactE9 == -500_000)
        #expect(book.consumed(.bids, now: .zero) == (try Quote(units: 1_248)))
        #expect(book.bestBid(now: .zero) == Price(e8: 9_975_000_000))
        #expect(book.bestBid(now: .seconds(3_600)) == Price(e8: 9_985_000_000))
        // A new exogenous price keeps the impact: 101 × (1 − 0.0005) = 100.9495.
        try book.setFairPrice(Price(units: 101), now: .seconds(3_600))
        #expect(book.fairPrice == Price(e8: 10_094_950_000))
        #expect(book.referencePrice == (try Price(units: 101)))
    }

    @Test func withoutPermanentImpactFillsNeverMoveTheFairPrice() throws {
        var book = try Self.book(share: 0)
        _ = try book.execute(side: .short, size: Size(units: 25), limit: Price(units: 99), now: .zero)
        #expect(book.fairPrice == (try Price(units: 100)))
        #expect(book.consumed(.bids, now: .zero) == (try Quote(units: 2_496)))
    }

    /// Buying moves it the other way: 10 @ 100.10 + 15 @ 100.20 moves the ask touch +0.1 %.
    @Test func buyingPushesTheFairPriceUp() throws {
        var book = try Self.book(share: 500_000)
        _ = try book.execute(side: .long, size: Size(units: 25), limit: Price(units: 101), now: .zero)
        #expect(book.fairPrice == Price(e8: 10_005_000_000))
    }

    /// σ² starts at 1e-8 (σref = 1e-4). A 1 % jump after 1 s with a 1 s half-life:
    /// σ² = ½·1e-8 + ½·ln(1.01)² ≈ 4.95e-5, σ ≈ 7.0e-3; (σref/σ)^1 ≈ 0.014, so the depth
    /// falls to its floor, 25 %: 7970 × 0.25 = 1992.5 of bids. Calm prices afterwards halve
    /// σ² every second, and after 20 s the full profile is back.
    @Test func depthThinsWithVolatilityAndComesBackWhenCalm() throws {
        var book = try Self.book(share: 0, elasticity: 1)
        #expect(book.profileNotional(.bids) == (try Quote(units: 7_970)))
        try book.setFairPrice(Price(units: 101), now: .seconds(1))
        #expect(book.depthSharePpm == 250_000)
        #expect(book.profileNotional(.bids) == (try Quote(e6: 1_992_500_000)))
        #expect(book.depthWithin(band: Rate(ppm: 10_000), side: .bids, now: .seconds(1)) == (try Quote(e6: 1_992_500_000)))
        for k in 2...30 { try book.setFairPrice(Price(units: 101), now: .seconds(Int64(k))) }
        #expect(book.depthSharePpm == 1_000_000)
        #expect(book.profileNotional(.bids) == (try Quote(units: 7_970)))
    }

    @Test func configurationRefusesOutOfRangeModelParameters() throws {
        var c = VenueBookConfiguration()
        c.permanentImpactShare = .one
        #expect(throws: ConfigurationError.self) { try c.validate() }
        c = VenueBookConfiguration()
        c.minimumDepthShare = .zero
        #expect(throws: ConfigurationError.self) { try c.validate() }
        c = VenueBookConfiguration()
        c.referenceVolatility = 0
        #expect(throws: ConfigurationError.self) { try c.validate() }
    }
}
