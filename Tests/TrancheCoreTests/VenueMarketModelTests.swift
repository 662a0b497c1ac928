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

    /// Sell 25 (limit 99): 10 @ 99.90 + 15 @ 99.80 = 999 + 1497 consumed. On the profile
    /// made continuous, level 0 (999) spans offsets 0.1 %–0.2 % and level 1 (1996) spans
    /// 0.2 %–0.5 % (up to level 2): 1497 is 3/4 of level 1, so the fill moved the touch from
    /// 0.1 % to 0.2 % + 0.75 × 0.3 % = 0.425 %, i.e. 0.325 % of the fair price. Half of it
    /// stays: fair 100 × (1 − 0.001625) = 99.8375, and half of the 2496 consumed is taken off
    /// the hole: 1248 remain. At fair 99.8375 the bids are 99.73 (999, consumed) and 99.63
    /// (1996 − 249 = 1747 left): best bid 99.63. Once the transient part has recovered, the
    /// best bid is 99.73: the price stays 0.1625 % lower.
    @Test func permanentImpactMovesTheFairPriceAndOnlyTheRestRecovers() throws {
        var book = try Self.book(share: 500_000)
        let fill = try book.execute(side: .short, size: Size(units: 25), limit: Price(units: 99), now: .zero)
        #expect(fill.vwap == Price(e8: 9_984_000_000))
        #expect(book.fairPrice == Price(e8: 9_983_750_000))
        #expect(book.permanentImpactE9 == -1_625_000)
        #expect(book.consumed(.bids, now: .zero) == (try Quote(units: 1_248)))
        #expect(book.bestBid(now: .zero) == Price(e8: 9_963_000_000))
        #expect(book.bestBid(now: .seconds(3_600)) == Price(e8: 9_973_000_000))
        // A new exogenous price keeps the impact: 101 × (1 − 0.001625) = 100.835875.
        try book.setFairPrice(Price(units: 101), now: .seconds(3_600))
        #expect(book.fairPrice == Price(e8: 10_083_587_500))
        #expect(book.referencePrice == (try Price(units: 101)))
    }

    /// Equal levels evenly spaced on both sides (fair 100; by default ten levels 0.1 % apart
    /// holding 1000 each): the profile made continuous is linear, here 0.1 % of the price
    /// per 1000 consumed.
    static func evenBook(share: Int64, levels: Int = 10, spacingPpm: Int64 = 1_000, notional: Int64 = 1_000,
                         tick: Price = Price(e8: 1_000_000)) throws -> VenueBook {
        let side = (1...levels).map { DepthLevel(offset: Rate(ppm: Int64($0) * spacingPpm), notional: try! Quote(units: notional)) }
        var c = VenueBookConfiguration(halfSpread: Rate(ppm: spacingPpm), depth: .levels(bids: side, asks: side),
                                       resilienceHalfLife: .seconds(10), tickSize: tick)
        c.permanentImpactShare = Rate(ppm: share)
        c.depthVolatilityElasticity = 0
        return try VenueBook(market: "TEST-PERP", configuration: c, fairPrice: Price(units: 100), now: .zero)
    }

    /// A tiny fill that empties a nearly consumed level moves the price in proportion to
    /// the little it consumed, not by a whole level spacing: otherwise a flow that sells
    /// back what recovered at a level boundary would ratchet the price down one spacing
    /// per order, whatever its size.
    @Test func aTinyFillAtALevelBoundaryMovesThePriceByItsOwnSize() throws {
        var book = try Self.evenBook(share: 500_000)
        // 20 units ≈ 1998 consumed; half of it stays as the hole: level 0 is nearly empty.
        _ = try book.execute(side: .short, size: Size(units: 20), limit: Price(units: 95), now: .zero)
        let consumed = book.consumed(.bids, now: .zero)
        #expect(consumed.e6 > 990_000_000 && consumed.e6 < 1_000_000_000)
        let before = book.permanentImpactE9
        // Sell just past the boundary: about 3 of notional.
        let touch = try #require(book.bestBid(now: .zero))
        let tiny = Size(e8: VenueBook.size(forNotionalE6: 1_000_000_000 - consumed.e6 + 2_000_000, at: touch))
        let fill = try book.execute(side: .short, size: tiny, limit: Price(units: 95), now: .zero)
        #expect(fill.fills.count == 2)  // it emptied level 0 and took a little of level 1
        let moveE9 = before - book.permanentImpactE9
        // φ × notional / 1000 × 0.1 %: ≈ 0.5 × 12 / 1000 × 10^6 = 6000 at most; a whole
        // spacing would be 500,000.
        #expect(moveE9 > 0 && moveE9 < 10_000)
    }

    /// Linear permanent impact (Almgren–Chriss): on a linear profile, one order and the same
    /// size in five pieces at the same instant leave the same permanent impact, within the
    /// rounding of each piece and the slightly lower prices the later pieces fill at.
    @Test func splittingAnOrderLeavesThePermanentImpactUnchanged() throws {
        var whole = try Self.evenBook(share: 500_000)
        _ = try whole.execute(side: .short, size: Size(units: 35), limit: Price(units: 90), now: .zero)
        var pieces = try Self.evenBook(share: 500_000)
        for _ in 0..<5 { _ = try pieces.execute(side: .short, size: Size(units: 7), limit: Price(units: 90), now: .zero) }
        #expect(whole.permanentImpactE9 < 0)
        let difference = abs(whole.permanentImpactE9 - pieces.permanentImpactE9)
        #expect(difference * 100 <= abs(whole.permanentImpactE9))  // within 1 %
    }

    /// The same depth per price interval, in levels 0.1 % apart holding 1000 or 0.01 % apart
    /// holding 100: a flow of small sells, each after the book has partly recovered, moves
    /// the price alike on both (within 2 %). The permanent impact is a property of the depth,
    /// not of how finely the book is drawn.
    @Test func aFinerBookOfTheSameDepthMovesThePriceAlike() throws {
        var coarse = try Self.evenBook(share: 666_667, levels: 20, spacingPpm: 1_000, notional: 1_000, tick: Price(e8: 1_000))
        var fine = try Self.evenBook(share: 666_667, levels: 200, spacingPpm: 100, notional: 100, tick: Price(e8: 1_000))
        for k in 0..<20 {
            let now = Instant.seconds(Int64(k))
            _ = try coarse.execute(side: .short, size: Size(e8: 370_000_000), limit: Price(units: 90), now: now)
            _ = try fine.execute(side: .short, size: Size(e8: 370_000_000), limit: Price(units: 90), now: now)
        }
        #expect(coarse.permanentImpactE9 < 0)
        let difference = abs(coarse.permanentImpactE9 - fine.permanentImpactE9)
        #expect(difference * 50 <= abs(coarse.permanentImpactE9))
    }

    @Test func withoutPermanentImpactFillsNeverMoveTheFairPrice() throws {
        var book = try Self.book(share: 0)
        _ = try book.execute(side: .short, size: Size(units: 25), limit: Price(units: 99), now: .zero)
        #expect(book.fairPrice == (try Price(units: 100)))
        #expect(book.consumed(.bids, now: .zero) == (try Quote(units: 2_496)))
    }

    /// Buying moves it the other way: 10 @ 100.10 + 15 @ 100.20 = 1001 + 1503, 3/4 of ask
    /// level 1 (2004): the continuous touch moves +0.325 %, half of it stays.
    @Test func buyingPushesTheFairPriceUp() throws {
        var book = try Self.book(share: 500_000)
        _ = try book.execute(side: .long, size: Size(units: 25), limit: Price(units: 101), now: .zero)
        #expect(book.fairPrice == Price(e8: 10_016_250_000))
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
