/// The outcome of one immediate-or-cancel order against a `VenueBook`.
public struct VenueExecution: Sendable, Hashable {
    /// Side of the order: `.short` sold into the bids, `.long` bought from the asks.
    public var side: Side
    /// Size the order asked for.
    public var requested: Size
    /// Size that filled; `filled + unfilled == requested`.
    public var filled: Size
    /// The rest, cancelled (the limit was reached or the side ran out of depth).
    public var unfilled: Size
    /// Volume-weighted average price: Σ size × price / filled, rounded down for a sell
    /// and up for a buy, from the exact sum, so it always lies between the best and the
    /// worst level touched. `nil` when nothing filled.
    public var vwap: Price?
    /// Σ size × price, rounded once over the whole order: down for a sell (proceeds are
    /// a payout), up for a buy (cost is a requirement). The per-level notionals are
    /// rounded the same way each, so their sum may differ from this by a few quantums;
    /// this is the authoritative figure.
    public var notional: Quote
    /// The levels touched, innermost first.
    public var fills: [VenueLevelFill]
    /// The worst acceptable price the order carried.
    public var limit: Price
    public var at: Instant

    public init(side: Side, requested: Size, filled: Size, unfilled: Size, vwap: Price?, notional: Quote,
                fills: [VenueLevelFill], limit: Price, at: Instant) {
        self.side = side
        self.requested = requested
        self.filled = filled
        self.unfilled = unfilled
        self.vwap = vwap
        self.notional = notional
        self.fills = fills
        self.limit = limit
        self.at = at
    }
}
