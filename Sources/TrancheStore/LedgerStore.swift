import TrancheCore

/// What the aggregator restores at start: its ledger and the backstop's book.
public struct AggregatorState: Sendable {
    public var ledger: Ledger
    public var backstop: Account

    public init(ledger: Ledger, backstop: Account) {
        self.ledger = ledger
        self.backstop = backstop
    }
}

/// Durable insurance-fund ledger and backstop of the aggregator.
public protocol LedgerStore: AnyObject, Sendable {
    /// Appends `entries` (which must continue the stored sequence without gap) and stores
    /// `ledger`'s balances and totals and `backstop`, all in one transaction.
    func append(_ entries: [LedgerEntry], ledger: Ledger, backstop: Account) throws(StoreError)
    /// The stored state, nil when nothing was ever stored. Keeps the last `retainedEntries`
    /// entries in the restored ledger. Throws `ledgerNotConserved` if the stored balances
    /// break conservation (a damaged or tampered file is refused, not loaded).
    func load(retainedEntries: Int?) throws(StoreError) -> AggregatorState?
    func close()
}
