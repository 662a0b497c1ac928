extension Message {
    /// Transfers a worker has settled (fills, fees, deficits), posted to the
    /// aggregator's ledger in order, as one batch.
    ///
    /// On the wire a `LedgerAccount` names its kind plus the one value that kind needs:
    /// `.trader` an account id (0 is not one), `.venue` a market ("" is not one).
    public struct LedgerPosting: Sendable, Equatable, Codable {
        public var transfers: [LedgerTransfer]
        public var at: Instant

        public init(transfers: [LedgerTransfer], at: Instant) {
            self.transfers = transfers
            self.at = at
        }
    }
}
