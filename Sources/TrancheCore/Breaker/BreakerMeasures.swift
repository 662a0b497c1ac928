/// What a breaker measured when it evaluated: the inputs of its decision.
public struct BreakerMeasures: Sendable, Hashable {
    /// Liquidated notional in the rolling window.
    public var liquidatedNotional: Quote
    /// The capacity in force.
    public var capacity: Quote
    /// liquidatedNotional / capacity, rounded up.
    public var volumeShare: Rate
    /// Largest |Δmark| / mark from a mark in the velocity window to the newest, rounded up.
    public var priceMove: Rate

    public init(liquidatedNotional: Quote, capacity: Quote, volumeShare: Rate, priceMove: Rate) {
        self.liquidatedNotional = liquidatedNotional
        self.capacity = capacity
        self.volumeShare = volumeShare
        self.priceMove = priceMove
    }
}
