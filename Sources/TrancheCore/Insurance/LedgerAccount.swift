/// A named account of the double-entry ledger.
public enum LedgerAccount: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// Outside the system: deposits come from it, withdrawals go to it. Its balance is
    /// −(deposits − withdrawals); it is the only account outside the conservation sum.
    case external
    /// A trader's money held by the system: cross collateral plus isolated margins.
    case trader(AccountID)
    /// The insurance fund: liquidation fees in, bankruptcy deficits out, the backstop's
    /// trading results in and out.
    case insuranceFund
    /// The rest of the market in one market: the counterparty of every fill, paying and
    /// receiving realised PnL.
    case venue(MarketID)
    /// Taker fees of traders' own trades (liquidation fees go to the fund instead).
    case fees

    public var description: String {
        switch self {
        case .external: return "external"
        case .trader(let a): return "trader:\(a)"
        case .insuranceFund: return "insurance-fund"
        case .venue(let m): return "venue:\(m)"
        case .fees: return "fees"
        }
    }

    private var rank: Int {
        switch self {
        case .external: return 0
        case .insuranceFund: return 1
        case .fees: return 2
        case .venue: return 3
        case .trader: return 4
        }
    }

    public static func < (a: LedgerAccount, b: LedgerAccount) -> Bool {
        switch (a, b) {
        case (.trader(let x), .trader(let y)): return x < y
        case (.venue(let x), .venue(let y)): return x < y
        default: return a.rank < b.rank
        }
    }
}

/// Why money moved. Stable raw values: they cross the wire and land in stores.
public enum LedgerReason: Int, Sendable, Codable, Hashable, CaseIterable {
    case deposit = 1
    case withdrawal = 2
    /// Realised PnL of a fill, between the trader and the venue.
    case realisedPnl = 3
    /// Liquidation fee on a tranche, trader → insurance fund.
    case liquidationFee = 4
    /// Insurance fund covers a bankruptcy deficit, fund → trader.
    case deficitCovered = 5
    /// Realised PnL of an auto-deleveraging close at the bankruptcy price.
    case autoDeleverage = 6
    /// Realised PnL of a takeover at the model price.
    case takeover = 7
    /// Realised PnL of the backstop (fund) unwinding a taken-over position.
    case backstopUnwind = 8
    /// Seed capital of the insurance fund.
    case fundSeed = 9
    /// Taker fee of a trader's own trade, trader → fees.
    case tradingFee = 10
}

/// One movement of money: `amount` (positive) from `from` to `to`.
public struct LedgerEntry: Sendable, Equatable {
    public var sequence: UInt64
    public var from: LedgerAccount
    public var to: LedgerAccount
    public var amount: Quote
    public var reason: LedgerReason
    /// The trader the movement concerns, if any.
    public var account: AccountID?
    public var at: Instant

    public init(sequence: UInt64, from: LedgerAccount, to: LedgerAccount, amount: Quote, reason: LedgerReason, account: AccountID?, at: Instant) {
        self.sequence = sequence
        self.from = from
        self.to = to
        self.amount = amount
        self.reason = reason
        self.account = account
        self.at = at
    }
}

/// A transfer to post, before it has a sequence number.
public struct LedgerTransfer: Sendable, Equatable, Codable {
    public var from: LedgerAccount
    public var to: LedgerAccount
    public var amount: Quote
    public var reason: LedgerReason
    public var account: AccountID?

    public init(from: LedgerAccount, to: LedgerAccount, amount: Quote, reason: LedgerReason, account: AccountID? = nil) {
        self.from = from
        self.to = to
        self.amount = amount
        self.reason = reason
        self.account = account
    }

    /// A signed amount as one transfer: positive pays `to`, negative pays `from`. Nil for zero.
    public static func signed(_ amount: Quote, from: LedgerAccount, to: LedgerAccount, reason: LedgerReason, account: AccountID?) -> LedgerTransfer? {
        if amount.isPositive { return LedgerTransfer(from: from, to: to, amount: amount, reason: reason, account: account) }
        if amount.isNegative { return LedgerTransfer(from: to, to: from, amount: Quote(e6: -amount.e6), reason: reason, account: account) }
        return nil
    }
}
