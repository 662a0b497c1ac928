/// Exponentially weighted volatility of a market's mark, from log returns over
/// irregular time steps, normalised per √second (RiskMetrics-style, in continuous time).
///
/// On each mark p at time t after the previous (p₀, t₀), with Δt = t − t₀ seconds:
///
///     r = ln(p / p₀),   w = 2^(−Δt / halfLife)
///     v ← w·v + (1 − w)·r²/Δt
///
/// v is the variance per second, σ = √v the relative volatility per √second (multiply
/// by the price for σ in price units, as Almgren–Chriss wants it). Since E[r²] = σ²Δt
/// for a constant-variance process, each sample r²/Δt is an unbiased estimate of σ²
/// whatever Δt, and w gives older samples less weight by elapsed time, not by count.
/// The first return initialises v unless an initial volatility was given. A mark at
/// the same instant as the previous one (Δt ≤ 0) only replaces the previous price.
/// Doubles: a statistic, not a balance.
public struct EWMAVolatility: Sendable, Hashable {
    /// Time in which a sample's weight halves.
    public let halfLife: Duration
    /// Variance per second of log returns; `nil` before the first return (and without an
    /// initial volatility).
    public private(set) var variancePerSecond: Double?
    public private(set) var lastPrice: Price?
    public private(set) var lastTime: Instant?
    /// Number of returns folded in.
    public private(set) var returns: Int = 0

    /// - Parameters:
    ///   - halfLife: positive.
    ///   - initialVolatility: a prior σ per √second (≥ 0), used until returns replace it.
    public init(halfLife: Duration, initialVolatility: Double? = nil) throws(ConfigurationError) {
        guard halfLife.nanoseconds > 0 else {
            throw ConfigurationError(field: "halfLife", reason: "must be positive, got \(halfLife)")
        }
        if let v = initialVolatility, !(v >= 0 && v.isFinite) {
            throw ConfigurationError(field: "initialVolatility", reason: "must be a finite number ≥ 0, got \(v)")
        }
        self.halfLife = halfLife
        self.variancePerSecond = initialVolatility.map { $0 * $0 }
    }

    /// The RiskMetrics form: weight `lambda` (in (0, 1)) kept per `interval`, e.g. 0.94
    /// per day. Equivalent to a half-life of interval × ln 2 / (−ln λ).
    public init(lambda: Double, per interval: Duration, initialVolatility: Double? = nil) throws(ConfigurationError) {
        guard lambda > 0 && lambda < 1 else {
            throw ConfigurationError(field: "lambda", reason: "must be in (0, 1), got \(lambda)")
        }
        guard interval.nanoseconds > 0 else {
            throw ConfigurationError(field: "interval", reason: "must be positive, got \(interval)")
        }
        let ns = (Double(interval.nanoseconds) * Elementary.ln2 / -Elementary.log(lambda)).rounded()
        guard ns >= 1 && ns < 9.2e18 else {
            throw ConfigurationError(field: "lambda", reason: "gives a half-life out of range (\(ns) ns)")
        }
        try self.init(halfLife: Duration(nanoseconds: Int64(ns)), initialVolatility: initialVolatility)
    }

    /// σ per √second of relative (log) returns; `nil` before any estimate.
    public var volatility: Double? { variancePerSecond.map { $0.squareRoot() } }

    /// σ in price units per √second at the latest price (σ_rel × price), for
    /// Almgren–Chriss.
    public var priceVolatility: Double? {
        guard let v = volatility, let p = lastPrice else { return nil }
        return v * Double(p.e8) / Double(Precision.priceScale)
    }

    /// Folds in the mark `price` observed at `now`. Non-positive prices are ignored.
    public mutating func update(price: Price, now: Instant) {
        guard price.e8 > 0 else { return }
        defer { lastPrice = price }
        guard let p0 = lastPrice, let t0 = lastTime else { lastTime = now; return }
        let elapsed = now.nanoseconds &- t0.nanoseconds
        guard elapsed > 0 else { return }
        lastTime = now
        let dt = Double(elapsed) / 1e9
        let r = Elementary.log(Double(price.e8) / Double(p0.e8))
        let sample = r * r / dt
        returns += 1
        guard let v = variancePerSecond else { variancePerSecond = sample; return }
        // 1 − w through expm1, exact for steps much shorter than the half-life.
        let newWeight = -Elementary.expm1(-Double(elapsed) / Double(halfLife.nanoseconds) * Elementary.ln2)
        variancePerSecond = v + newWeight * (sample - v)
    }
}
