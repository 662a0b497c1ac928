/// One level of a book as it stands now: what an order could take there.
public struct VenueBookLevel: Sendable, Hashable {
    /// Index in the side's profile, innermost = 0.
    public var level: Int
    /// Price at the current fair price, on the tick grid.
    public var price: Price
    /// Quote notional still resting (the profile's notional minus the unrecovered part
    /// of our own consumption).
    public var notional: Quote
    /// The size that notional buys at `price`, rounded down.
    public var size: Size

    public init(level: Int, price: Price, notional: Quote, size: Size) {
        self.level = level
        self.price = price
        self.notional = notional
        self.size = size
    }
}
