extension Message {
    /// A worker tells the aggregator that the backstop took a position over at the
    /// model price.
    public struct TakeoverNotice: Sendable, Equatable, Codable {
        /// The tranche that led to the takeover, if one did.
        public var tranche: TrancheID?
        public var account: AccountID
        public var market: MarketID
        /// Signed: the position taken over (positive long, negative short).
        public var size: Size
        public var modelPrice: Price
        public var at: Instant
        /// The trader's remaining margin kept as a clearance fee for the fund (already in
        /// the worker's ledger posting; reported for the statistics).
        public var clearanceFee: Quote

        public init(tranche: TrancheID?, account: AccountID, market: MarketID, size: Size, modelPrice: Price, at: Instant, clearanceFee: Quote = .zero) {
            self.clearanceFee = clearanceFee
            self.tranche = tranche
            self.account = account
            self.market = market
            self.size = size
            self.modelPrice = modelPrice
            self.at = at
        }
    }
}
