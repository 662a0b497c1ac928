/// The short form of a depth profile: equally spaced levels whose notional grows
/// geometrically away from the fair price, the same on both sides.
///
/// Level k (from 0) sits at offset halfSpread + k × spacing and holds
/// notionalPerLevel × (1 + growth)^k, each factor rounded down (a profile never
/// promises more liquidity than written).
public struct GeneratedDepth: Sendable, Hashable, Codable {
    /// Number of levels per side (1 to 10 000).
    public var levelCount: Int = 20
    /// Distance between two neighbouring levels, as a fraction of the fair price.
    public var spacing: Rate = Rate(ppm: 1_000)
    /// Quote notional of the innermost level.
    public var notionalPerLevel: Quote = Quote(e6: 250_000_000_000)
    /// Growth of the notional from one level to the next outward (0 = flat, 0.1 = +10 %
    /// per level; at most 10).
    public var growth: Rate = Rate(ppm: 100_000)

    public init() {}

    public init(levelCount: Int, spacing: Rate, notionalPerLevel: Quote, growth: Rate = .zero) {
        self.levelCount = levelCount
        self.spacing = spacing
        self.notionalPerLevel = notionalPerLevel
        self.growth = growth
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case levelCount, spacing, notionalPerLevel, growth }

    /// Every field is optional in JSON; missing ones take the defaults above.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GeneratedDepth()
        levelCount = try c.decode(.levelCount, default: d.levelCount)
        spacing = try c.decode(.spacing, default: d.spacing)
        notionalPerLevel = try c.decode(.notionalPerLevel, default: d.notionalPerLevel)
        growth = try c.decode(.growth, default: d.growth)
    }

    /// The levels of one side, innermost first.
    public func levels(halfSpread: Rate, field: String) throws(ConfigurationError) -> [DepthLevel] {
        func fail(_ name: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(field: "\(field).\(name)", reason: reason)
        }
        guard (1...10_000).contains(levelCount) else { throw fail("levelCount", "must be in 1...10000, got \(levelCount)") }
        guard spacing.ppm > 0 else { throw fail("spacing", "must be positive, got \(spacing)") }
        guard notionalPerLevel.isPositive else { throw fail("notionalPerLevel", "must be positive, got \(notionalPerLevel)") }
        guard (0...10 * Precision.rateScale).contains(growth.ppm) else { throw fail("growth", "must be in [0, 10], got \(growth)") }
        var result: [DepthLevel] = []
        result.reserveCapacity(levelCount)
        var notional = notionalPerLevel
        for k in 0..<levelCount {
            let offset = halfSpread.ppm + Int64(k) * spacing.ppm
            guard offset < Precision.rateScale else {
                throw fail("spacing", "level \(k) would sit \(Rate(ppm: offset)) from the fair price; bids need offsets below 1 (use fewer levels or a smaller spacing)")
            }
            result.append(DepthLevel(offset: Rate(ppm: offset), notional: notional))
            do {
                // Rounded down: the profile never holds more than the growth gives.
                notional = try notional + notional.times(growth, .down)
            } catch {
                throw fail("growth", "notional of level \(k + 1) overflows: \(error)")
            }
        }
        return result
    }
}
