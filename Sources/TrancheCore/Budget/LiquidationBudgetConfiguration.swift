/// Settings of the aggregator's cluster-wide liquidation budget (docs/simulation.md,
/// "The liquidation budget"). Every field is optional in JSON; defaults are the
/// calibrated values.
public struct LiquidationBudgetConfiguration: Sendable, Codable, Equatable {
    /// Off: no budget is published and workers send tranches as their own rules allow.
    public var enabled: Bool = true
    /// Interval of budgets (and of the workers' demand reports).
    public var interval: Duration = .milliseconds(500)
    /// Half-life in which consumed depth comes back, used to turn the depth measured in the
    /// band into a replenishment rate r = ln 2 / halfLife. 20 s: Large (2007), "if it does
    /// replenish, it does so with a fairly fast half life of around 20 s".
    public var resilienceHalfLife: Duration = .seconds(20)
    /// Least rate ever granted, as a share of the band's replenishment rate (r × depth):
    /// flow the book absorbs while staying at least half full. In (0, 1].
    public var sustainableShare: Rate = Rate(ppm: 500_000)
    /// Most granted in one second, as a share of the depth in the band: however urgent,
    /// the cluster never sends more than this into the book per second. In (0, 1].
    public var maxBandSharePerSecond: Rate = Rate(ppm: 250_000)
    /// Almgren–Chriss risk aversion λ, 1 / quote (10^-6: Almgren & Chriss (2000)'s
    /// example). Higher liquidates faster in volatile markets.
    public var riskAversion: Double = 1e-6
    /// Window over which the mark's trend (drift) is measured.
    public var trendWindow: Duration = .seconds(30)
    /// Half-life of the aggregator's volatility estimate of the mark.
    public var volatilityHalfLife: Duration = .seconds(60)
    /// A worker's demand older than this many intervals is dropped (worker gone).
    public var demandExpiryIntervals: Int = 4
    /// Which Almgren–Chriss trajectory sets the rate (`PaceHorizon`). `infinite`, the
    /// default, sells faster while a trend lasts: over 10 seeds it had the lower bad debt on
    /// the five real paths (by 1–19 %). `finite`, the optimum for a backlog that ends, had
    /// 14–25 % less slippage on the falling paths and 3 % less bad debt on `crash`
    /// (docs/results.md, docs/simulation.md).
    public var paceHorizon: PaceHorizon = .infinite

    public init() {}

    public func validate(field: String = "budget") throws(ConfigurationError) {
        func fail(_ name: String, _ reason: String) -> ConfigurationError { ConfigurationError(field: "\(field).\(name)", reason: reason) }
        if interval.nanoseconds <= 0 { throw fail("interval", "must be positive") }
        if resilienceHalfLife.nanoseconds <= 0 { throw fail("resilienceHalfLife", "must be positive") }
        if sustainableShare.ppm <= 0 || sustainableShare.ppm > Precision.rateScale { throw fail("sustainableShare", "must be in (0, 1], got \(sustainableShare)") }
        if maxBandSharePerSecond.ppm <= 0 || maxBandSharePerSecond.ppm > Precision.rateScale { throw fail("maxBandSharePerSecond", "must be in (0, 1], got \(maxBandSharePerSecond)") }
        if !(riskAversion >= 0 && riskAversion.isFinite) { throw fail("riskAversion", "must be a finite number ≥ 0, got \(riskAversion)") }
        if trendWindow.nanoseconds <= 0 { throw fail("trendWindow", "must be positive") }
        if volatilityHalfLife.nanoseconds <= 0 { throw fail("volatilityHalfLife", "must be positive") }
        if demandExpiryIntervals < 1 { throw fail("demandExpiryIntervals", "must be at least 1") }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, interval, resilienceHalfLife, sustainableShare, maxBandSharePerSecond, riskAversion, trendWindow, volatilityHalfLife, demandExpiryIntervals
        case paceHorizon
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LiquidationBudgetConfiguration()
        enabled = try c.decode(.enabled, default: d.enabled)
        interval = try c.decode(.interval, default: d.interval)
        resilienceHalfLife = try c.decode(.resilienceHalfLife, default: d.resilienceHalfLife)
        sustainableShare = try c.decode(.sustainableShare, default: d.sustainableShare)
        maxBandSharePerSecond = try c.decode(.maxBandSharePerSecond, default: d.maxBandSharePerSecond)
        riskAversion = try c.decode(.riskAversion, default: d.riskAversion)
        trendWindow = try c.decode(.trendWindow, default: d.trendWindow)
        volatilityHalfLife = try c.decode(.volatilityHalfLife, default: d.volatilityHalfLife)
        demandExpiryIntervals = try c.decode(.demandExpiryIntervals, default: d.demandExpiryIntervals)
        paceHorizon = try c.decode(.paceHorizon, default: d.paceHorizon)
    }
}
