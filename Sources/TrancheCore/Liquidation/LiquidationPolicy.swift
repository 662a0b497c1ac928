/// A way of liquidating a scope that is below maintenance. The stepwise policy is the
/// product; all-or-nothing is the baseline every comparison uses. Both run behind the
/// same state machine (`ScopeLiquidation`).
public protocol LiquidationPolicy: Sendable {
    /// Name used in reports ("stepwise", "all-or-nothing").
    var name: String { get }
    /// Whether a margin call waits for the market's grace window before the first tranche.
    var usesGraceWindow: Bool { get }
    /// Whether tranches wait for the market's step interval between them.
    var usesStepInterval: Bool { get }
    /// Wait after an attempt that filled nothing, from when it was sent; nil: a quarter
    /// of the (breaker-scaled) step interval.
    func retryAfterEmpty(_ parameters: LiquidationParameters) -> Duration?
    /// The next tranche for `scope`, or nil when the scope needs none (equity at or above
    /// its target, or no positions).
    func nextTranche(account: Account, scope: MarginScope, context: MarginContext, adjustments: PlanAdjustments) throws(MarginError) -> TranchePlan?
    /// The notional (at the marks) the policy expects to send to the books to finish the
    /// liquidation of `scope` as things stand, per position of the scope. The workers
    /// report the sum (`LiquidationDemand`) and project the move the cluster's queued flow
    /// will cause (`Worker.queuedFlowMove`). An estimate, never a balance.
    func expectedFlow(account: Account, scope: MarginScope, context: MarginContext) -> [(position: Position, notional: Quote)]
}

/// Which policy a run uses (configuration and CLI form).
public enum PolicyKind: String, Sendable, Codable, CaseIterable {
    case stepwise
    case allOrNothing = "all-or-nothing"

    public var policy: any LiquidationPolicy {
        switch self {
        case .stepwise: return StepwisePolicy()
        case .allOrNothing: return AllOrNothingPolicy()
        }
    }
}

extension LiquidationPolicy {
    /// Every position whole (all-or-nothing), rounded up.
    public func expectedFlow(account: Account, scope: MarginScope, context: MarginContext) -> [(position: Position, notional: Quote)] {
        Self.wholePositions(account.positions(in: scope), context)
    }

    static func wholePositions(_ positions: [Position], _ ctx: MarginContext) -> [(position: Position, notional: Quote)] {
        positions.compactMap { p in
            guard let mark = ctx.marks[p.market], let n = try? p.size.notional(at: mark, .up) else { return nil }
            return (p, n)
        }
    }

    /// Limit price no worse than mark × (1 ∓ band): a sell limit rounds UP to the tick and
    /// a buy limit rounds DOWN, so the band is never exceeded.
    static func bandLimit(orderSide: Side, mark: Price, band: Rate, tick: Price) throws(ArithmeticError) -> Price {
        if orderSide == .short {
            let raw = try mark.scaled(byOnePlus: Rate(ppm: -band.ppm), .up)
            return max(try raw.rounded(toTick: tick, .up), tick)
        } else {
            return try mark.scaled(byOnePlus: band, .down).rounded(toTick: tick, .down)
        }
    }
}
