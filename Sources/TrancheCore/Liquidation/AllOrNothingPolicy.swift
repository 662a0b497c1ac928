/// The baseline: as soon as a scope is below maintenance, every position is closed whole
/// at once, with no grace window and no interval. Limit price: the bankruptcy price when
/// it lies beyond the mark (the usual exchange liquidation order), else the price band.
public struct AllOrNothingPolicy: LiquidationPolicy {
    public init() {}
    public var name: String { "all-or-nothing" }
    public var usesGraceWindow: Bool { false }
    public var usesStepInterval: Bool { false }

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
        if let b = bankruptcy, (orderSide == .short && b < mark) || (orderSide == .long && b > mark) { limit = b }
        let fee = try arith { () throws(ArithmeticError) in try absSize.notional(at: mark, .up).times(spec.liquidation.liquidationFeeRate, .up) }
        return TranchePlan(scope: scope, market: first.market, orderSide: orderSide, size: absSize, limitPrice: limit,
                           markPrice: mark, reason: metrics.equity.isPositive ? .allOrNothing : .bankrupt,
                           estimatedFee: fee, estimatedRemainingTranches: positions.count, restoresTarget: false)
    }
}
