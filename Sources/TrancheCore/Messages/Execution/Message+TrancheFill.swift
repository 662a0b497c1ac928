extension Message {
    /// The venue's answer to a `TrancheOrder`.
    public struct TrancheFill: Sendable, Equatable {
        public var tranche: TrancheID
        public var filledSize: Size
        /// Volume-weighted average price of the fill; zero when nothing filled.
        public var vwap: Price
        /// The part of the order that was cancelled (immediate-or-cancel).
        public var unfilledSize: Size
        /// The venue had already seen this tranche id: this repeats the original fill,
        /// which must not be applied twice.
        public var duplicate: Bool
        public var at: Instant
        /// From the mark that sent the order (`TrancheOrder.markAt`) to the venue handling
        /// it; nil when the order carried no mark.
        public var tickToOrder: Duration?

        public init(tranche: TrancheID, filledSize: Size, vwap: Price, unfilledSize: Size, duplicate: Bool, at: Instant) {
            self.tranche = tranche
            self.filledSize = filledSize
            self.vwap = vwap
            self.unfilledSize = unfilledSize
            self.duplicate = duplicate
            self.at = at
        }
    }
}
