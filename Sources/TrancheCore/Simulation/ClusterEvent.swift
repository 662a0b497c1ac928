/// One observable event of the cluster: what `tranche simulate --events` writes (one JSON
/// object per line) and what `tranche events` streams. Fields not relevant to a kind are
/// absent.
public struct ClusterEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A client command was applied (detail: the command; amount/size as given).
        case command
        /// A mark price was published.
        case mark
        /// A scope fell below maintenance; detail names its grace window.
        case marginCall
        /// A tranche order was sent to the venue.
        case trancheOrder
        /// A tranche (or backstop unwind) was filled (size, price = VWAP, amount = notional).
        case fill
        /// Liquidation fee paid to the insurance fund.
        case fee
        /// A scope closed below zero (amount = deficit).
        case deficit
        /// The insurance fund covered (part of) a deficit.
        case deficitCovered
        /// A deficit the fund could not cover.
        case deficitUncovered
        /// An auto-deleveraging close (account = the deleveraged one).
        case adl
        /// The backstop took a position over at the model price.
        case takeover
        /// A breaker changed level (detail: from → to, reason).
        case breaker
        /// A scope's liquidation ended with equity back at target.
        case restored
        /// A scope's liquidation ended with every position closed.
        case closed
        /// A scope closed with a deficit.
        case bankrupt
        /// The tranche was refused or could not be sent (detail says why).
        case rejected
        /// The aggregator set a market's liquidation budget (amount = rate per second;
        /// detail: the cutoff, the backlog and the depth it came from).
        case budget
        /// The venue filled none of a trader's tranche (size = the order's size, price = its
        /// limit): the book had nothing within the limit. Carries tick → order like a fill.
        case unfilled
    }

    public var at: Instant
    public var kind: Kind
    public var account: AccountID?
    public var market: MarketID?
    /// "cross" or "isolated:MARKET".
    public var scope: String?
    public var size: Size?
    public var price: Price?
    public var amount: Quote?
    /// Tranche sequence within the account, for tranche orders and fills.
    public var tranche: UInt64?
    public var detail: String?
    /// For a fill or an unfilled tranche: from the mark whose handling sent the order to the venue handling it
    /// (the worker's reaction to a tick, measured on one clock).
    public var tickToOrder: Duration?

    public init(at: Instant, kind: Kind, account: AccountID? = nil, market: MarketID? = nil, scope: String? = nil,
                size: Size? = nil, price: Price? = nil, amount: Quote? = nil, tranche: UInt64? = nil, detail: String? = nil,
                tickToOrder: Duration? = nil) {
        self.at = at
        self.kind = kind
        self.account = account
        self.market = market
        self.scope = scope
        self.size = size
        self.price = price
        self.amount = amount
        self.tranche = tranche
        self.detail = detail
        self.tickToOrder = tickToOrder
    }
}
