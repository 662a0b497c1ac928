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

    public init() {}

    public init(halfSpread: Rate, depth: DepthProfile, resilienceHalfLife: Duration, tickSize: Price) {
        self.halfSpread = halfSpread
        self.depth = depth
        self.resilienceHalfLife = resilienceHalfLife
        self.tickSize = tickSize
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case halfSpread, depth, resilienceHalfLife, tickSize }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = VenueBookConfiguration()
        halfSpread = try c.decode(.halfSpread, default: d.halfSpread)
        depth = try c.decode(.depth, default: d.depth)
        resilienceHalfLife = try c.decode(.resilienceHalfLife, default: d.resilienceHalfLife)
        tickSize = try c.decode(.tickSize, default: d.tickSize)
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
        return try depth.resolve(halfSpread: halfSpread, field: "\(field).depth")
    }
}
