extension Message {
    /// A worker tells the aggregator that a tranche left a scope bankrupt: the rest of
    /// the position must be matched by auto-deleveraging or sent to the book.
    public struct BankruptcyNotice: Sendable, Equatable {
        public var tranche: TrancheID
        /// On the wire: the market symbol for an isolated scope, "" for cross.
        public var scope: MarginScope
        /// Side of the bankrupt POSITION, not of an order.
        public var positionSide: Side
        /// Size of the position left; its direction is `positionSide`.
        public var size: Size
        public var bankruptcyPrice: Price
        public var markPrice: Price
        /// Deficit the insurance fund is expected to cover.
        public var expectedDeficit: Quote
        public var at: Instant

        public init(
            tranche: TrancheID, scope: MarginScope, positionSide: Side, size: Size, bankruptcyPrice: Price,
            markPrice: Price, expectedDeficit: Quote, at: Instant
        ) {
            self.tranche = tranche
            self.scope = scope
            self.positionSide = positionSide
            self.size = size
            self.bankruptcyPrice = bankruptcyPrice
            self.markPrice = markPrice
            self.expectedDeficit = expectedDeficit
            self.at = at
        }
    }
}
