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

        public init(
            market: MarketID, level: BreakerLevel, reason: BreakerReason, sequence: UInt64,
            stepScale: Rate, intervalScale: Rate, since: Instant
        ) {
            self.market = market
            self.level = level
            self.reason = reason
            self.sequence = sequence
            self.stepScale = stepScale
            self.intervalScale = intervalScale
            self.since = since
        }
    }
}
