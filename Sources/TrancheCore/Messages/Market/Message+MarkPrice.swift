extension Message {
    /// The mark price of a market, used for every margin computation.
    public struct MarkPrice: Sendable, Equatable {
        public var market: MarketID
        public var price: Price
        /// Increases with every mark of this market; stale marks are ignored.
        public var sequence: UInt64
        public var at: Instant

        public init(market: MarketID, price: Price, sequence: UInt64, at: Instant) {
            self.market = market
            self.price = price
            self.sequence = sequence
            self.at = at
        }
    }
}
