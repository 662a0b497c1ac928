extension Message {
    /// Opens or adds to a position: a market order filled at the mark, `entryPrice` its
    /// limit (zero: none). With `importAt` (operator only), booked at `entryPrice` as given.
    public struct SubmitPosition: Sendable, Equatable {
        public var account: AccountID
        public var market: MarketID
        public var side: Side
        /// Size to add; positive when valid (checked by the worker, not the codec).
        public var size: Size
        public var entryPrice: Price
        public var marginMode: MarginMode
        /// Margin moved from cross collateral into an isolated position (zero for cross).
        public var isolatedMargin: Quote
        /// Operator only: a position opened elsewhere, booked at `entryPrice`.
        public var importAt: Bool

        public init(
            account: AccountID, market: MarketID, side: Side, size: Size, entryPrice: Price,
            marginMode: MarginMode = .cross, isolatedMargin: Quote = .zero, importAt: Bool = false
        ) {
            self.importAt = importAt
            self.account = account
            self.market = market
            self.side = side
            self.size = size
            self.entryPrice = entryPrice
            self.marginMode = marginMode
            self.isolatedMargin = isolatedMargin
        }
    }
}
