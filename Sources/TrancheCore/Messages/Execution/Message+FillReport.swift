extension Message {
    /// A fill as settled by the worker, reported to the aggregator for the insurance
    /// fund, the breakers and the statistics.
    public struct FillReport: Sendable, Equatable, Codable {
        public var tranche: TrancheID
        public var filledSize: Size
        public var vwap: Price
        /// Liquidation fee charged to the account (paid into the insurance fund).
        public var fee: Quote
        public var realisedPnl: Quote
        /// Bankruptcy deficit left by this fill (zero when equity stayed non-negative).
        public var deficit: Quote
        /// Mark price when the tranche was ordered (for slippage statistics).
        public var markAtOrder: Price
        public var at: Instant
        /// Side of the ORDER that filled, not of the position: `.short` sold (reduced
        /// a long). BUY/SELL on the wire.
        public var orderSide: Side
        /// The scope the fill settled in. On the wire: the market symbol for an
        /// isolated scope, "" for cross.
        public var scope: MarginScope

        public init(
            tranche: TrancheID, filledSize: Size, vwap: Price, fee: Quote, realisedPnl: Quote,
            deficit: Quote, markAtOrder: Price, at: Instant, orderSide: Side, scope: MarginScope
        ) {
            self.tranche = tranche
            self.filledSize = filledSize
            self.vwap = vwap
            self.fee = fee
            self.realisedPnl = realisedPnl
            self.deficit = deficit
            self.markAtOrder = markAtOrder
            self.at = at
            self.orderSide = orderSide
            self.scope = scope
        }
    }
}
