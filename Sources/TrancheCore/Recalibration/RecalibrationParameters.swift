/// How a market's liquidation thresholds follow its volatility and depth. Defaults work
/// as is; see docs/breaker-and-recalibration.md for the formulas.
public struct RecalibrationParameters: Sendable, Hashable, Codable {
    /// σ_ref: the volatility (relative, per √second) at which the base values apply.
    /// Positive. 0.0001/√s is about 1.7 % a day.
    public var referenceVolatility: Double = 0.000_1
    /// depth_ref: the quote notional inside the price band at which the base values
    /// apply. Positive.
    public var referenceDepth: Quote = Quote(e6: 2_000_000_000_000)
    /// Half-life of the EWMA volatility estimate. Positive.
    public var volatilityHalfLife: Duration = .seconds(300)
    /// Price band at stress 1. In [minBand, maxBand].
    public var baseBand: Rate = Rate(ppm: 10_000)
    /// Narrowest band. Positive.
    public var minBand: Rate = Rate(ppm: 2_500)
    /// Widest band. Below 1.
    public var maxBand: Rate = Rate(ppm: 50_000)
    /// Largest step fraction of a tranche at stress 1. In [minStepFraction, maxStepFraction].
    public var baseStepFraction: Rate = Rate(ppm: 250_000)
    /// Smallest step fraction. Positive.
    public var minStepFraction: Rate = Rate(ppm: 20_000)
    /// Largest step fraction. At most 1.
    public var maxStepFraction: Rate = Rate(ppm: 500_000)
    /// Breaker capacity at the reference depth. In [minCapacity, maxCapacity].
    public var baseCapacity: Quote = Quote(e6: 5_000_000_000_000)
    /// Smallest breaker capacity. Positive.
    public var minCapacity: Quote = Quote(e6: 500_000_000_000)
    /// Largest breaker capacity.
    public var maxCapacity: Quote = Quote(e6: 50_000_000_000_000)
    /// Lower clamp of the stress ratio. In (0, 1].
    public var minStress: Double = 0.1
    /// Upper clamp of the stress ratio. At least 1, finite.
    public var maxStress: Double = 10

    public init() {}

    /// Checks every field. `field` prefixes error paths.
    public func validate(field: String = "recalibration") throws(ConfigurationError) {
        func fail(_ name: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(field: "\(field).\(name)", reason: reason)
        }
        if !(referenceVolatility > 0 && referenceVolatility.isFinite) {
            throw fail("referenceVolatility", "must be a positive finite number, got \(referenceVolatility)")
        }
        if !referenceDepth.isPositive { throw fail("referenceDepth", "must be positive, got \(referenceDepth)") }
        if volatilityHalfLife.nanoseconds <= 0 { throw fail("volatilityHalfLife", "must be positive, got \(volatilityHalfLife)") }
        if minBand.ppm <= 0 { throw fail("minBand", "must be positive, got \(minBand)") }
        if maxBand >= .one { throw fail("maxBand", "must be below 1, got \(maxBand)") }
        if minBand > maxBand { throw fail("minBand", "must not exceed maxBand (\(maxBand)), got \(minBand)") }
        if baseBand < minBand || baseBand > maxBand { throw fail("baseBand", "must be in [minBand, maxBand] = [\(minBand), \(maxBand)], got \(baseBand)") }
        if minStepFraction.ppm <= 0 { throw fail("minStepFraction", "must be positive, got \(minStepFraction)") }
        if maxStepFraction > .one { throw fail("maxStepFraction", "must be at most 1, got \(maxStepFraction)") }
        if minStepFraction > maxStepFraction { throw fail("minStepFraction", "must not exceed maxStepFraction (\(maxStepFraction)), got \(minStepFraction)") }
        if baseStepFraction < minStepFraction || baseStepFraction > maxStepFraction {
            throw fail("baseStepFraction", "must be in [minStepFraction, maxStepFraction] = [\(minStepFraction), \(maxStepFraction)], got \(baseStepFraction)")
        }
        if !minCapacity.isPositive { throw fail("minCapacity", "must be positive, got \(minCapacity)") }
        if minCapacity > maxCapacity { throw fail("minCapacity", "must not exceed maxCapacity (\(maxCapacity)), got \(minCapacity)") }
        if baseCapacity < minCapacity || baseCapacity > maxCapacity {
            throw fail("baseCapacity", "must be in [minCapacity, maxCapacity] = [\(minCapacity), \(maxCapacity)], got \(baseCapacity)")
        }
        if !(minStress > 0 && minStress <= 1) { throw fail("minStress", "must be in (0, 1], got \(minStress)") }
        if !(maxStress >= 1 && maxStress.isFinite) { throw fail("maxStress", "must be a finite number ≥ 1, got \(maxStress)") }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case referenceVolatility, referenceDepth, volatilityHalfLife
        case baseBand, minBand, maxBand, baseStepFraction, minStepFraction, maxStepFraction
        case baseCapacity, minCapacity, maxCapacity, minStress, maxStress
    }

    /// Every field is optional in JSON; missing ones take the defaults above.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RecalibrationParameters()
        referenceVolatility = try c.decode(.referenceVolatility, default: d.referenceVolatility)
        referenceDepth = try c.decode(.referenceDepth, default: d.referenceDepth)
        volatilityHalfLife = try c.decode(.volatilityHalfLife, default: d.volatilityHalfLife)
        baseBand = try c.decode(.baseBand, default: d.baseBand)
        minBand = try c.decode(.minBand, default: d.minBand)
        maxBand = try c.decode(.maxBand, default: d.maxBand)
        baseStepFraction = try c.decode(.baseStepFraction, default: d.baseStepFraction)
        minStepFraction = try c.decode(.minStepFraction, default: d.minStepFraction)
        maxStepFraction = try c.decode(.maxStepFraction, default: d.maxStepFraction)
        baseCapacity = try c.decode(.baseCapacity, default: d.baseCapacity)
        minCapacity = try c.decode(.minCapacity, default: d.minCapacity)
        maxCapacity = try c.decode(.maxCapacity, default: d.maxCapacity)
        minStress = try c.decode(.minStress, default: d.minStress)
        maxStress = try c.decode(.maxStress, default: d.maxStress)
    }
}
