extension Message {
    /// The insurance fund: balance and the most recent ledger entries.
    public struct FundView: Sendable, Equatable {
        public var balance: Quote
        public var entries: [LedgerEntryView]
        /// The backstop's inventory: positions taken over and not yet unwound.
        public var backstop: [BackstopPositionView]

        public init(balance: Quote, entries: [LedgerEntryView], backstop: [BackstopPositionView] = []) {
            self.balance = balance
            self.entries = entries
            self.backstop = backstop
        }
    }

    /// One position of the backstop, valued at the aggregator's last mark.
    public struct BackstopPositionView: Sendable, Equatable {
        public var market: MarketID
        /// Signed: positive long, negative short.
        public var size: Size
        public var entryPrice: Price
        /// Nil when no mark was heard yet (0 on the wire).
        public var markPrice: Price?
        public var unrealisedPnl: Quote

        public init(market: MarketID, size: Size, entryPrice: Price, markPrice: Price?, unrealisedPnl: Quote) {
            self.market = market
            self.size = size
            self.entryPrice = entryPrice
            self.markPrice = markPrice
            self.unrealisedPnl = unrealisedPnl
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
