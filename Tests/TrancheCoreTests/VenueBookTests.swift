import Testing
@testable import TrancheCore

/// A small book worked by hand. Fair price 100, tick 0.01, half-spread 0.1 %:
///
///     bids  level 0: 100 × (1 − 0.001) =  99.90, notional  999    → 10 units
///           level 1: 100 × (1 − 0.002) =  99.80, notional 1996    → 20 units
///           level 2: 100 × (1 − 0.005) =  99.50, notional 4975    → 50 units
///     asks  level 0: 100 × (1 + 0.001) = 100.10, notional 1001    → 10 units
///           level 1: 100 × (1 + 0.002) = 100.20, notional 2004    → 20 units
///           level 2: 100 × (1 + 0.005) = 100.50, notional 5025    → 50 units
///
/// Resilience half-life 10 s.
enum VenueHandBook {
    /// The transient model alone (no permanent impact, no thinning): the hand-worked
    /// figures below; `VenueMarketModelTests` covers the other two effects.
    static func configuration() throws -> VenueBookConfiguration {
        var c = try transientAndPermanent()
        c.permanentImpactShare = .zero
        c.depthVolatilityElasticity = 0
        return c
    }

    static func transientAndPermanent() throws -> VenueBookConfiguration {
        VenueBookConfiguration(
            halfSpread: Rate(ppm: 1_000),
            depth: .levels(
                bids: [DepthLevel(offset: Rate(ppm: 1_000), notional: try Quote(units: 999)),
                       DepthLevel(offset: Rate(ppm: 2_000), notional: try Quote(units: 1_996)),
                       DepthLevel(offset: Rate(ppm: 5_000), notional: try Quote(units: 4_975))],
                asks: [DepthLevel(offset: Rate(ppm: 1_000), notional: try Quote(units: 1_001)),
                       DepthLevel(offset: Rate(ppm: 2_000), notional: try Quote(units: 2_004)),
                       DepthLevel(offset: Rate(ppm: 5_000), notional: try Quote(units: 5_025))]),
            resilienceHalfLife: .seconds(10),
            tickSize: Price(e8: 1_000_000))
    }

    static func book(at now: Instant = .zero) throws -> VenueBook {
        try VenueBook(market: "TEST-PERP", configuration: configuration(), fairPrice: Price(units: 100), now: now)
    }
}

private func price(_ text: String) throws -> Price { Price(e8: try FixedDecimal.parse(text, decimals: 8)) }
private func size(_ text: String) throws -> Size { Size(e8: try FixedDecimal.parse(text, decimals: 8)) }
private func quote(_ text: String) throws -> Quote { Quote(e6: try FixedDecimal.parse(text, decimals: 6)) }

@Suite struct VenueBookTests {
    @Test func levelPricesAndBestQuotes() throws {
        let book = try VenueHandBook.book()
        #expect(book.bestBid(now: .zero) == (try price("99.9")))
        #expect(book.bestAsk(now: .zero) == (try price("100.1")))
        #expect(book.mid(now: .zero) == (try Price(units: 100)))
        let bids = book.levels(.bids, now: .zero)
        #expect(bids.map(\.price) == [try price("99.9"), try price("99.8"), try price("99.5")])
        #expect(bids.map(\.size) == [try Size(units: 10), try Size(units: 20), try Size(units: 50)])
    }

    /// Sell 25, limit 99: 10 @ 99.90 = 999.00, then 15 @ 99.80 = 1497.00.
    /// Notional 2496.00, VWAP 2496 / 25 = 99.84; consumed bids 2496.
    /// A second sell of 10 starts where the first stopped: the 5 units left at 99.80
    /// (1996 − 1497 = 499 → 5 units) = 499.00, then 5 @ 99.50 = 497.50; 996.50 / 10 = 99.65.
    @Test func sellWalksLevelsAndTheNextOrderStartsWhereTheLastStopped() throws {
        var book = try VenueHandBook.book()
        let first = try book.execute(side: .short, size: Size(units: 25), limit: Price(units: 99), now: .zero)
        #expect(first.filled == (try Size(units: 25)))
        #expect(first.unfilled == .zero)
        #expect(first.notional == (try Quote(units: 2_496)))
        #expect(first.vwap == (try price("99.84")))
        #expect(first.fills.map(\.level) == [0, 1])
        #expect(first.fills.map(\.size) == [try Size(units: 10), try Size(units: 15)])
        #expect(first.fills.map(\.notional) == [try Quote(units: 999), try Quote(units: 1_497)])
        #expect(book.consumed(.bids, now: .zero) == (try Quote(units: 2_496)))
        #expect(book.bestBid(now: .zero) == (try price("99.8")))
        #expect(book.consumed(.asks, now: .zero) == .zero)

        let second = try book.execute(side: .short, size: Size(units: 10), limit: Price(units: 99), now: .zero)
        #expect(second.fills.map(\.level) == [1, 2])
        #expect(second.fills.map(\.size) == [try Size(units: 5), try Size(units: 5)])
        #expect(second.notional == (try quote("996.5")))
        #expect(second.vwap == (try price("99.65")))
    }

    /// Sell 40 with limit 99.80: levels 0 and 1 qualify (99.90, 99.80 ≥ 99.80), level 2
    /// (99.50) does not. 10 + 20 = 30 fill for 999 + 1996 = 2995; VWAP 2995 / 30 =
    /// 99.8333… rounded down (a sell) to 99.83333333; 10 units are cancelled.
    @Test func sellNeverFillsBelowTheLimit() throws {
        var book = try VenueHandBook.book()
        let e = try book.execute(side: .short, size: Size(units: 40), limit: price("99.8"), now: .zero)
        #expect(e.filled == (try Size(units: 30)))
        #expect(e.unfilled == (try Size(units: 10)))
        #expect(e.notional == (try Quote(units: 2_995)))
        #expect(e.vwap == (try price("99.83333333")))
        #expect(e.fills.allSatisfy { $0.price >= e.limit })
        // Nothing is left at or above the limit now: a second order fills nothing.
        let again = try book.execute(side: .short, size: Size(units: 1), limit: price("99.8"), now: .zero)
        #expect(again.filled == .zero)
        #expect(again.vwap == nil)
        #expect(again.unfilled == (try Size(units: 1)))
    }

    /// Buy 12, limit 101: 10 @ 100.10 = 1001.00, 2 @ 100.20 = 200.40; cost 1201.40;
    /// VWAP 1201.4 / 12 = 100.11666… rounded up (a buy) to 100.11666667.
    @Test func buyLiftsAsksAndRoundsItsVWAPUp() throws {
        var book = try VenueHandBook.book()
        let e = try book.execute(side: .long, size: Size(units: 12), limit: Price(units: 101), now: .zero)
        #expect(e.filled == (try Size(units: 12)))
        #expect(e.notional == (try quote("1201.4")))
        #expect(e.vwap == (try price("100.11666667")))
        #expect(book.bestAsk(now: .zero) == (try price("100.2")))
        #expect(book.bestBid(now: .zero) == (try price("99.9")))  // the other side is untouched
    }

    /// A buy never fills above its limit: limit 100.15 admits only level 0 (100.10).
    @Test func buyNeverFillsAboveTheLimit() throws {
        var book = try VenueHandBook.book()
        let e = try book.execute(side: .long, size: Size(units: 15), limit: price("100.15"), now: .zero)
        #expect(e.filled == (try Size(units: 10)))
        #expect(e.unfilled == (try Size(units: 5)))
        #expect(e.fills.allSatisfy { $0.price <= e.limit })
    }

    /// One size unit (10^-8) at 99.90 is worth 0.000000999 quote: a sell's proceeds round
    /// down to 0 quantums; at 100.10 a buy's cost (0.000001001) rounds up to 0.000002.
    @Test func proceedsRoundDownAndCostsRoundUp() throws {
        var book = try VenueHandBook.book()
        let sell = try book.execute(side: .short, size: Size(e8: 1), limit: Price(units: 99), now: .zero)
        #expect(sell.notional == .zero)
        #expect(sell.vwap == (try price("99.9")))
        let buy = try book.execute(side: .long, size: Size(e8: 1), limit: Price(units: 101), now: .zero)
        #expect(buy.notional == Quote(e6: 2))
        #expect(buy.vwap == (try price("100.1")))
    }

    /// Sell everything: 80 units exist (10 + 20 + 50); an order for 100 fills 80 and
    /// cancels 20, and the side is then empty.
    @Test func conservationWhenTheSideRunsOut() throws {
        var book = try VenueHandBook.book()
        let e = try book.execute(side: .short, size: Size(units: 100), limit: Price(e8: 1), now: .zero)
        #expect(e.filled == (try Size(units: 80)))
        #expect(e.unfilled == (try Size(units: 20)))
        #expect(try e.filled + e.unfilled == e.requested)
        #expect(e.notional == (try Quote(units: 999 + 1_996 + 4_975)))
        #expect(book.bestBid(now: .zero) == nil)
        #expect(book.mid(now: .zero) == nil)
        #expect(book.depthWithin(band: .one, side: .bids, now: .zero) == .zero)
    }

    @Test func vwapLiesBetweenTheBestAndWorstLevelTouched() throws {
        var book = try VenueHandBook.book()
        let e = try book.execute(side: .short, size: size("33.33333333"), limit: Price(units: 99), now: .zero)
        let prices = e.fills.map(\.price)
        let vwap = try #require(e.vwap)
        #expect(vwap <= prices.max()! && vwap >= prices.min()!)
    }

    /// Consumed 2496 at t = 0 with a 10 s half-life: 1248 at 10 s, 624 at 20 s.
    /// At 10 s level 0 (cumulative 999) is still gone, best bid 99.80; at 20 s 624 < 999:
    /// level 0 has 375 back and the best bid is 99.90 again. After 64 half-lives nothing
    /// is left consumed.
    @Test func resilienceHalvesConsumptionEveryHalfLife() throws {
        var book = try VenueHandBook.book()
        _ = try book.execute(side: .short, size: Size(units: 25), limit: Price(units: 99), now: .zero)
        #expect(book.consumed(.bids, now: .seconds(10)) == (try Quote(units: 1_248)))
        #expect(book.bestBid(now: .seconds(10)) == (try price("99.8")))
        #expect(book.consumed(.bids, now: .seconds(20)) == (try Quote(units: 624)))
        #expect(book.bestBid(now: .seconds(20)) == (try price("99.9")))
        #expect(book.levels(.bids, now: .seconds(20)).first?.notional == (try Quote(units: 375)))
        #expect(book.consumed(.bids, now: .seconds(640)) == .zero)

        // Advancing in many small steps gives the same result as one step.
        var stepped = book
        for ms in stride(from: 0, through: 10_000, by: 7) { stepped.advance(to: Instant(nanoseconds: Int64(ms) * 1_000_000)) }
        stepped.advance(to: .seconds(10))
        #expect(stepped.consumed(.bids, now: .seconds(10)) == (try Quote(units: 1_248)))
    }

    /// A fill after partial recovery adds to what is still consumed: at 10 s, 1248 are
    /// consumed (through level 1, which has 1996 − (1248 − 999) = 1747 left = 17.5 units);
    /// selling 1 unit takes it at 99.80 and leaves 1248 + 99.80 = 1347.80 consumed.
    @Test func fillsAfterRecoveryStartFromTheDecayedConsumption() throws {
        var book = try VenueHandBook.book()
        _ = try book.execute(side: .short, size: Size(units: 25), limit: Price(units: 99), now: .zero)
        let e = try book.execute(side: .short, size: Size(units: 1), limit: Price(units: 99), now: .seconds(10))
        #expect(e.vwap == (try price("99.8")))
        #expect(book.consumed(.bids, now: .seconds(10)) == (try quote("1347.8")))
    }

    /// Moving the fair price moves the whole book, the hole included.
    @Test func fairPriceMovesTheProfile() throws {
        var book = try VenueHandBook.book()
        _ = try book.execute(side: .short, size: Size(units: 10), limit: Price(units: 99), now: .zero)
        try book.setFairPrice(Price(units: 200), now: .zero)
        #expect(book.bestBid(now: .zero) == (try price("199.6")))  // level 1 at 200 × 0.998
        #expect(book.bestAsk(now: .zero) == (try price("200.2")))
        #expect(throws: VenueError.invalidFairPrice(.zero)) { try book.setFairPrice(.zero, now: .zero) }
    }

    /// Band 0.25 %: bid edge 100 × 0.9975 = 99.75 → levels 0 and 1 (999 + 1996 = 2995);
    /// ask edge 100.25 → levels 0 and 1 (1001 + 2004 = 3005). Band 0.5 % takes every level.
    @Test func depthWithinBand() throws {
        var book = try VenueHandBook.book()
        #expect(book.depthWithin(band: Rate(ppm: 2_500), side: .bids, now: .zero) == (try Quote(units: 2_995)))
        #expect(book.depthWithin(band: Rate(ppm: 2_500), side: .asks, now: .zero) == (try Quote(units: 3_005)))
        #expect(book.depthWithin(band: Rate(ppm: 5_000), side: .bids, now: .zero) == (try Quote(units: 7_970)))
        #expect(book.depthWithin(band: Rate(ppm: 500), side: .bids, now: .zero) == .zero)
        _ = try book.execute(side: .short, size: Size(units: 25), limit: Price(units: 99), now: .zero)
        // 2995 − 2496 consumed = 499 left inside 0.25 %.
        #expect(book.depthWithin(band: Rate(ppm: 2_500), side: .bids, now: .zero) == (try Quote(units: 499)))
        let s = book.summary(band: Rate(ppm: 2_500), now: .zero)
        #expect(s.bidDepthInBand == (try Quote(units: 499)))
        #expect(s.askDepthInBand == (try Quote(units: 3_005)))
        #expect(s.bestBid == (try price("99.8")))
        #expect(s.bidConsumed == (try Quote(units: 2_496)))
        #expect(s.mid == (try price("99.95")))  // (99.80 + 100.10) / 2
    }

    /// Bids round down to the tick and asks up: fair 100.037, tick 0.05, offset 0.1 %:
    /// bid 99.936963 → 99.90; ask 100.137037 → 100.15.
    @Test func levelPricesRoundAwayFromTheFairPrice() throws {
        var c = try VenueHandBook.configuration()
        c.tickSize = try price("0.05")
        let book = try VenueBook(market: "T", configuration: c, fairPrice: price("100.037"), now: .zero)
        #expect(book.bestBid(now: .zero) == (try price("99.9")))
        #expect(book.bestAsk(now: .zero) == (try price("100.15")))
    }

    @Test func invalidOrdersAreRejected() throws {
        var book = try VenueHandBook.book()
        #expect(throws: VenueError.invalidSize(.zero)) { try book.execute(side: .short, size: .zero, limit: Price(units: 1), now: .zero) }
        #expect(throws: VenueError.invalidLimit(.zero)) { try book.execute(side: .long, size: Size(units: 1), limit: .zero, now: .zero) }
    }

    /// The clock never runs backwards: an earlier `now` acts as the latest.
    @Test func earlierTimesActAsTheLatest() throws {
        var book = try VenueHandBook.book()
        _ = try book.execute(side: .short, size: Size(units: 25), limit: Price(units: 99), now: .seconds(10))
        book.advance(to: .seconds(5))
        #expect(book.clock == .seconds(10))
        #expect(book.consumed(.bids, now: .seconds(1)) == (try Quote(units: 2_496)))
    }
}
