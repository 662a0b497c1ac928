import Testing
import PropertyBased
@testable import TrancheCore

/// Random books and random order sequences. A book: half-spread, level spacing, 1–6
/// level notionals (shared by both sides), a fair price and a tick; an order: side, size,
/// limit distance from the fair price (negative = a limit on the wrong side of the fair
/// price, which may fill nothing) and the time since the previous order.
@Suite struct VenuePropertyTests {
    static let halfSpreads = Gen.int64(in: 0...5_000)
    static let spacings = Gen.int64(in: 1...20_000)
    static let notionals = Gen.int64(in: 1...1_000_000_000_000).array(of: 1...6)
    static let fairPrices = Gen.int64(in: 1_000_000...10_000_000_000_000)
    static let ticks = Gen.int64(in: 0...6)
    static let orders = zip(Gen.bool, Gen.int64(in: 1...10_000_000_000), Gen.int64(in: -50_000...50_000), Gen.int64(in: 0...30_000))
        .array(of: 1...12)

    static func book(_ halfSpread: Int64, _ spacing: Int64, _ notionals: [Int64], _ fair: Int64, _ tickPower: Int64) throws -> VenueBook {
        var tick: Int64 = 1
        for _ in 0..<tickPower { tick *= 10 }
        let levels = notionals.enumerated().map { k, n in
            DepthLevel(offset: Rate(ppm: halfSpread + Int64(k) * spacing), notional: Quote(e6: n))
        }
        let configuration = VenueBookConfiguration(halfSpread: Rate(ppm: halfSpread), depth: .levels(bids: levels, asks: levels),
                                                   resilienceHalfLife: .seconds(5), tickSize: Price(e8: tick))
        return try VenueBook(market: "P", configuration: configuration, fairPrice: Price(e8: fair), now: .zero)
    }

    static func limit(fair: Int64, side: Side, distancePpm: Int64) -> Price {
        // A positive distance is permissive: below the fair price for a sell, above for a buy.
        let signed = side == .short ? -distancePpm : distancePpm
        return Price(e8: max(1, Int64(Int128(fair) * Int128(1_000_000 + signed) / 1_000_000)))
    }

    @Test func fillsRespectLimitsConservationAndTheBookNeverGoesNegative() async {
        await propertyCheck(count: 200, input: Self.halfSpreads, Self.spacings, Self.notionals, Self.fairPrices, Self.ticks, Self.orders) {
            halfSpread, spacing, notionals, fair, tickPower, orders in
            var book = try Self.book(halfSpread, spacing, notionals, fair, tickPower)
            var now = Instant.zero
            for (isBuy, sizeE8, distance, stepMs) in orders {
                now = now + .milliseconds(stepMs)
                let side: Side = isBuy ? .long : .short
                let limit = Self.limit(fair: fair, side: side, distancePpm: distance)
                let e = try book.execute(side: side, size: Size(e8: sizeE8), limit: limit, now: now)

                #expect(e.filled.e8 >= 0 && e.filled.e8 <= sizeE8)
                #expect(e.filled.e8 + e.unfilled.e8 == sizeE8)
                #expect(e.fills.reduce(0) { $0 + $1.size.e8 } == e.filled.e8)
                for f in e.fills {
                    #expect(f.size.e8 > 0)
                    if side == .short { #expect(f.price >= limit) } else { #expect(f.price <= limit) }
                }
                if let vwap = e.vwap {
                    #expect(vwap >= e.fills.map(\.price).min()! && vwap <= e.fills.map(\.price).max()!)
                    if side == .short { #expect(vwap >= limit) } else { #expect(vwap <= limit) }
                } else {
                    #expect(e.filled == .zero && e.fills.isEmpty && e.notional == .zero)
                }
                // The order's notional is the per-level ones up to one quantum of rounding each.
                let levelSum = e.fills.reduce(0) { $0 + $1.notional.e6 }
                #expect(abs(e.notional.e6 - levelSum) <= Int64(e.fills.count))

                for bookSide in BookSide.allCases {
                    let consumed = book.consumed(bookSide, now: now)
                    #expect(consumed.e6 >= 0 && consumed <= book.profileNotional(bookSide))
                    for level in book.levels(bookSide, now: now) {
                        #expect(level.notional.e6 > 0 && level.size.e8 > 0)
                        #expect(level.notional <= Quote(e6: notionals[level.level]))
                    }
                }
            }
        }
    }

    /// On the same book, a larger sell never gets a better (higher) VWAP and a larger buy
    /// never a better (lower) one; it never fills less.
    @Test func vwapIsMonotoneInSize() async {
        await propertyCheck(count: 200, input: Self.halfSpreads, Self.spacings, Self.notionals, Self.fairPrices, Self.ticks,
                            zip(Gen.bool, Gen.int64(in: 1...10_000_000_000), Gen.int64(in: 1...10_000_000_000), Gen.int64(in: 0...50_000))) {
            halfSpread, spacing, notionals, fair, tickPower, order in
            let (isBuy, a, b, distance) = order
            let book = try Self.book(halfSpread, spacing, notionals, fair, tickPower)
            let side: Side = isBuy ? .long : .short
            let limit = Self.limit(fair: fair, side: side, distancePpm: distance)
            var small = book, large = book
            let es = try small.execute(side: side, size: Size(e8: min(a, b)), limit: limit, now: .zero)
            let el = try large.execute(side: side, size: Size(e8: max(a, b)), limit: limit, now: .zero)
            #expect(el.filled >= es.filled)
            if let vs = es.vwap, let vl = el.vwap {
                if side == .short { #expect(vl <= vs) } else { #expect(vl >= vs) }
            }
        }
    }

    /// Consumption only decays between fills: the unrecovered amount never grows with time.
    @Test func consumptionNeverGrowsWithoutFills() async {
        await propertyCheck(count: 100, input: Self.notionals, Self.fairPrices, Gen.int64(in: 1...10_000_000_000),
                            Gen.int64(in: 0...60_000).array(of: 1...10)) { notionals, fair, sizeE8, steps in
            var book = try Self.book(1_000, 1_000, notionals, fair, 0)
            _ = try book.execute(side: .short, size: Size(e8: sizeE8), limit: Price(e8: 1), now: .zero)
            var now = Instant.zero
            var previous = book.consumed(.bids, now: now)
            for ms in steps {
                now = now + .milliseconds(ms)
                book.advance(to: now)
                let c = book.consumed(.bids, now: now)
                #expect(c <= previous)
                previous = c
            }
        }
    }
}
