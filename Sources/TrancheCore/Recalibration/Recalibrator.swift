/// Derives a market's price band, step fraction and breaker capacity from its current
/// volatility and the depth inside its band. Pure.
///
///     stress   = clamp((σ/σ_ref) / (depth/depth_ref), minStress, maxStress)
///     band     = clamp(baseBand × √stress,               minBand, maxBand)
///     step     = clamp(baseStepFraction / stress,        minStepFraction, maxStepFraction)
///     capacity = clamp(baseCapacity × depth/depth_ref,   minCapacity, maxCapacity)
///
/// Direction: more volatility or less depth raise the stress, which widens the band
/// (a tranche may reach further to find liquidity instead of going unfilled) and shrinks
/// the step (smaller slices, less impact per slice); less depth also lowers the capacity
/// (the breaker trips at a smaller liquidated volume). The square root makes the band
/// grow like a price move over a fixed horizon, which scales with σ.
///
/// Inputs that carry no information are read in the safe direction: zero depth, a
/// non-finite or negative volatility, or a NaN stress give the maximum stress (and zero
/// depth the minimum capacity).
///
/// Rounding: the band and the step round down to the ppm (a narrower band and a smaller
/// step are the cautious side); the capacity rounds down (the breaker trips sooner).
public struct Recalibrator: Sendable, Hashable {
    public let parameters: RecalibrationParameters

    public init(parameters: RecalibrationParameters = .init()) throws(ConfigurationError) {
        try parameters.validate()
        self.parameters = parameters
    }

    /// The stress ratio for `volatility` (relative, per √second) and `depthInBand`.
    public func stress(volatility: Double, depthInBand: Quote) -> Double {
        let p = parameters
        guard volatility.isFinite, volatility >= 0, depthInBand.isPositive else { return p.maxStress }
        let volatilityRatio = volatility / p.referenceVolatility
        let depthRatio = Double(depthInBand.e6) / Double(p.referenceDepth.e6)
        let raw = volatilityRatio / depthRatio
        if raw.isNaN { return p.maxStress }
        return min(max(raw, p.minStress), p.maxStress)
    }

    /// The thresholds for `volatility` (relative, per √second, e.g.
    /// `EWMAVolatility.volatility`) and the quote notional inside the current band.
    public func calibrate(volatility: Double, depthInBand: Quote) -> CalibratedThresholds {
        let p = parameters
        let s = stress(volatility: volatility, depthInBand: depthInBand)
        let band = Self.ppm(Double(p.baseBand.ppm) * s.squareRoot(), min: p.minBand, max: p.maxBand)
        let step = Self.ppm(Double(p.baseStepFraction.ppm) / s, min: p.minStepFraction, max: p.maxStepFraction)
        // baseCapacity × depth / depth_ref in 128 bits, rounded down; then clamped.
        let depth = Int128(max(depthInBand.e6, 0))
        let raw = (Int128(p.baseCapacity.e6) * depth).divided(by: Int128(p.referenceDepth.e6), .down)
        let capacity = min(max(raw, Int128(p.minCapacity.e6)), Int128(p.maxCapacity.e6))
        return CalibratedThresholds(priceBand: band, maxStepFraction: step, breakerCapacity: Quote(e6: Int64(capacity)), stress: s)
    }

    /// A ppm value rounded down and clamped; NaN takes the lower bound.
    private static func ppm(_ value: Double, min lo: Rate, max hi: Rate) -> Rate {
        guard !value.isNaN else { return lo }
        let v = value.rounded(.down)
        if v <= Double(lo.ppm) { return lo }
        if v >= Double(hi.ppm) { return hi }
        return Rate(ppm: Int64(v))
    }
}
