extension Message {
    /// Reduces a position by a positive size at a given price.
    public struct ReducePosition: Sendable, Equatable {
        public var account: AccountID
        public var market: MarketID
        public var size: Size
        public var price: Price

        public init(account: AccountID, market: MarketID, size: Size, price: Price) {
            self.account = account
            self.market = market
            self.size = size
            self.price = price
        }
    }
}
