/// A per-market simulated order book: a depth profile placed around an exogenous fair
/// price, and the depth our own fills have consumed, which recovers exponentially.
///
/// The model (Obizhaeva–Wang with a discrete book): each side is a list of levels at
/// fair × (1 ∓ offset) holding a quote notional. Our fills consume a side from the
/// touch outward; the consumed notional `C` is one number per side, measured along the
/// side's cumulative notional, so the next order starts where the last one stopped.
/// `C` decays as C(t) = C(t₀) · 2^(−(t − t₀)/halfLife): the best price relaxes back
/// toward the fair price. Because levels are placed relative to the fair price, moving
/// the fair price (`setFairPrice`) moves the whole book, hole included.
///
/// Two effects make the market able to cascade and recover (docs/venue-book.md):
/// - **Permanent impact** (Almgren–Chriss): a share `permanentImpactShare` of the move an
///   execution caused along the depth profile made continuous (linear in the notional it
///   consumed) stays in the fair price for good; the consumed depth
///   is reduced by the same share, so right after the fill the touch is where the fill
///   left it, and only the transient rest recovers. The fair price is the exogenous
///   reference × (1 + accumulated permanent impact): selling moves the index and the mark.
/// - **Depth that thins with volatility**: the profile is scaled by
///   (referenceVolatility / σ)^elasticity within [minimumDepthShare, 1], σ the EWMA
///   realised volatility of the fair price, updated on every price update.
///
/// Pure value type: time is always a parameter; a `now` earlier than the latest one
/// seen is taken as the latest (the book's clock never runs backwards).
public struct VenueBook: Sendable, Hashable {
    /// Fair prices above this are refused, so every derived level price fits 64 bits.
    public static let maxFairPrice = Price(e8: Int64.max / 4)
    /// After this many half-lives the consumption is taken as fully recovered (the
    /// factor 2^−64 leaves less than one quantum of any 64-bit amount).
    static let fullRecoveryHalfLives: Int64 = 64

    public let market: MarketID
    public let configuration: VenueBookConfiguration
    /// The price the book is built around: the exogenous reference moved by our own
    /// permanent impact. This is the venue's index.
    public private(set) var fairPrice: Price
    /// The exogenous reference last given (`setFairPrice`).
    public private(set) var referencePrice: Price
    /// Accumulated permanent impact, relative to the reference, in 10^-9 (signed).
    public private(set) var permanentImpactE9: Int64 = 0
    /// Share of the profile resting now, in ppm (volatility thinning).
    public private(set) var depthSharePpm: Int64 = Precision.rateScale
    /// EWMA of squared log-returns of the fair price per second (σ²), and when it was last fed.
    public private(set) var varianceRate: Double
    private var varianceAt: Instant
    /// Latest time the book has seen.
    public private(set) var clock: Instant

    private let bidLevels: [DepthLevel]
    private let askLevels: [DepthLevel]
    private var bidConsumption = Consumption()
    private var askConsumption = Consumption()

    /// Unrecovered consumption of one side, as of an anchor time. Decay is computed from
    /// the anchor on demand, so it does not depend on how often the book is advanced.
    struct Consumption: Sendable, Hashable {
        /// Quote quantums consumed, as of `anchor`.
        var amountE6: Int64 = 0
        var anchor: Instant = .zero
    }

    public init(market: MarketID, configuration: VenueBookConfiguration = .init(), fairPrice: Price, now: Instant) throws(VenueError) {
        let levels: (bids: [DepthLevel], asks: [DepthLevel])
        do { levels = try configuration.resolvedLevels(field: "venue[\(market)]") } catch { throw .configuration(error) }
        guard fairPrice.e8 > 0, fairPrice <= Self.maxFairPrice else { throw .invalidFairPrice(fairPrice) }
        self.market = market
        self.configuration = configuration
        self.fairPrice = fairPrice
        self.referencePrice = fairPrice
        self.varianceRate = configuration.referenceVolatility * configuration.referenceVolatility
        self.varianceAt = now
        self.clock = now
        self.bidLevels = levels.bids
        self.askLevels = levels.asks
    }

    // MARK: Events

    /// Sets the exogenous reference price; the fair price is it moved by our accumulated
    /// permanent impact, and the whole profile (and its consumed part) moves with it.
    /// Feeds the realised volatility that thins the depth.
    public mutating func setFairPrice(_ price: Price, now: Instant) throws(VenueError) {
        guard price.e8 > 0, price <= Self.maxFairPrice else { throw .invalidFairPrice(price) }
        advance(to: now)
        referencePrice = price
        let before = fairPrice
        fairPrice = Self.impacted(price, permanentImpactE9)
        updateVolatility(from: before, to: fairPrice)
    }

    /// reference × (1 + impact), rounded down, at least one quantum, at most `maxFairPrice`.
    static func impacted(_ reference: Price, _ impactE9: Int64) -> Price {
        let v = (Int128(reference.e8) * (1_000_000_000 + Int128(impactE9))) / 1_000_000_000
        return Price(e8: Int64(max(1, min(v, Int128(maxFairPrice.e8)))))
    }

    /// σ² ← d·σ² + (1 − d)·r²/Δt with d = 2^(−Δt/H), r the log-return since the last
    /// update (statistics: doubles), then the depth share from it.
    mutating func updateVolatility(from old: Price, to new: Price) {
        let dtNs = clock.nanoseconds &- varianceAt.nanoseconds
        guard dtNs > 0, old.e8 > 0 else { return }
        varianceAt = clock
        let dt = Double(dtNs) / 1e9
        let r = Elementary.log(Double(new.e8) / Double(old.e8))
        let decay = Elementary.exp2(-Double(dtNs) / Double(configuration.volatilityHalfLife.nanoseconds))
        varianceRate = decay * varianceRate + (1 - decay) * r * r / dt
        let c = configuration
        guard c.depthVolatilityElasticity > 0, varianceRate > 0 else { depthSharePpm = Precision.rateScale; return }
        // (σref/σ)^α = 2^(α · log2(σref² / σ²) / 2)
        let ratio = c.referenceVolatility * c.referenceVolatility / varianceRate
        let share = ratio >= 1 ? 1 : Elementary.exp2(c.depthVolatilityElasticity * Elementary.log(ratio) / (2 * 0.6931471805599453))
        depthSharePpm = max(c.minimumDepthShare.ppm, min(Precision.rateScale, Int64(share * Double(Precision.rateScale))))
    }

    /// Moves the book's clock forward; consumed depth recovers with the half-life.
    public mutating func advance(to now: Instant) {
        if now > clock { clock = now }
    }

    /// Executes an immediate-or-cancel order: `.short` sells into the bids, `.long` buys
    /// from the asks, level by level from the touch outward, never beyond `limit` (a sell
    /// never below it, a buy never above it). What cannot fill is returned as unfilled.
    ///
    /// Rounding: the size a level can take is its remaining notional / price rounded
    /// down; the notional a level gives up is size × price rounded up (so consumption
    /// never undercounts); the order's notional is rounded once, down for a sell
    /// (proceeds) and up for a buy (cost); the VWAP likewise.
    public mutating func execute(side: Side, size: Size, limit: Price, now: Instant) throws(VenueError) -> VenueExecution {
        guard size.e8 > 0 else { throw .invalidSize(size) }
        guard limit.e8 > 0 else { throw .invalidLimit(limit) }
        advance(to: now)
        let bookSide = BookSide(hitBy: side)
        let levels = self.levels(bookSide)
        var consumedE6 = consumption(bookSide).decayed(at: clock, halfLife: configuration.resilienceHalfLife)
        let consumedBeforeE6 = consumedE6
        var remainingE8 = size.e8
        var exactNotional: Int128 = 0  // Σ size_e8 × price_e8: quote × 10^16, exact
        var fills: [VenueLevelFill] = []
        var cumulativeBefore: Int64 = 0

        for k in levels.indices where remainingE8 > 0 {
            // Cannot overflow: the side's total was checked when the configuration was validated.
            let cumulativeAfter = cumulativeBefore + scaled(levels[k].notional.e6)
            defer { cumulativeBefore = cumulativeAfter }
            if consumedE6 >= cumulativeAfter { continue }
            guard let price = levelPrice(bookSide, k) else { break }
            if bookSide == .bids ? price < limit : price > limit { break }
            let availableE6 = cumulativeAfter - max(consumedE6, cumulativeBefore)
            let capacityE8 = Self.size(forNotionalE6: availableE6, at: price)
            let takeE8 = min(remainingE8, capacityE8)
            if takeE8 == 0 { continue }  // less than one size unit rests here
            let product = Int128(takeE8) * Int128(price.e8)
            // Consumption rounds up: never more than available, since take ≤ capacity.
            let usedE6 = Int64(product.divided(by: Precision.notionalDivisor, .up))
            consumedE6 = max(consumedE6, cumulativeBefore) + usedE6
            remainingE8 -= takeE8
            exactNotional += product
            let levelNotional = try Self.quote(product, rounding: side == .short ? .down : .up)
            fills.append(VenueLevelFill(level: k, price: price, size: Size(e8: takeE8), notional: levelNotional))
        }

        let filledE8 = size.e8 - remainingE8
        if filledE8 > 0 {
            setConsumption(bookSide, Consumption(amountE6: consumedE6, anchor: clock))
            applyPermanentImpact(bookSide, consumedBeforeE6: consumedBeforeE6, consumedAfterE6: consumedE6)
        }
        let rounding: Rounding = side == .short ? .down : .up
        let vwap: Price? = filledE8 > 0
            ? Price(e8: try Self.narrow(exactNotional.divided(by: Int128(filledE8), rounding)))
            : nil
        return VenueExecution(side: side, requested: size, filled: Size(e8: filledE8), unfilled: Size(e8: remainingE8),
                              vwap: vwap, notional: try Self.quote(exactNotional, rounding: rounding),
                              fills: fills, limit: limit, at: clock)
    }

    /// Moves the fair price by `permanentImpactShare` of the move this execution made
    /// along the side's depth profile, and takes the same share of its consumption off
    /// the hole, so the touch stays where the fill left it (exact for evenly spaced,
    /// equal levels; close otherwise) and only the transient rest recovers.
    ///
    /// The move is measured on the profile made continuous (`profileOffsetE9`): a fill
    /// moves the price in proportion to the notional it consumed over the depth resting
    /// there (Almgren–Chriss linear permanent impact, Obizhaeva–Wang's q/ρ), not by a whole
    /// level spacing each time it happens to empty a level. Over whole levels the two
    /// agree; within a level the step rule would charge a tiny fill that empties a nearly
    /// consumed level a full spacing, and nothing to a larger one that does not.
    mutating func applyPermanentImpact(_ side: BookSide, consumedBeforeE6: Int64, consumedAfterE6: Int64) {
        let share = Int128(configuration.permanentImpactShare.ppm)
        guard share > 0, fairPrice.e8 > 0 else { return }
        let moveE9 = profileOffsetE9(side, consumedE6: consumedAfterE6) - profileOffsetE9(side, consumedE6: consumedBeforeE6)
        // Selling moves the fair price down, buying up; × share, truncated toward zero
        // (the two positions are each rounded down: the move is exact to 10^-9).
        let magnitudeE9 = moveE9 * share / Int128(Precision.rateScale)
        let deltaE9 = side == .bids ? -magnitudeE9 : magnitudeE9
        guard deltaE9 != 0 else { return }
        permanentImpactE9 = Int64(clamping: Int128(permanentImpactE9) + deltaE9)
        // Never below −99.9 %: the fair price stays positive.
        permanentImpactE9 = max(permanentImpactE9, -999_000_000)
        fairPrice = Self.impacted(referencePrice, permanentImpactE9)
        let increment = Int128(consumedAfterE6 - consumedBeforeE6)
        let kept = Int128(consumedBeforeE6) + increment - (increment * share).divided(by: Int128(Precision.rateScale), .down)
        setConsumption(side, Consumption(amountE6: Int64(kept), anchor: clock))
    }

    /// Where a consumption of `consumedE6` along a side leaves its touch, as a distance from
    /// the fair price in 10^-9, on the profile made continuous: level k's (scaled) notional
    /// is spread evenly from its own offset to the next level's, so the distance rises
    /// linearly from o_k to o_{k+1} as level k is consumed. The last level spans as far as
    /// the spacing before it (a one-level profile: as far as its own offset); beyond the
    /// side's total the distance is the end of that span. Rounded down (never overstated).
    func profileOffsetE9(_ side: BookSide, consumedE6: Int64) -> Int128 {
        let levels = self.levels(side)
        guard let last = levels.last else { return 0 }
        let n = levels.count
        func offsetE9(_ k: Int) -> Int128 {
            if k < n { return Int128(levels[k].offset.ppm) * 1_000 }
            let previous = n >= 2 ? Int128(levels[n - 2].offset.ppm) : 0
            return Int128(last.offset.ppm) * 1_000 * 2 - previous * 1_000
        }
        guard consumedE6 > 0 else { return offsetE9(0) }
        var cumulativeBefore: Int64 = 0
        for k in 0..<n {
            let notional = scaled(levels[k].notional.e6)
            let cumulativeAfter = cumulativeBefore + notional
            if consumedE6 < cumulativeAfter {
                let into = Int128(consumedE6 - cumulativeBefore)
                return offsetE9(k) + (into * (offsetE9(k + 1) - offsetE9(k))) / Int128(notional)
            }
            cumulativeBefore = cumulativeAfter
        }
        return offsetE9(n)
    }

    /// A level's notional scaled by the depth share, rounded down (depth never overstated).
    @inline(__always)
    func scaled(_ notionalE6: Int64) -> Int64 {
        depthSharePpm == Precision.rateScale ? notionalE6 : Int64(Int128(notionalE6) * Int128(depthSharePpm) / Int128(Precision.rateScale))
    }

    // MARK: Queries

    /// The levels of a side that could trade at `now`, innermost first; fully consumed
    /// levels and levels holding less than one size unit are left out.
    public func levels(_ side: BookSide, now: Instant) -> [VenueBookLevel] {
        var result: [VenueBookLevel] = []
        forEachAvailableLevel(side, now: now) { k, price, notionalE6, sizeE8 in
            result.append(VenueBookLevel(level: k, price: price, notional: Quote(e6: notionalE6), size: Size(e8: sizeE8)))
            return true
        }
        return result
    }

    /// Highest bid an order could sell at now; `nil` when the bids are exhausted.
    public func bestBid(now: Instant) -> Price? { best(.bids, now: now) }

    /// Lowest ask an order could buy at now; `nil` when the asks are exhausted.
    public func bestAsk(now: Instant) -> Price? { best(.asks, now: now) }

    /// (best bid + best ask) / 2, rounded down; `nil` when a side is exhausted.
    public func mid(now: Instant) -> Price? {
        guard let b = bestBid(now: now), let a = bestAsk(now: now) else { return nil }
        return Price(e8: Int64((Int128(b.e8) + Int128(a.e8)) / 2))
    }

    /// Quote notional resting now inside fair × (1 ∓ band): bid levels priced at or above
    /// fair × (1 − band), ask levels at or below fair × (1 + band). The band edge is
    /// rounded inward (up for bids, down for asks), so depth is never overstated.
    public func depthWithin(band: Rate, side: BookSide, now: Instant) -> Quote {
        let b = Int128(max(band.ppm, 0))
        let scale = Int128(Precision.rateScale)
        let edge: Int128 = side == .bids
            ? (Int128(fairPrice.e8) * (scale - b)).divided(by: scale, .up)
            : (Int128(fairPrice.e8) * (scale + b)).divided(by: scale, .down)
        var total: Int64 = 0
        forEachAvailableLevel(side, now: now) { _, price, notionalE6, _ in
            let inside = side == .bids ? Int128(price.e8) >= edge : Int128(price.e8) <= edge
            if inside { total += notionalE6 }  // ≤ the side's total, which fits
            return inside
        }
        return Quote(e6: total)
    }

    /// Unrecovered consumption of a side at `now`, rounded up.
    public func consumed(_ side: BookSide, now: Instant) -> Quote {
        Quote(e6: consumption(side).decayed(at: max(now, clock), halfLife: configuration.resilienceHalfLife))
    }

    /// Total notional of a side's profile, fully recovered, at the current depth share.
    public func profileNotional(_ side: BookSide) -> Quote {
        Quote(e6: levels(side).reduce(0) { $0 + scaled($1.notional.e6) })
    }

    /// The book around its fair price, for publishing.
    public func summary(band: Rate, now: Instant) -> VenueDepthSummary {
        let t = max(now, clock)
        return VenueDepthSummary(
            market: market, fairPrice: fairPrice, bestBid: bestBid(now: t), bestAsk: bestAsk(now: t),
            bidDepthInBand: depthWithin(band: band, side: .bids, now: t),
            askDepthInBand: depthWithin(band: band, side: .asks, now: t), band: band,
            bidConsumed: consumed(.bids, now: t), askConsumed: consumed(.asks, now: t), at: t)
    }

    // MARK: Internals

    private func levels(_ side: BookSide) -> [DepthLevel] { side == .bids ? bidLevels : askLevels }
    private func consumption(_ side: BookSide) -> Consumption { side == .bids ? bidConsumption : askConsumption }
    private mutating func setConsumption(_ side: BookSide, _ c: Consumption) {
        if side == .bids { bidConsumption = c } else { askConsumption = c }
    }

    private func best(_ side: BookSide, now: Instant) -> Price? {
        var found: Price?
        forEachAvailableLevel(side, now: now) { _, price, _, _ in found = price; return false }
        return found
    }

    /// Calls `body(level, price, notionalE6, sizeE8)` for each level with at least one
    /// size unit resting, innermost first, until it returns false.
    private func forEachAvailableLevel(_ side: BookSide, now: Instant, _ body: (Int, Price, Int64, Int64) -> Bool) {
        let consumedE6 = consumption(side).decayed(at: max(now, clock), halfLife: configuration.resilienceHalfLife)
        var cumulativeBefore: Int64 = 0
        for (k, level) in levels(side).enumerated() {
            let cumulativeAfter = cumulativeBefore + scaled(level.notional.e6)
            defer { cumulativeBefore = cumulativeAfter }
            if consumedE6 >= cumulativeAfter { continue }
            guard let price = levelPrice(side, k) else { return }
            let availableE6 = cumulativeAfter - max(consumedE6, cumulativeBefore)
            let sizeE8 = Self.size(forNotionalE6: availableE6, at: price)
            if sizeE8 == 0 { continue }
            if !body(k, price, availableE6, sizeE8) { return }
        }
    }

    /// Price of level `k` at the current fair price, on the tick grid: bids at
    /// fair × (1 − offset) rounded down, asks at fair × (1 + offset) rounded up (the book
    /// never quotes better than its profile). `nil` when the level would be priced at or
    /// below zero (and then so is every level further out).
    func levelPrice(_ side: BookSide, _ k: Int) -> Price? {
        let offset = Int128(levels(side)[k].offset.ppm)
        let scale = Int128(Precision.rateScale)
        let tick = Int128(configuration.tickSize.e8)
        let fair = Int128(fairPrice.e8)
        let p: Int128
        switch side {
        case .bids:
            let raw = (fair * (scale - offset)).divided(by: scale, .down)
            p = raw.divided(by: tick, .down) * tick
        case .asks:
            let raw = (fair * (scale + offset)).divided(by: scale, .up)
            p = raw.divided(by: tick, .up) * tick
        }
        // fair ≤ Int64.max/4 and offset < 1 keep asks below 2^62 + one tick.
        guard p > 0, let e8 = Int64(exactly: p) else { return nil }
        return Price(e8: e8)
    }

    /// Size bought by a notional at a price: notional × 10^10 / price, rounded down
    /// (sizes at a level never exceed what rests there).
    static func size(forNotionalE6 notionalE6: Int64, at price: Price) -> Int64 {
        Int64((Int128(notionalE6) * Precision.notionalDivisor).divided(by: Int128(price.e8), .down))
    }

    static func narrow(_ v: Int128) throws(VenueError) -> Int64 {
        guard let r = Int64(exactly: v) else { throw .arithmetic(.overflow(operation: "venue execution")) }
        return r
    }

    /// Quote from an exact size × price product (quote × 10^16), rounded as stated.
    static func quote(_ product: Int128, rounding: Rounding) throws(VenueError) -> Quote {
        Quote(e6: try narrow(product.divided(by: Precision.notionalDivisor, rounding)))
    }
}

extension VenueBook.Consumption {
    /// amount × 2^(−elapsed/halfLife), rounded up (unrecovered depth is never
    /// understated), and zero after `fullRecoveryHalfLives`.
    func decayed(at now: Instant, halfLife: Duration) -> Int64 {
        if amountE6 == 0 { return 0 }
        let elapsed = now.nanoseconds &- anchor.nanoseconds
        if elapsed <= 0 { return amountE6 }
        if elapsed / halfLife.nanoseconds >= VenueBook.fullRecoveryHalfLives { return 0 }
        let halves = Double(elapsed) / Double(halfLife.nanoseconds)
        // The factor as a 62-bit fixed-point fraction, rounded up; exact for whole half-lives.
        let factor = Elementary.exp2(-halves) * 4_611_686_018_427_387_904.0
        let factor62 = Int128(factor.rounded(.up))
        return Int64((Int128(amountE6) * factor62).divided(by: Int128(1) << 62, .up))
    }
}
