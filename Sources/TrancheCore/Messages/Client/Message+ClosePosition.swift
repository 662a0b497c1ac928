extension Message {
    /// Closes a whole position.
    public struct ClosePosition: Sendable, Equatable {
        public var account: AccountID
        public var market: MarketID
        /// `nil` closes at the current mark (0 on the wire).
        public var price: Price?

        public init(account: AccountID, market: MarketID, price: Price? = nil) {
            self.account = account
            self.market = market
            self.price = price
        }
    }
}
