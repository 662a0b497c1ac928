extension Message {
    /// A summary of the venue's book around the fair price, used to size tranches.
    public struct DepthSummary: Sendable, Equatable {
        public var market: MarketID
        public var fairPrice: Price
        /// `nil` when that side of the book is empty (0 on the wire).
        public var bestBid: Price?
        public var bestAsk: Price?
        /// Quote notional resting within `band` of the fair price, per side.
        public var bidDepthInBand: Quote
        public var askDepthInBand: Quote
        public var band: Rate
        public var at: Instant

        public init(
            market: MarketID, fairPrice: Price, bestBid: Price?, bestAsk: Price?,
            bidDepthInBand: Quote, askDepthInBand: Quote, band: Rate, at: Instant
        ) {
            self.market = market
            self.fairPrice = fairPrice
            self.bestBid = bestBid
            self.bestAsk = bestAsk
            self.bidDepthInBand = bidDepthInBand
            self.askDepthInBand = askDepthInBand
            self.band = band
            self.at = at
        }
    }
}
