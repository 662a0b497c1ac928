/// A book around its fair price, as published to the workers to size tranches (the
/// core form of the wire's `DepthSummary`).
public struct VenueDepthSummary: Sendable, Hashable {
    public var market: MarketID
    /// The exogenous fair price the book is built around.
    public var fairPrice: Price
    /// Best price an order can trade at now; `nil` when that side has no depth left.
    public var bestBid: Price?
    public var bestAsk: Price?
    /// Quote notional resting at bid levels priced at or above fair × (1 − band).
    public var bidDepthInBand: Quote
    /// Quote notional resting at ask levels priced at or below fair × (1 + band).
    public var askDepthInBand: Quote
    public var band: Rate
    /// Unrecovered consumption by our own fills, per side.
    public var bidConsumed: Quote
    public var askConsumed: Quote
    public var at: Instant

    public init(market: MarketID, fairPrice: Price, bestBid: Price?, bestAsk: Price?, bidDepthInBand: Quote,
                askDepthInBand: Quote, band: Rate, bidConsumed: Quote, askConsumed: Quote, at: Instant) {
        self.market = market
        self.fairPrice = fairPrice
        self.bestBid = bestBid
        self.bestAsk = bestAsk
        self.bidDepthInBand = bidDepthInBand
        self.askDepthInBand = askDepthInBand
        self.band = band
        self.bidConsumed = bidConsumed
        self.askConsumed = askConsumed
        self.at = at
    }

    /// (bestBid + bestAsk) / 2 rounded down; `nil` when a side is empty.
    public var mid: Price? {
        guard let b = bestBid, let a = bestAsk else { return nil }
        return Price(e8: Int64((Int128(b.e8) + Int128(a.e8)) / 2))
    }
}
