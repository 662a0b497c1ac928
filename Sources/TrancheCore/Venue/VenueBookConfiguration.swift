/// Shape and behaviour of one market's simulated book: the default execution venue of
/// the cluster and of the simulator. Defaults describe a liquid market and work as is.
///
/// JSON (every field optional):
/// ```json
/// {"halfSpread": "0.0005", "tickSize": "0.01", "resilienceHalfLife": "30",
///  "depth": {"levelCount": 20, "spacing": "0.001", "notionalPerLevel": "250000", "growth": "0.1"}}
/// ```
public struct VenueBookConfiguration: Sendable, Hashable, Codable {
    /// Distance of the touch from the fair price, as a fraction: no level sits closer.
    /// The generated profile starts its first level here. In [0, 1).
    public var halfSpread: Rate = Rate(ppm: 500)
    /// Resting liquidity per side, relative to the fair price.
    public var depth: DepthProfile = .generated(GeneratedDepth())
    /// Time in which depth consumed by our own fills half recovers (exponential
    /// resilience, Obizhaeva–Wang): the book's impact decays toward the fair price.
    /// Positive.
    public var resilienceHalfLife: Duration = .seconds(30)
    /// Price grid: bid levels round down to it, ask levels up (the book never quotes a
    /// better price than its profile). Positive.
    public var tickSize: Price = Price(e8: 1_000_000)
    /// Share of an execution's peak impact (its move along the continuous profile) that stays in
    /// the fair price for good (Almgren–Chriss permanent impact); the rest is transient and
    /// recovers with `resilienceHalfLife`. 2/3: Farmer, Gerig, Lillo & Waelbroeck (2013),
    /// "permanent impact relaxing to about two thirds of peak impact". In [0, 1); 0 turns
    /// permanent impact off (fills never move the price).
    public var permanentImpactShare: Rate = Rate(ppm: 666_667)
    /// Depth thins as realised volatility rises: the profile is scaled by
    /// (referenceVolatility / σ)^depthVolatilityElasticity, between `minimumDepthShare`
    /// and 1, where σ is the EWMA realised volatility of the fair price (per √second).
    /// 0.3 halves the depth at 10 × the reference volatility, the order of the falls Kaiko
    /// measured in crashes (BTC 2 % depth −25 % to −57 % in Nov 2022, 1 % depth halved in
    /// two hours). 0 turns thinning off. In [0, 4].
    public var depthVolatilityElasticity: Double = 0.3
    /// Volatility (per √second of log-price) at and below which the full profile rests.
    /// 1.5e-4 ≈ 84 % a year. Positive.
    public var referenceVolatility: Double = 1.5e-4
    /// Least share of the profile that stays, however high volatility goes. In (0, 1].
    public var minimumDepthShare: Rate = Rate(ppm: 250_000)
    /// Half-life of the realised-volatility average that drives thinning: depth comes back
    /// as the market calms. Positive.
    public var volatilityHalfLife: Duration = .seconds(60)

    public init() {}

    public init(halfSpread: Rate, depth: DepthProfile, resilienceHalfLife: Duration, tickSize: Price) {
        self.halfSpread = halfSpread
        self.depth = depth
        self.resilienceHalfLife = resilienceHalfLife
        self.tickSize = tickSize
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case halfSpread, depth, resilienceHalfLife, tickSize
        case permanentImpactShare, depthVolatilityElasticity, referenceVolatility, minimumDepthShare, volatilityHalfLife
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = VenueBookConfiguration()
        halfSpread = try c.decode(.halfSpread, default: d.halfSpread)
        depth = try c.decode(.depth, default: d.depth)
        resilienceHalfLife = try c.decode(.resilienceHalfLife, default: d.resilienceHalfLife)
        tickSize = try c.decode(.tickSize, default: d.tickSize)
        permanentImpactShare = try c.decode(.permanentImpactShare, default: d.permanentImpactShare)
        depthVolatilityElasticity = try c.decode(.depthVolatilityElasticity, default: d.depthVolatilityElasticity)
        referenceVolatility = try c.decode(.referenceVolatility, default: d.referenceVolatility)
        minimumDepthShare = try c.decode(.minimumDepthShare, default: d.minimumDepthShare)
        volatilityHalfLife = try c.decode(.volatilityHalfLife, default: d.volatilityHalfLife)
    }

    /// Checks every field. `field` prefixes error paths.
    public func validate(field: String = "venue") throws(ConfigurationError) {
        _ = try resolvedLevels(field: field)
    }

    /// The validated levels of both sides, innermost first.
    public func resolvedLevels(field: String = "venue") throws(ConfigurationError) -> (bids: [DepthLevel], asks: [DepthLevel]) {
        if halfSpread.ppm < 0 || halfSpread.ppm >= Precision.rateScale {
            throw ConfigurationError(field: "\(field).halfSpread", reason: "must be in [0, 1), got \(halfSpread)")
        }
        if resilienceHalfLife.nanoseconds <= 0 {
            throw ConfigurationError(field: "\(field).resilienceHalfLife", reason: "must be positive, got \(resilienceHalfLife)")
        }
        if tickSize.e8 <= 0 {
            throw ConfigurationError(field: "\(field).tickSize", reason: "must be positive, got \(tickSize)")
        }
        if permanentImpactShare.ppm < 0 || permanentImpactShare.ppm >= Precision.rateScale {
            throw ConfigurationError(field: "\(field).permanentImpactShare", reason: "must be in [0, 1), got \(permanentImpactShare)")
        }
        if !(0...4).contains(depthVolatilityElasticity) {
            throw ConfigurationError(field: "\(field).depthVolatilityElasticity", reason: "must be in [0, 4], got \(depthVolatilityElasticity)")
        }
        if !(referenceVolatility > 0 && referenceVolatility.isFinite) {
            throw ConfigurationError(field: "\(field).referenceVolatility", reason: "must be positive, got \(referenceVolatility)")
        }
        if minimumDepthShare.ppm <= 0 || minimumDepthShare.ppm > Precision.rateScale {
            throw ConfigurationError(field: "\(field).minimumDepthShare", reason: "must be in (0, 1], got \(minimumDepthShare)")
        }
        if volatilityHalfLife.nanoseconds <= 0 {
            throw ConfigurationError(field: "\(field).volatilityHalfLife", reason: "must be positive, got \(volatilityHalfLife)")
        }
        return try depth.resolve(halfSpread: halfSpread, field: "\(field).depth")
    }
}
