/// Why a tranche has the size it has.
public enum TrancheReason: String, Sendable, Codable, Hashable {
    /// The smallest reduction that brings the scope back to its target (maintenance +
    /// buffer, net of the fee), possibly capped by the step size.
    case restoreMargin
    /// Closing the rest because what would remain is below `minTrancheNotional`.
    case closeRemainder
    /// This position alone cannot restore the target: it is reduced as far as allowed and
    /// the next position of the scope follows in the next tranche.
    case positionExhausted
    /// Scope equity is at or below zero: every position is closed whole.
    case bankrupt
    /// The all-or-nothing baseline closes everything at once.
    case allOrNothing
}

/// One tranche the planner asks to execute: reduce `size` of the position in `market`
/// with a limit price no worse than `limitPrice`.
public struct TranchePlan: Sendable, Equatable {
    public var scope: MarginScope
    public var market: MarketID
    /// Side of the ORDER: `.short` sells (reduces a long), `.long` buys (reduces a short).
    public var orderSide: Side
    /// Positive size, a multiple of the market's step, at most the position's size.
    public var size: Size
    public var limitPrice: Price
    /// Mark price the plan was computed at.
    public var markPrice: Price
    public var reason: TrancheReason
    /// Liquidation fee the tranche would pay if filled at the mark (rounded up).
    public var estimatedFee: Quote
    /// Tranches still expected for this scope including this one, if marks stay put.
    public var estimatedRemainingTranches: Int
    /// True when the tranche, filled at the mark, restores the target on its own.
    public var restoresTarget: Bool
}

/// Per-call adjustments from the cascade breaker and from recalibration.
public struct PlanAdjustments: Sendable, Equatable {
    /// Multiplies the market's `maxStepFraction` (1.0 = unchanged; THROTTLED scales down).
    public var stepScale: Rate
    /// Replaces the market's `maxStepFraction` (recalibration), before `stepScale`.
    public var maxStepFraction: Rate?
    /// Replaces the market's `priceBand` (recalibration).
    public var priceBand: Rate?

    /// Added to the markets' `bufferRate` for this plan: the adverse move projected over
    /// the grace window (the recent trend and the cluster's queued liquidation flow), so a
    /// restored scope stays restored until it could act again (0 without an adverse move).
    public var trendBuffer: Rate
    /// The book as last summarised for the market, to plan at the expected fill instead
    /// of the mark (nil: plan at the mark).
    public var book: BookAtHand?

    /// The side of the book a tranche would hit: its best price and the notional resting
    /// within `band` of the fair price.
    public struct BookAtHand: Sendable, Equatable {
        public var best: Price
        public var depthInBand: Quote
        public var band: Rate
        public init(best: Price, depthInBand: Quote, band: Rate) {
            self.best = best
            self.depthInBand = depthInBand
            self.band = band
        }
    }

    public init(stepScale: Rate = .one, maxStepFraction: Rate? = nil, priceBand: Rate? = nil, trendBuffer: Rate = .zero, book: BookAtHand? = nil) {
        self.stepScale = stepScale
        self.maxStepFraction = maxStepFraction
        self.priceBand = priceBand
        self.trendBuffer = trendBuffer
        self.book = book
    }

    public static let none = PlanAdjustments()
}
