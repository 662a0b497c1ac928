/// A change of a market's breaker level: what the aggregator publishes as BreakerState.
public struct BreakerTransition: Sendable, Hashable {
    public var market: MarketID
    public var from: BreakerLevel
    public var to: BreakerLevel
    public var reason: BreakerReason
    /// The breaker's sequence after this transition (increases by one per transition).
    public var sequence: UInt64
    public var at: Instant
    /// The measures the decision was taken on.
    public var measures: BreakerMeasures

    public init(market: MarketID, from: BreakerLevel, to: BreakerLevel, reason: BreakerReason, sequence: UInt64,
                at: Instant, measures: BreakerMeasures) {
        self.market = market
        self.from = from
        self.to = to
        self.reason = reason
        self.sequence = sequence
        self.at = at
        self.measures = measures
    }
}
