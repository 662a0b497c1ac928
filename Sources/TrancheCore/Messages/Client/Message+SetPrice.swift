extension Message {
    /// Operator command: sets the mark price of a market (tests and demos).
    public struct SetPrice: Sendable, Equatable {
        public var market: MarketID
        public var price: Price

        public init(market: MarketID, price: Price) {
            self.market = market
            self.price = price
        }
    }
}
