extension Message {
    /// One movement of the insurance fund, published by the aggregator.
    public struct InsuranceFundEvent: Sendable, Equatable {
        /// What moved money in or out of the fund.
        public enum Kind: Int, Sendable, Hashable, CaseIterable {
            /// A liquidation fee was paid into the fund.
            case feeIn = 1
            /// The fund covered a bankrupt account's deficit.
            case deficitCovered = 2
            /// The fund could not cover a deficit (in full): ADL follows.
            case deficitUncovered = 3
            /// The backstop took a position over at the model price.
            case takeover = 4
            /// Auto-deleveraging closed opposite positions at the bankruptcy price.
            case adl = 5
            /// An operator deposit into the fund.
            case deposit = 6
        }

        public var kind: Kind
        /// `nil` when not tied to a trader account (0 on the wire).
        public var account: AccountID?
        /// `nil` when not tied to a market ("" on the wire).
        public var market: MarketID?
        /// Signed change of the fund: positive in, negative out.
        public var amount: Quote
        public var balanceAfter: Quote
        /// The tranche that caused the movement, if one did.
        public var tranche: TrancheID?
        public var at: Instant

        public init(
            kind: Kind, account: AccountID?, market: MarketID?, amount: Quote, balanceAfter: Quote,
            tranche: TrancheID?, at: Instant
        ) {
            self.kind = kind
            self.account = account
            self.market = market
            self.amount = amount
            self.balanceAfter = balanceAfter
            self.tranche = tranche
            self.at = at
        }
    }
}
