/// Per-market parameters of the stepwise liquidation. Defaults are conservative and work.
public struct LiquidationParameters: Sendable, Codable, Hashable {
    /// Margin rate above MMR that a tranche aims to restore: after the tranche, equity net
    /// of its fee must be at least maintenance + bufferRate × remaining notional.
    public var bufferRate: Rate = Rate(ppm: 2_500)
    /// Liquidation fee charged on each tranche's notional, paid to the insurance fund.
    public var liquidationFeeRate: Rate = Rate(ppm: 1_000)
    /// Largest fraction of the position's size sold in one tranche (0 < x ≤ 1).
    public var maxStepFraction: Rate = Rate(ppm: 250_000)
    /// A position whose remaining notional after a tranche would fall below this is closed
    /// whole (no dust left behind).
    public var minTrancheNotional: Quote = Quote(e6: 100_000_000)
    /// Tranche limit price is no worse than mark × (1 ∓ priceBand).
    public var priceBand: Rate = Rate(ppm: 10_000)
    /// Minimum time between two tranches of one account.
    public var stepInterval: Duration = .seconds(2)
    /// Time the trader has to top up after a margin call before the first tranche.
    public var graceWindow: Duration = .seconds(10)
    /// Equity / maintenance below which the grace window is skipped and liquidation starts
    /// at once (e.g. 0.5: equity has fallen to half the maintenance requirement).
    public var hardFloorMarginRatio: Rate = Rate(ppm: 500_000)
    /// Consecutive tranches that fill nothing inside the band before the backstop (the
    /// insurance fund) takes the position over (if the scope is below
    /// `takeoverMarginRatio`); below the hard floor one empty attempt is enough.
    public var maxUnfilledAttempts: Int = 3
    /// Equity / maintenance below which the backstop may take a position the book cannot
    /// fill over, keeping the scope's remaining margin (up to the position's maintenance)
    /// as a clearance fee for the fund. Above it, a scope that the book cannot fill keeps
    /// retrying the book. 2/3: Hyperliquid's backstop threshold ("if the account equity
    /// drops below 2/3 of the maintenance margin ... the maintenance margin is not returned
    /// to the user"). In [0, 1].
    public var takeoverMarginRatio: Rate = Rate(ppm: 666_667)

    public init() {}

    /// Checks every field against `brackets` (the fee must be below the lowest MMR +
    /// buffer, or a tranche would worsen the margin it is meant to restore).
    public func validate(field: String, lowestMaintenanceRate: Rate) throws(ConfigurationError) {
        func fail(_ name: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(field: "\(field).\(name)", reason: reason)
        }
        if bufferRate.ppm < 0 || bufferRate.ppm >= Precision.rateScale { throw fail("bufferRate", "must be in [0, 1), got \(bufferRate)") }
        if liquidationFeeRate.ppm < 0 || liquidationFeeRate.ppm >= Precision.rateScale { throw fail("liquidationFeeRate", "must be in [0, 1), got \(liquidationFeeRate)") }
        if lowestMaintenanceRate.ppm + bufferRate.ppm <= liquidationFeeRate.ppm {
            throw fail("liquidationFeeRate", "must be below the lowest maintenance rate + bufferRate (\(Rate(ppm: lowestMaintenanceRate.ppm + bufferRate.ppm))), or every tranche would lower the margin ratio")
        }
        if maxStepFraction.ppm <= 0 || maxStepFraction.ppm > Precision.rateScale { throw fail("maxStepFraction", "must be in (0, 1], got \(maxStepFraction)") }
        if minTrancheNotional.e6 < 0 { throw fail("minTrancheNotional", "must not be negative") }
        if priceBand.ppm <= 0 || priceBand.ppm >= Precision.rateScale { throw fail("priceBand", "must be in (0, 1), got \(priceBand)") }
        if stepInterval.nanoseconds < 0 { throw fail("stepInterval", "must not be negative") }
        if graceWindow.nanoseconds < 0 { throw fail("graceWindow", "must not be negative") }
        if hardFloorMarginRatio.ppm < 0 || hardFloorMarginRatio.ppm > Precision.rateScale { throw fail("hardFloorMarginRatio", "must be in [0, 1], got \(hardFloorMarginRatio)") }
        if maxUnfilledAttempts < 1 { throw fail("maxUnfilledAttempts", "must be at least 1") }
        if takeoverMarginRatio.ppm < 0 || takeoverMarginRatio.ppm > Precision.rateScale { throw fail("takeoverMarginRatio", "must be in [0, 1], got \(takeoverMarginRatio)") }
    }
}

extension LiquidationParameters {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case bufferRate, liquidationFeeRate, maxStepFraction, minTrancheNotional, priceBand
        case stepInterval, graceWindow, hardFloorMarginRatio, maxUnfilledAttempts, takeoverMarginRatio
    }

    /// Every field is optional in JSON; missing ones take the documented defaults.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LiquidationParameters()
        bufferRate = try c.decode(.bufferRate, default: d.bufferRate)
        liquidationFeeRate = try c.decode(.liquidationFeeRate, default: d.liquidationFeeRate)
        maxStepFraction = try c.decode(.maxStepFraction, default: d.maxStepFraction)
        minTrancheNotional = try c.decode(.minTrancheNotional, default: d.minTrancheNotional)
        priceBand = try c.decode(.priceBand, default: d.priceBand)
        stepInterval = try c.decode(.stepInterval, default: d.stepInterval)
        graceWindow = try c.decode(.graceWindow, default: d.graceWindow)
        hardFloorMarginRatio = try c.decode(.hardFloorMarginRatio, default: d.hardFloorMarginRatio)
        maxUnfilledAttempts = try c.decode(.maxUnfilledAttempts, default: d.maxUnfilledAttempts)
        takeoverMarginRatio = try c.decode(.takeoverMarginRatio, default: d.takeoverMarginRatio)
    }
}
