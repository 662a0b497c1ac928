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
    /// Marks projected to the end of the grace window along the recent trend and moved by
    /// the cluster's queued liquidation flow (nil: neither known; `Worker.projectedMarks`).
    /// A scope that would fall below the hard floor there gets no grace: waiting would only
    /// let a falling market, or the queue's own selling, take it toward bankruptcy.
    public var projectedMarks: [MarketID: Price]?
    /// What the market's cluster-wide liquidation budget says of this scope's tranche.
    public var budget: BudgetAdmission

    public init(breaker: BreakerLevel = .normal, intervalScale: Rate = .one, adjustments: PlanAdjustments = .none, projectedMarks: [MarketID: Price]? = nil,
                budget: BudgetAdmission = .admitted) {
        self.breaker = breaker
        self.intervalScale = intervalScale
        self.adjustments = adjustments
        self.projectedMarks = projectedMarks
        self.budget = budget
    }

    public static let normal = LiquidationControls()
}

/// The budget's word on one scope's tranche.
public enum BudgetAdmission: Sendable, Equatable {
    /// No budget in force, or the tranche is under the cutoff: it may go.
    case admitted
    /// The tranche fell due after the worker's last demand report: it waits for the next
    /// budget (at most a report and a budget interval), which will know it.
    case notYetReported
    /// The budget was spent on worse scopes: it waits, and a scope below its hard floor and
    /// takeover threshold goes to the backstop instead.
    case excluded
}
