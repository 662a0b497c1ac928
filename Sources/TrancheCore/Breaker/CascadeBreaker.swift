/// A market's cascade circuit breaker: a pure state machine over liquidation volume
/// and mark velocity. Every event is a method taking `now:` and returning the level
/// changes it caused; nothing here reads a clock.
///
/// Escalation (on any event): the target level is HALTED if the volume share reached
/// `haltShare` or the move reached `haltMove`, else THROTTLED if either reached its
/// throttle threshold, else NORMAL. A target above the current level is taken at once,
/// possibly NORMAL → HALTED in one transition, with the reason of the measure that
/// reached the target's threshold (volume first when both did).
///
/// De-escalation: one level per evaluation, only when `coolDown` has passed since the
/// last transition and both measures are below the current level's release thresholds
/// (HALTED: `haltReleaseShare`, `haltReleaseMove`; THROTTLED: `throttleReleaseShare`,
/// `throttleReleaseMove`); reason `.recovered`. The release thresholds lie below the trip
/// thresholds, so a measure oscillating around a trip threshold does not flap.
///
/// A `now` earlier than the latest seen is taken as the latest.
public struct CascadeBreaker: Sendable, Hashable {
    public let market: MarketID
    public private(set) var parameters: BreakerParameters
    public private(set) var level: BreakerLevel = .normal
    /// Number of transitions so far; each transition carries the value after it.
    public private(set) var sequence: UInt64 = 0
    /// Time of the last transition (or of creation).
    public private(set) var since: Instant
    /// Reason of the last transition (`.initial` before any).
    public private(set) var reason: BreakerReason = .initial
    /// Latest time seen.
    public private(set) var clock: Instant

    private var volume: RollingNotional
    private var marks: RollingExtremes

    public init(market: MarketID, parameters: BreakerParameters = .init(), now: Instant) throws(ConfigurationError) {
        try parameters.validate(field: "breaker[\(market)]")
        self.market = market
        self.parameters = parameters
        self.since = now
        self.clock = now
        self.volume = RollingNotional(window: parameters.window)
        self.marks = RollingExtremes(window: parameters.velocityWindow)
    }

    /// What survives a restart of its process: the level, why, since when, and the
    /// transition count (the measures' windows start empty again).
    public struct Snapshot: Sendable, Equatable, Codable {
        public var market: MarketID
        public var level: BreakerLevel
        public var reason: BreakerReason
        public var sequence: UInt64
        public var since: Instant
        public init(market: MarketID, level: BreakerLevel, reason: BreakerReason, sequence: UInt64, since: Instant) {
            self.market = market
            self.level = level
            self.reason = reason
            self.sequence = sequence
            self.since = since
        }
    }

    public var snapshot: Snapshot { Snapshot(market: market, level: level, reason: reason, sequence: sequence, since: since) }

    /// Resumes at a stored state: a HALTED market stays halted after a restart until its
    /// measures, gathered afresh, release it (after the cool-down, one level at a time).
    public mutating func restore(_ s: Snapshot) {
        guard s.market == market else { return }
        level = s.level
        reason = s.reason
        sequence = max(sequence, s.sequence)
        since = s.since
    }

    // MARK: Events

    /// Records notional liquidated in this market (the notional of a fill), then evaluates.
    @discardableResult
    public mutating func recordLiquidation(notional: Quote, now: Instant) -> [BreakerTransition] {
        tick(now)
        volume.add(notional, at: clock)
        return evaluate(now: clock)
    }

    /// Records a mark price, then evaluates.
    @discardableResult
    public mutating func recordMark(_ price: Price, now: Instant) -> [BreakerTransition] {
        tick(now)
        if price.e8 > 0 { marks.add(price, at: clock) }
        return evaluate(now: clock)
    }

    /// Expires old events and applies the escalation and de-escalation rules. Call it
    /// periodically as well, or a quiet market never steps down.
    @discardableResult
    public mutating func evaluate(now: Instant) -> [BreakerTransition] {
        tick(now)
        volume.expire(now: clock)
        marks.expire(now: clock)
        let m = currentMeasures()
        let p = parameters
        let volumeHalts = m.volumeShare >= p.haltShare, moveHalts = m.priceMove >= p.haltMove
        let volumeThrottles = m.volumeShare >= p.throttleShare, moveThrottles = m.priceMove >= p.throttleMove
        let target: BreakerLevel = volumeHalts || moveHalts ? .halted : volumeThrottles || moveThrottles ? .throttled : .normal
        if target > level {
            let byVolume = target == .halted ? volumeHalts : volumeThrottles
            return [transition(to: target, reason: byVolume ? .liquidationVolume : .priceVelocity, measures: m)]
        }
        if level > .normal, clock - since >= p.coolDown {
            let (shareRelease, moveRelease) = level == .halted
                ? (p.haltReleaseShare, p.haltReleaseMove)
                : (p.throttleReleaseShare, p.throttleReleaseMove)
            if m.volumeShare < shareRelease && m.priceMove < moveRelease {
                return [transition(to: level == .halted ? .throttled : .normal, reason: .recovered, measures: m)]
            }
        }
        return []
    }

    /// Replaces the capacity (recalibration), then evaluates: a lower capacity can trip
    /// the breaker at once.
    @discardableResult
    public mutating func setCapacity(_ capacity: Quote, now: Instant) throws(ConfigurationError) -> [BreakerTransition] {
        var p = parameters
        p.capacity = capacity
        try p.validate(field: "breaker[\(market)]")
        parameters = p
        return evaluate(now: now)
    }

    /// Sets the level by hand (`.manual`) or by a fail-safe (`.controlSilent`), ignoring
    /// thresholds and cool-down. No transition when the level is already `level`.
    @discardableResult
    public mutating func force(_ level: BreakerLevel, reason: BreakerReason, now: Instant) -> [BreakerTransition] {
        tick(now)
        volume.expire(now: clock)
        marks.expire(now: clock)
        guard level != self.level else { return [] }
        return [transition(to: level, reason: reason, measures: currentMeasures())]
    }

    // MARK: Queries

    /// The measures as they stand at `now`, without changing the breaker.
    public func measures(now: Instant) -> BreakerMeasures {
        var copy = self
        copy.tick(now)
        copy.volume.expire(now: copy.clock)
        copy.marks.expire(now: copy.clock)
        return copy.currentMeasures()
    }

    /// Multiplier of the step fraction at the current level.
    public var stepScale: Rate { parameters.stepScale(at: level) }
    /// Multiplier of the tranche interval at the current level.
    public var intervalScale: Rate { parameters.intervalScale(at: level) }

    // MARK: Internals

    private mutating func tick(_ now: Instant) { if now > clock { clock = now } }

    private func currentMeasures() -> BreakerMeasures {
        let total = volume.totalE6
        // Rounded up: the share is never understated. Capacity is validated positive.
        let share = (Int128(total) * Int128(Precision.rateScale)).divided(by: Int128(parameters.capacity.e6), .up)
        return BreakerMeasures(liquidatedNotional: Quote(e6: total), capacity: parameters.capacity,
                               volumeShare: Rate(ppm: Int64(clamping: share)), priceMove: marks.move(now: clock))
    }

    private mutating func transition(to new: BreakerLevel, reason: BreakerReason, measures: BreakerMeasures) -> BreakerTransition {
        sequence += 1
        let t = BreakerTransition(market: market, from: level, to: new, reason: reason, sequence: sequence, at: clock, measures: measures)
        level = new
        since = clock
        self.reason = reason
        return t
    }
}
