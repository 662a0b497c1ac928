/// The baseline, as exchanges run it (Binance: "all liquidation orders are Immediate or
/// Cancel orders ... one large Immediate or Cancel order"): as soon as a scope is below
/// maintenance, each position is closed whole with an IOC at its bankruptcy price, with
/// no grace window. An attempt that fills nothing is retried after the step interval;
/// the rest goes to the backstop with the remaining margin as a clearance fee (the shared
/// takeover rule). A bankrupt scope (bankruptcy price beyond the mark) is closed inside
/// the band with the fund or ADL behind it, like stepwise.
public struct AllOrNothingPolicy: LiquidationPolicy {
    public init() {}
    public var name: String { "all-or-nothing" }
    public var usesGraceWindow: Bool { false }
    public var usesStepInterval: Bool { false }
    /// Exchanges space their retries: the whole step interval.
    public func retryAfterEmpty(_ parameters: LiquidationParameters) -> Duration? { parameters.stepInterval }

    public func nextTranche(account: Account, scope: MarginScope, context ctx: MarginContext, adjustments: PlanAdjustments) throws(MarginError) -> TranchePlan? {
        let positions = account.positions(in: scope)
        if positions.isEmpty { return nil }
        let metrics = try MarginCalculator.scopeMetrics(account, scope, ctx)
        // Once started, all-or-nothing finishes: it keeps closing while positions remain,
        // so the caller asks only for liquidatable or liquidating scopes.
        let first = try StepwisePolicy.liquidationOrder(positions, ctx)[0]
        let spec = try ctx.market(first.market)
        let mark = try ctx.mark(first.market)
        let orderSide = first.side.opposite
        let absSize = try arith { () throws(ArithmeticError) in try first.size.magnitude() }
        let bankruptcy = try arith { () throws(ArithmeticError) in try MarginCalculator.bankruptcyPrice(of: first, scopeEquity: metrics.equity, mark: mark) }
        let band = adjustments.priceBand ?? spec.liquidation.priceBand
        var limit = try arith { () throws(ArithmeticError) in try Self.bandLimit(orderSide: orderSide, mark: mark, band: band, tick: spec.tickSize) }
        if metrics.equity.isPositive, let b = bankruptcy {
            // IOC at the bankruptcy price, on the tick grid toward the mark (never past it).
            limit = try arith { () throws(ArithmeticError) in try b.rounded(toTick: spec.tickSize, orderSide == .short ? .up : .down) }
        }
        let fee = try arith { () throws(ArithmeticError) in try absSize.notional(at: mark, .up).times(spec.liquidation.liquidationFeeRate, .up) }
        return TranchePlan(scope: scope, market: first.market, orderSide: orderSide, size: absSize, limitPrice: limit,
                           markPrice: mark, reason: metrics.equity.isPositive ? .allOrNothing : .bankrupt,
                           estimatedFee: fee, estimatedRemainingTranches: positions.count, restoresTarget: false)
    }
}
