extension Message {
    /// A market's breaker, published by the aggregator on every change.
    public struct BreakerState: Sendable, Equatable {
        public var market: MarketID
        public var level: BreakerLevel
        public var reason: BreakerReason
        /// Increases with every change of this market's breaker; stale states are ignored.
        public var sequence: UInt64
        /// Multiplier applied to the step fraction (`Rate.one` = unchanged).
        public var stepScale: Rate
        /// Multiplier applied to the tranche interval (`Rate.one` = unchanged).
        public var intervalScale: Rate
        public var since: Instant
        /// Recalibrated price band for tranche limit prices; `nil` = the market's own
        /// (0 on the wire).
        public var priceBand: Rate?
        /// Recalibrated largest fraction of a position sold in one tranche; `nil` = the
        /// market's own (0 on the wire).
        public var maxStepFraction: Rate?

        public init(
            market: MarketID, level: BreakerLevel, reason: BreakerReason, sequence: UInt64,
            stepScale: Rate, intervalScale: Rate, since: Instant, priceBand: Rate? = nil, maxStepFraction: Rate? = nil
        ) {
            self.market = market
            self.level = level
            self.reason = reason
            self.sequence = sequence
            self.stepScale = stepScale
            self.intervalScale = intervalScale
            self.since = since
            self.priceBand = priceBand
            self.maxStepFraction = maxStepFraction
        }
    }
}
