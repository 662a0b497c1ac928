extension Message {
    /// The insurance fund: balance and the most recent ledger entries.
    public struct FundView: Sendable, Equatable {
        public var balance: Quote
        public var entries: [LedgerEntryView]

        public init(balance: Quote, entries: [LedgerEntryView]) {
            self.balance = balance
            self.entries = entries
        }
    }

    /// One double-entry ledger movement inside a `FundView`.
    public struct LedgerEntryView: Sendable, Equatable {
        public var sequence: UInt64
        /// Ledger account names, e.g. "fund", "account:42".
        public var from: String
        public var to: String
        public var amount: Quote
        public var reason: String
        /// `nil` when not tied to a trader account (0 on the wire).
        public var account: AccountID?
        public var at: Instant

        public init(sequence: UInt64, from: String, to: String, amount: Quote, reason: String, account: AccountID?, at: Instant) {
            self.sequence = sequence
            self.from = from
            self.to = to
            self.amount = amount
            self.reason = reason
            self.account = account
            self.at = at
        }
    }
}
