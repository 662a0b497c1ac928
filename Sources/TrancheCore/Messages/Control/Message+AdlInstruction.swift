extension Message {
    /// The aggregator tells the owning worker to reduce a position by ADL.
    public struct AdlInstruction: Sendable, Equatable, Codable {
        public var requestID: UInt64
        public var account: AccountID
        public var market: MarketID
        /// Positive size to close.
        public var size: Size
        /// The bankrupt account's bankruptcy price.
        public var price: Price
        public var bankruptAccount: AccountID

        public init(requestID: UInt64, account: AccountID, market: MarketID, size: Size, price: Price, bankruptAccount: AccountID) {
            self.requestID = requestID
            self.account = account
            self.market = market
            self.size = size
            self.price = price
            self.bankruptAccount = bankruptAccount
        }
    }
}
