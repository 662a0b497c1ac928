/// The part of an execution that filled at one level of the book.
public struct VenueLevelFill: Sendable, Hashable {
    /// Index of the level in the side's profile, innermost = 0.
    public var level: Int
    /// The level's price at the time of the fill.
    public var price: Price
    /// Size filled at the level.
    public var size: Size
    /// size × price, rounded down for a sell (proceeds) and up for a buy (cost).
    public var notional: Quote

    public init(level: Int, price: Price, size: Size, notional: Quote) {
        self.level = level
        self.price = price
        self.size = size
        self.notional = notional
    }
}
