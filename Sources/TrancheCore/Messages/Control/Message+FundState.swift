extension Message {
    /// The insurance fund's state, broadcast by the aggregator after every change.
    public struct FundState: Sendable, Equatable {
        public var balance: Quote
        /// What the fund may still pay out.
        public var available: Quote
        /// Deficits the fund could not cover.
        public var uncoveredDeficit: Quote
        /// Increases with every change; stale states are ignored.
        public var sequence: UInt64
        public var at: Instant

        public init(balance: Quote, available: Quote, uncoveredDeficit: Quote, sequence: UInt64, at: Instant) {
            self.balance = balance
            self.available = available
            self.uncoveredDeficit = uncoveredDeficit
            self.sequence = sequence
            self.at = at
        }
    }
}
