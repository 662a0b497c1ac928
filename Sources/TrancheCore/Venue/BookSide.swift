/// One side of a venue's order book.
public enum BookSide: String, Sendable, Codable, Hashable, CaseIterable {
    /// Resting buy orders, below the fair price; hit by sells.
    case bids
    /// Resting sell orders, above the fair price; lifted by buys.
    case asks

    /// The side an order trades against: a sell (`.short`) hits the bids, a buy
    /// (`.long`) lifts the asks.
    public init(hitBy orderSide: Side) { self = orderSide == .short ? .bids : .asks }
}
