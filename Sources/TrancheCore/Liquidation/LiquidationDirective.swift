/// What the liquidation state machine asks its shell to do. Shells switch over every case
/// with no `default:`.
public enum LiquidationDirective: Sendable, Equatable {
    /// The scope fell below maintenance; the trader has until `deadline` to top up.
    case marginCall(scope: MarginScope, deadline: Instant)
    /// Evaluate the scope again at this time (grace deadline, next step).
    case wake(at: Instant)
    /// Send this tranche to the venue; answer with `onFill` when it returns.
    case sendTranche(id: TrancheID, plan: TranchePlan)
    /// Equity is back at or above target (or above maintenance during the grace window).
    case restored(scope: MarginScope)
    /// Liquidation is due but the market's breaker is HALTED: wait for it to change.
    case halted(scope: MarginScope, market: MarketID)
    /// A tranche is due but the market's cluster-wide liquidation budget is spent: the
    /// owner evaluates the scope again when the next grant arrives.
    case awaitBudget(scope: MarginScope, market: MarketID)
    /// The book cannot take what the scope must sell (empty fills below the takeover
    /// threshold, a spent budget or a halted breaker below the hard floor): the backstop
    /// takes `size` of `market`'s position over at the model price: the tranche the book
    /// could not take (a stepwise tranche restores the scope; all-or-nothing's is the whole
    /// position); nil: the whole position.
    case takeover(scope: MarginScope, market: MarketID, size: Size?)
    /// Every position of the scope is closed. `deficit` is positive when the scope closed
    /// below zero (bankrupt): the fund, then ADL, must cover it.
    case finished(scope: MarginScope, phase: LiquidationPhase, deficit: Quote)
}

/// Breaker and recalibration inputs for one evaluation.
public struct LiquidationControls: Sendable, Equatable {
    public var breaker: BreakerLevel
    /// Multiplies the step interval when THROTTLED (1.0 = unchanged).
    public var intervalScale: Rate
    /// Step-size and band adjustments passed to the policy.
    public var adjustments: PlanAdjustments
    /// Marks projected to the end of the grace window along the recent trend (nil: no
    /// trend known). A scope that would fall below the hard floor there gets no grace:
    /// waiting would only let a falling market take it toward bankruptcy.
    public var projectedMarks: [MarketID: Price]?
    /// The market's cluster-wide liquidation budget granted to this worker is spent: no
    /// tranche may go to the book until the next grant.
    public var budgetExhausted: Bool

    public init(breaker: BreakerLevel = .normal, intervalScale: Rate = .one, adjustments: PlanAdjustments = .none, projectedMarks: [MarketID: Price]? = nil,
                budgetExhausted: Bool = false) {
        self.breaker = breaker
        self.intervalScale = intervalScale
        self.adjustments = adjustments
        self.projectedMarks = projectedMarks
        self.budgetExhausted = budgetExhausted
    }

    public static let normal = LiquidationControls()
}
