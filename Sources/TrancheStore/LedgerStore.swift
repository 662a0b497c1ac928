import TrancheCore

/// What the aggregator restores at start: its ledger and the backstop's book.
public struct AggregatorState: Sendable {
    public var ledger: Ledger
    public var backstop: Account
    /// Per account, the last sequence of its reliable stream applied, and the deficit the
    /// fund has covered (cumulative).
    public var delivered: [AccountID: UInt64]
    public var coveredDeficits: [AccountID: Quote]
    /// ADL instructions sent and not yet applied.
    public var pendingAdl: [Message.AdlInstruction]
    /// Id counters that must never go back (backstop tranches, ADL rounds).
    public var backstopSequence: UInt64
    public var nextRequest: UInt64
    /// Each market's breaker level, reason, since and sequence.
    public var breakers: [CascadeBreaker.Snapshot]

    public init(ledger: Ledger, backstop: Account, delivered: [AccountID: UInt64] = [:], coveredDeficits: [AccountID: Quote] = [:],
                pendingAdl: [Message.AdlInstruction] = [], backstopSequence: UInt64 = 1, nextRequest: UInt64 = 1, breakers: [CascadeBreaker.Snapshot] = []) {
        self.breakers = breakers
        self.pendingAdl = pendingAdl
        self.ledger = ledger
        self.backstop = backstop
        self.delivered = delivered
        self.coveredDeficits = coveredDeficits
        self.backstopSequence = backstopSequence
        self.nextRequest = nextRequest
    }
}

/// Everything the aggregator makes durable after handling messages, before any message
/// they produced leaves.
public struct AggregatorCheckpoint: Sendable {
    /// New ledger entries, continuing the stored sequence without gap.
    public var entries: [LedgerEntry]
    /// Accounts whose delivered sequence or covered deficit moved, with both.
    public var delivered: [(AccountID, UInt64, Quote)]
    public var backstopSequence: UInt64
    public var nextRequest: UInt64
    /// The ADL instructions not yet applied, when they changed (nil: unchanged).
    public var pendingAdl: [Message.AdlInstruction]?
    /// The breakers, when one changed level (nil: unchanged).
    public var breakers: [CascadeBreaker.Snapshot]?

    public init(entries: [LedgerEntry], delivered: [(AccountID, UInt64, Quote)], backstopSequence: UInt64, nextRequest: UInt64,
                pendingAdl: [Message.AdlInstruction]? = nil, breakers: [CascadeBreaker.Snapshot]? = nil) {
        self.breakers = breakers
        self.pendingAdl = pendingAdl
        self.entries = entries
        self.delivered = delivered
        self.backstopSequence = backstopSequence
        self.nextRequest = nextRequest
    }
}

/// Durable insurance-fund ledger and backstop of the aggregator.
public protocol LedgerStore: AnyObject, Sendable {
    /// Appends `entries` (which must continue the stored sequence without gap) and stores
    /// `ledger`'s balances and totals and `backstop`, all in one transaction.
    func append(_ entries: [LedgerEntry], ledger: Ledger, backstop: Account) throws(StoreError)
    /// The same, with the delivery sequences and id counters, in one transaction.
    func save(_ checkpoint: AggregatorCheckpoint, ledger: Ledger, backstop: Account) throws(StoreError)
    /// The stored state, nil when nothing was ever stored. Keeps the last `retainedEntries`
    /// entries in the restored ledger. Throws `ledgerNotConserved` if the stored balances
    /// break conservation (a damaged or tampered file is refused, not loaded).
    func load(retainedEntries: Int?) throws(StoreError) -> AggregatorState?
    func close()
}
