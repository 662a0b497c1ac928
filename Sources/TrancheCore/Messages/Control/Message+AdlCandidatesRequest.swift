extension Message {
    /// The aggregator asks workers for ADL candidates: positions on `sideNeeded` in
    /// `market` that can absorb `sizeNeeded`.
    public struct AdlCandidatesRequest: Sendable, Equatable {
        public var requestID: UInt64
        public var market: MarketID
        public var sideNeeded: Side
        public var sizeNeeded: Size

        public init(requestID: UInt64, market: MarketID, sideNeeded: Side, sizeNeeded: Size) {
            self.requestID = requestID
            self.market = market
            self.sideNeeded = sideNeeded
            self.sizeNeeded = sizeNeeded
        }
    }
}
