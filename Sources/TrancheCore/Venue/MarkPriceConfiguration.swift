/// How `MarkPriceEstimator` turns the exogenous index and the venue's book mid into the
/// mark price that margins are computed at. Defaults work as is.
public struct MarkPriceConfiguration: Sendable, Hashable, Codable {
    /// Half-life of the time-weighted EWMA of the basis (book mid − index). A mid pushed
    /// by one order for a short time moves the average by about
    /// push × duration × ln 2 / halfLife. Positive.
    public var basisHalfLife: Duration = .seconds(60)
    /// Largest distance of the mark from the index, as a fraction of the index: the
    /// averaged basis is clamped to ±index × maxDeviation. In [0, 1).
    public var maxDeviation: Rate = Rate(ppm: 5_000)

    public init() {}

    public init(basisHalfLife: Duration, maxDeviation: Rate) {
        self.basisHalfLife = basisHalfLife
        self.maxDeviation = maxDeviation
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case basisHalfLife, maxDeviation }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = MarkPriceConfiguration()
        basisHalfLife = try c.decode(.basisHalfLife, default: d.basisHalfLife)
        maxDeviation = try c.decode(.maxDeviation, default: d.maxDeviation)
    }

    /// Checks every field. `field` prefixes error paths.
    public func validate(field: String = "markPrice") throws(ConfigurationError) {
        if basisHalfLife.nanoseconds <= 0 {
            throw ConfigurationError(field: "\(field).basisHalfLife", reason: "must be positive, got \(basisHalfLife)")
        }
        if maxDeviation.ppm < 0 || maxDeviation.ppm >= Precision.rateScale {
            throw ConfigurationError(field: "\(field).maxDeviation", reason: "must be in [0, 1), got \(maxDeviation)")
        }
    }
}
