/// The product's policy: reduce a scope below maintenance in tranches, each the smallest
/// that restores the target, capped by a step fraction, inside a price band.
///
/// Target after a tranche of q at mark m (all in the scope):
///   E − fee(q·m) ≥ T_others + target(N − q·m),  target(N) = maintenance(N) + buffer × N
/// E (equity) does not change when a position is reduced at the mark (its PnL is already
/// in E); only the fee leaves. Solved in closed form per bracket, walking brackets down as
/// the notional falls, then verified exactly in integers (see docs/tranche-planner.md).
///
/// Limit price: the band around the mark, but never past the position's bankruptcy price
/// while the scope is solvent (a fill there would create a deficit).
///
/// Below `hardFloorMarginRatio` the step cap is lifted: the smallest restoring size goes at
/// once (inside the band), because stepping there risks bankruptcy more than impact.
///
/// No tranche is below `minTrancheNotional` at the mark unless it closes the position, and
/// a rest below it is closed with the tranche (no dust tails).
///
/// Several positions in a cross scope: the position with the highest relief per unit of
/// notional sold (MMR of its current bracket + buffer − fee rate) goes first, ties by
/// larger notional then by symbol. Selling where each unit frees the most requirement
/// minimises the total notional pushed into the books, which is what causes cascades.
public struct StepwisePolicy: LiquidationPolicy {
    public init() {}
    public var name: String { "stepwise" }
    public var usesGraceWindow: Bool { true }
    public var usesStepInterval: Bool { true }
    /// An empty tranche had no impact to let recover: a quarter of the interval.
    public func retryAfterEmpty(_ parameters: LiquidationParameters) -> Duration? { nil }

    public func nextTranche(account: Account, scope: MarginScope, context ctx: MarginContext, adjustments: PlanAdjustments) throws(MarginError) -> TranchePlan? {
        let positions = account.positions(in: scope)
        if positions.isEmpty { return nil }
        // The target rises by the adverse move projected over the grace window (the trend
        // and the cluster's queued liquidation flow): restore enough to stay
        // restored until the scope could act again. Applied to the specs read here (the
        // context is not copied: maintenance and equity do not depend on the buffer).
        let boost = adjustments.trendBuffer.ppm
        func spec(_ market: MarketID) throws(MarginError) -> MarketSpec { try Self.boosted(ctx.market(market), by: boost) }
        let metrics = try MarginCalculator.scopeMetrics(account, scope, ctx)
        let ordered = try Self.liquidationOrder(positions, ctx, bufferBoost: boost)

        // Targets of every position at its mark.
        var targets: [MarketID: Quote] = [:]
        var totalTarget = Quote.zero
        for p in positions {
            let spec = try spec(p.market)
            let mark = try ctx.mark(p.market)
            let t = try arith { () throws(ArithmeticError) in try spec.liquidationTarget(notional: p.size.notional(at: mark, .up)) }
            targets[p.market] = t
            totalTarget = try arith { () throws(ArithmeticError) in try totalTarget + t }
        }
        if metrics.equity >= totalTarget { return nil }

        let first = ordered[0]
        let spec = try spec(first.market)
        let mark = try ctx.mark(first.market)
        let params = spec.liquidation
        let band = adjustments.priceBand ?? params.priceBand
        let orderSide = first.side.opposite
        let absSize = try arith { () throws(ArithmeticError) in try first.size.magnitude() }
        var limit = try arith { () throws(ArithmeticError) in try Self.bandLimit(orderSide: orderSide, mark: mark, band: band, tick: spec.tickSize) }
        // A solvent scope never sells below (buys above) its bankruptcy price: a fill there
        // would create a deficit the fund pays. If the book has nothing better, the tranche
        // fills nothing and the backstop takes over at the mark, which is still solvent.
        if metrics.equity.isPositive {
            if let bk = try arith({ () throws(ArithmeticError) in try MarginCalculator.bankruptcyPrice(of: first, scopeEquity: metrics.equity, mark: mark) }) {
                let bkOnTick = try arith { () throws(ArithmeticError) in try bk.rounded(toTick: spec.tickSize, orderSide == .short ? .up : .down) }
                limit = orderSide == .short ? max(limit, bkOnTick) : min(limit, bkOnTick)
            }
        }

        func plan(_ size: Size, _ reason: TrancheReason, remaining: Int, restores: Bool) throws(MarginError) -> TranchePlan {
            let fee = try arith { () throws(ArithmeticError) in try size.notional(at: mark, .up).times(params.liquidationFeeRate, .up) }
            return TranchePlan(scope: scope, market: first.market, orderSide: orderSide, size: size, limitPrice: limit,
                               markPrice: mark, reason: reason, estimatedFee: fee,
                               estimatedRemainingTranches: max(remaining, 1), restoresTarget: restores)
        }

        if !metrics.equity.isPositive {
            return try plan(absSize, .bankrupt, remaining: ordered.count, restores: false)
        }

        let othersTarget = try arith { () throws(ArithmeticError) in try totalTarget - targets[first.market]! }
        let solver = TrancheSolver(spec: spec, mark: mark, absSize: absSize, equity: metrics.equity, othersTarget: othersTarget)
        var needed = try arith { () throws(ArithmeticError) in try solver.smallestRestoringSize() }
        // Planned at the expected fill, not the mark: selling q walks the book, and what it
        // fills below the mark comes out of equity. Re-solved with that loss (a few rounds;
        // the size only grows, and stays within the position).
        if let book = adjustments.book, book.depthInBand.isPositive, book.band.ppm > 0 {
            for _ in 0..<3 {
                guard let q = needed else { break }
                let loss = Self.expectedFillLoss(size: q, mark: mark, side: orderSide, book: book)
                guard loss.isPositive, let reduced = try? arith({ () throws(ArithmeticError) in try metrics.equity - loss }) else { break }
                let s2 = TrancheSolver(spec: spec, mark: mark, absSize: absSize, equity: reduced, othersTarget: othersTarget)
                let next = try arith { () throws(ArithmeticError) in try s2.smallestRestoringSize() }
                if next == needed { break }
                needed = next
                if next == nil { break }
            }
        }

        // Step cap: a fraction of the current position, scaled by the breaker, at least one
        // step. Below the hard floor stepping has become the risk (the scope is closer to
        // bankruptcy than the buffer protects): the cap is lifted and what is needed goes at
        // once, still inside the band.
        let belowFloor = metrics.isBelow(hardFloor: params.hardFloorMarginRatio)
        let fraction = belowFloor ? Rate.one : try arith { () throws(ArithmeticError) in
            Rate(ppm: try Checked.mulDiv((adjustments.maxStepFraction ?? params.maxStepFraction).ppm, adjustments.stepScale.ppm, Precision.rateScale, .down))
        }
        let cap = try arith { () throws(ArithmeticError) in
            max(try absSize.times(fraction, .down).rounded(toStep: spec.stepSize, .down), min(spec.stepSize, absSize))
        }
        let exhausted = needed == nil
        let want = needed ?? absSize
        var size = min(want, cap)
        // Never a dust tranche: at least `minTrancheNotional` at the mark (rounded up to the
        // step), unless that is the whole position (then it is the final close).
        let minimum = try arith { () throws(ArithmeticError) in
            try Size(e8: Checked.narrow(Checked.divide(Int128(params.minTrancheNotional.e6) * Precision.notionalDivisor, Int128(mark.e8), .up))).rounded(toStep: spec.stepSize, .up)
        }
        size = min(max(size, minimum), absSize)
        var reason: TrancheReason = exhausted ? .positionExhausted : .restoreMargin
        let rest = try arith { () throws(ArithmeticError) in try absSize - size }
        if rest.isZero == false {
            let restNotional = try arith { () throws(ArithmeticError) in try rest.notional(at: mark, .down) }
            if restNotional < params.minTrancheNotional { size = absSize; reason = .closeRemainder }
        }
        // Tranches for this position at the cap, plus one per later position if exhausted.
        let perPosition = Int((want.e8 + cap.e8 - 1) / cap.e8)
        let remaining = reason == .closeRemainder ? 1 : perPosition + (exhausted ? ordered.count - 1 : 0)
        return try plan(size, reason, remaining: remaining, restores: !exhausted && size >= want)
    }

    /// What restores the target (maintenance + buffer, net of the fee) at the marks: with
    /// N the scope's notional, M its maintenance, E its equity and each position's buffer
    /// b and fee f, selling x of notional spread over the positions by notional frees
    /// x·(M/N + b̄ − f̄) of requirement net of the fee (b̄, f̄ the notional-weighted rates),
    /// so x = (M + Σ b·N_p − E) / (M/N + b̄ − f̄), rounded up, at most N, shared by notional.
    /// A bankrupt scope closes whole. Brackets are held at the current rate and the fill
    /// at the mark: an estimate of the flow, not the plan (`nextTranche` solves exactly).
    public func expectedFlow(account: Account, scope: MarginScope, context ctx: MarginContext) -> [(position: Position, notional: Quote)] {
        let whole = Self.wholePositions(account.positions(in: scope), ctx)
        guard let metrics = try? MarginCalculator.scopeMetrics(account, scope, ctx), metrics.equity.isPositive else { return whole }
        var notional = Int128(0), target = Int128(metrics.maintenance.e6) * Int128(Precision.rateScale), relief = target
        for (p, n) in whole {
            guard let spec = ctx.markets[p.market] else { return whole }
            let l = spec.liquidation
            notional += Int128(n.e6)
            target += Int128(n.e6) * Int128(l.bufferRate.ppm)
            relief += Int128(n.e6) * Int128(l.bufferRate.ppm - l.liquidationFeeRate.ppm)
        }
        // In quote e6 × ppm: target − E is the shortfall, relief / N the rate each sold unit frees.
        let shortfall = target - Int128(metrics.equity.e6) * Int128(Precision.rateScale)
        guard notional > 0, relief > 0 else { return whole }
        guard shortfall > 0 else { return whole.map { ($0.position, .zero) } }
        let x = min((shortfall * notional + relief - 1) / relief, notional)
        return whole.map { (p, n) in (p, Quote(e6: Int64((x * Int128(n.e6) + notional - 1) / notional))) }
    }

    /// What filling `size` costs against the mark on a book whose side has its best price at
    /// `best` and `depthInBand` resting over the band: the touch's distance from the mark,
    /// plus half the band times the share of the band's depth the order takes (a book even
    /// over the band), on the order's notional; rounded up (a requirement). Doubles: an
    /// estimate for planning, never a balance.
    static func expectedFillLoss(size: Size, mark: Price, side: Side, book: PlanAdjustments.BookAtHand) -> Quote {
        let m = Double(mark.e8), b = Double(book.best.e8)
        guard m > 0 else { return .zero }
        let notional = Double(size.e8) / 1e8 * m / 1e8
        let touch = max(side == .short ? (m - b) / m : (b - m) / m, 0)
        let walk = min(notional / (Double(book.depthInBand.e6) / 1e6), 1) * book.band.doubleValue / 2
        let loss = notional * (touch + walk)
        guard loss.isFinite, loss > 0 else { return .zero }
        return Quote(e6: Int64(min((loss * 1e6).rounded(.up), Double(Int64.max / 4))))
    }

    /// A spec whose buffer is raised by `boost` ppm (at most to one half).
    static func boosted(_ spec: MarketSpec, by boost: Int64) -> MarketSpec {
        guard boost > 0 else { return spec }
        var s = spec
        s.liquidation.bufferRate = Rate(ppm: min(s.liquidation.bufferRate.ppm + boost, Precision.rateScale / 2))
        return s
    }

    /// The order in which a scope's positions are reduced (see the type's documentation),
    /// with every buffer raised by `bufferBoost` ppm.
    public static func liquidationOrder(_ positions: [Position], _ ctx: MarginContext, bufferBoost: Int64 = 0) throws(MarginError) -> [Position] {
        var keyed: [(relief: Int64, notional: Quote, p: Position)] = []
        for p in positions {
            let spec = boosted(try ctx.market(p.market), by: bufferBoost)
            let mark = try ctx.mark(p.market)
            let n = try arith { () throws(ArithmeticError) in try p.size.notional(at: mark, .up) }
            let b = spec.bracket(forNotional: n)
            let relief = b.maintenanceMarginRate.ppm + spec.liquidation.bufferRate.ppm - spec.liquidation.liquidationFeeRate.ppm
            keyed.append((relief, n, p))
        }
        keyed.sort { a, b in
            if a.relief != b.relief { return a.relief > b.relief }
            if a.notional != b.notional { return a.notional > b.notional }
            return a.p.market < b.p.market
        }
        return keyed.map(\.p)
    }
}
