/// A market's liquidation thresholds after recalibration.
public struct CalibratedThresholds: Sendable, Hashable {
    /// Tranche limit price is no worse than mark × (1 ∓ priceBand).
    public var priceBand: Rate
    /// Largest fraction of a position sold in one tranche.
    public var maxStepFraction: Rate
    /// Liquidated notional per breaker window that counts as 100 %.
    public var breakerCapacity: Quote
    /// The clamped stress ratio the values were derived from (1 = reference conditions).
    public var stress: Double

    public init(priceBand: Rate, maxStepFraction: Rate, breakerCapacity: Quote, stress: Double) {
        self.priceBand = priceBand
        self.maxStepFraction = maxStepFraction
        self.breakerCapacity = breakerCapacity
        self.stress = stress
    }
}
