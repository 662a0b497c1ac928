extension Message {
    /// One slice of a liquidation, sent to the venue as an immediate-or-cancel order.
    public struct TrancheOrder: Sendable, Equatable {
        public var tranche: TrancheID
        /// Side of the ORDER, not of the position: `.short` sells (reduces a long),
        /// `.long` buys (reduces a short). BUY/SELL on the wire.
        public var side: Side
        /// Positive size to execute.
        public var size: Size
        /// Worst acceptable price: nothing fills beyond it.
        public var limitPrice: Price
        /// Mark price when the order was planned.
        public var markPrice: Price
        /// Shard-ownership epoch of the sending worker.
        public var epoch: UInt64
        public var shard: UInt32
        /// The mark whose handling sent this order (sequence, publication time); zero and
        /// nil when it left on a timer, a fill or a budget. The venue measures tick → order.
        public var markSequence: UInt64 = 0
        public var markAt: Instant?

        public init(tranche: TrancheID, side: Side, size: Size, limitPrice: Price, markPrice: Price, epoch: UInt64, shard: UInt32) {
            self.tranche = tranche
            self.side = side
            self.size = size
            self.limitPrice = limitPrice
            self.markPrice = markPrice
            self.epoch = epoch
            self.shard = shard
        }
    }
}
