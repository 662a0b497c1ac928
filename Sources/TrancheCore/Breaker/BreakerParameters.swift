/// Per-market settings of the cascade circuit breaker. Defaults work as is.
///
/// Two measures are watched: the liquidated notional in a rolling window, as a share of
/// `capacity`, and the price velocity, the largest |Δmark| / mark from any mark in the
/// velocity window to the newest. Reaching a trip threshold escalates at once (NORMAL can
/// jump straight to HALTED); stepping down goes one level at a time, only after
/// `coolDown` at the level and only when both measures are below that level's release
/// thresholds, which lie below the trip thresholds (hysteresis). See
/// docs/breaker-and-recalibration.md.
public struct BreakerParameters: Sendable, Hashable, Codable {
    /// Liquidated notional per `window` that counts as 100 % of the market's capacity.
    /// Recalibration changes it at run time (`CascadeBreaker.setCapacity`). Positive.
    public var capacity: Quote = Quote(e6: 5_000_000_000_000)
    /// Length of the rolling window of liquidated notional. Positive.
    public var window: Duration = .seconds(60)
    /// Share of capacity at which the market is THROTTLED. In (0, haltShare].
    public var throttleShare: Rate = Rate(ppm: 500_000)
    /// Share of capacity at which the market is HALTED.
    public var haltShare: Rate = Rate(ppm: 1_000_000)
    /// THROTTLED steps down to NORMAL only below this share. In [0, throttleShare).
    public var throttleReleaseShare: Rate = Rate(ppm: 250_000)
    /// HALTED steps down to THROTTLED only below this share. In
    /// [throttleReleaseShare, haltShare).
    public var haltReleaseShare: Rate = Rate(ppm: 750_000)
    /// Length of the window over which the price velocity is measured. Positive.
    public var velocityWindow: Duration = .seconds(10)
    /// |Δmark| / mark at which the market is THROTTLED. In (0, haltMove].
    public var throttleMove: Rate = Rate(ppm: 10_000)
    /// |Δmark| / mark at which the market is HALTED.
    public var haltMove: Rate = Rate(ppm: 30_000)
    /// THROTTLED steps down only below this move. In [0, throttleMove).
    public var throttleReleaseMove: Rate = Rate(ppm: 5_000)
    /// HALTED steps down only below this move. In [throttleReleaseMove, haltMove).
    public var haltReleaseMove: Rate = Rate(ppm: 20_000)
    /// Minimum time at a level before stepping DOWN one level (escalation is immediate).
    /// Not negative.
    public var coolDown: Duration = .seconds(30)
    /// Multiplier of the step fraction while THROTTLED. In (0, 1].
    public var throttledStepScale: Rate = Rate(ppm: 500_000)
    /// Multiplier of the interval between tranches while THROTTLED. At least 1.
    public var throttledIntervalScale: Rate = Rate(ppm: 2_000_000)

    public init() {}

    /// Multiplier of the step fraction at `level` (1 normal, `throttledStepScale`
    /// throttled, 0 halted: no tranche is sent).
    public func stepScale(at level: BreakerLevel) -> Rate {
        switch level {
        case .normal: return .one
        case .throttled: return throttledStepScale
        case .halted: return .zero
        }
    }

    /// Multiplier of the tranche interval at `level` (1 unless throttled; a halted market
    /// sends nothing, so its interval does not matter and stays 1).
    public func intervalScale(at level: BreakerLevel) -> Rate {
        level == .throttled ? throttledIntervalScale : .one
    }

    /// Checks every field. `field` prefixes error paths.
    public func validate(field: String = "breaker") throws(ConfigurationError) {
        func fail(_ name: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(field: "\(field).\(name)", reason: reason)
        }
        if !capacity.isPositive { throw fail("capacity", "must be positive, got \(capacity)") }
        if window.nanoseconds <= 0 { throw fail("window", "must be positive, got \(window)") }
        if throttleShare.ppm <= 0 { throw fail("throttleShare", "must be positive, got \(throttleShare)") }
        if haltShare < throttleShare { throw fail("haltShare", "must be at least throttleShare (\(throttleShare)), got \(haltShare)") }
        if throttleReleaseShare.ppm < 0 || throttleReleaseShare >= throttleShare {
            throw fail("throttleReleaseShare", "must be in [0, throttleShare = \(throttleShare)), got \(throttleReleaseShare); a release at or above the trip would flap")
        }
        if haltReleaseShare < throttleReleaseShare || haltReleaseShare >= haltShare {
            throw fail("haltReleaseShare", "must be in [throttleReleaseShare = \(throttleReleaseShare), haltShare = \(haltShare)), got \(haltReleaseShare)")
        }
        if velocityWindow.nanoseconds <= 0 { throw fail("velocityWindow", "must be positive, got \(velocityWindow)") }
        if throttleMove.ppm <= 0 { throw fail("throttleMove", "must be positive, got \(throttleMove)") }
        if haltMove < throttleMove { throw fail("haltMove", "must be at least throttleMove (\(throttleMove)), got \(haltMove)") }
        if throttleReleaseMove.ppm < 0 || throttleReleaseMove >= throttleMove {
            throw fail("throttleReleaseMove", "must be in [0, throttleMove = \(throttleMove)), got \(throttleReleaseMove); a release at or above the trip would flap")
        }
        if haltReleaseMove < throttleReleaseMove || haltReleaseMove >= haltMove {
            throw fail("haltReleaseMove", "must be in [throttleReleaseMove = \(throttleReleaseMove), haltMove = \(haltMove)), got \(haltReleaseMove)")
        }
        if coolDown.nanoseconds < 0 { throw fail("coolDown", "must not be negative, got \(coolDown)") }
        if throttledStepScale.ppm <= 0 || throttledStepScale > .one {
            throw fail("throttledStepScale", "must be in (0, 1], got \(throttledStepScale)")
        }
        if throttledIntervalScale < .one { throw fail("throttledIntervalScale", "must be at least 1, got \(throttledIntervalScale)") }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case capacity, window, throttleShare, haltShare, throttleReleaseShare, haltReleaseShare
        case velocityWindow, throttleMove, haltMove, throttleReleaseMove, haltReleaseMove
        case coolDown, throttledStepScale, throttledIntervalScale
    }

    /// Every field is optional in JSON; missing ones take the defaults above.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BreakerParameters()
        capacity = try c.decode(.capacity, default: d.capacity)
        window = try c.decode(.window, default: d.window)
        throttleShare = try c.decode(.throttleShare, default: d.throttleShare)
        haltShare = try c.decode(.haltShare, default: d.haltShare)
        throttleReleaseShare = try c.decode(.throttleReleaseShare, default: d.throttleReleaseShare)
        haltReleaseShare = try c.decode(.haltReleaseShare, default: d.haltReleaseShare)
        velocityWindow = try c.decode(.velocityWindow, default: d.velocityWindow)
        throttleMove = try c.decode(.throttleMove, default: d.throttleMove)
        haltMove = try c.decode(.haltMove, default: d.haltMove)
        throttleReleaseMove = try c.decode(.throttleReleaseMove, default: d.throttleReleaseMove)
        haltReleaseMove = try c.decode(.haltReleaseMove, default: d.haltReleaseMove)
        coolDown = try c.decode(.coolDown, default: d.coolDown)
        throttledStepScale = try c.decode(.throttledStepScale, default: d.throttledStepScale)
        throttledIntervalScale = try c.decode(.throttledIntervalScale, default: d.throttledIntervalScale)
    }
}
