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
