extension Message {
    /// The aggregator's answer to a `BankruptcyNotice`: how much of the position
    /// auto-deleveraging matches and how much goes to the venue's book.
    public struct BankruptcyDecision: Sendable, Equatable {
        public var tranche: TrancheID
        /// Part of the position matched by auto-deleveraging.
        public var adlSize: Size
        /// The rest, to send to the venue.
        public var bookSize: Size
        public var at: Instant

        public init(tranche: TrancheID, adlSize: Size, bookSize: Size, at: Instant) {
            self.tranche = tranche
            self.adlSize = adlSize
            self.bookSize = bookSize
            self.at = at
        }
    }
}
