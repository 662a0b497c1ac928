extension Message {
    /// Asks for the insurance fund balance and ledger tail; answered by a `FundView`.
    public struct FundRequest: Sendable, Equatable {
        /// Most recent ledger entries to return (0 = balance only).
        public var maxEntries: UInt32

        public init(maxEntries: UInt32) { self.maxEntries = maxEntries }
    }
}
