/// Errors of posting to the ledger.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    case nonPositiveAmount(Quote)
    case sameAccount(LedgerAccount)
    case arithmetic(ArithmeticError)

    public var description: String {
        switch self {
        case .nonPositiveAmount(let q): return "ledger transfers must be positive, got \(q)"
        case .sameAccount(let a): return "ledger transfer from \(a) to itself"
        case .arithmetic(let e): return e.description
        }
    }
}

/// Double-entry ledger: every movement of money is a transfer between two named accounts,
/// so the sum of all balances is always zero and the sum of the internal ones (everything
/// but `.external`) equals deposits − withdrawals, to the quantum.
public struct Ledger: Sendable {
    public private(set) var balances: [LedgerAccount: Quote] = [:]
    /// Total ever moved in from `.external`, and out to it.
    public private(set) var totalDeposits: Quote = .zero
    public private(set) var totalWithdrawals: Quote = .zero
    /// Number of entries posted so far (the next entry's sequence is this + 1).
    public private(set) var entryCount: UInt64 = 0
    /// The most recent entries, at most `retainedEntries` (all when nil). Simulations of
    /// many accounts keep few; the processes keep what their store does not.
    public private(set) var recentEntries: [LedgerEntry] = []
    public let retainedEntries: Int?
    /// When on, every entry posted is also kept here until `takeJournal()`: what a store
    /// has not made durable yet, whatever `retainedEntries` keeps for display.
    public var journaling = false
    public private(set) var journal: [LedgerEntry] = []

    public init(retainedEntries: Int? = 1_000) { self.retainedEntries = retainedEntries }

    /// The entries posted since the last call (journaling on), oldest first.
    public mutating func takeJournal() -> [LedgerEntry] {
        defer { journal.removeAll(keepingCapacity: true) }
        return journal
    }

    /// Rebuilds a ledger from a store (the processes' restart path). Nothing is checked
    /// here: the caller verifies `isConserved` and refuses a ledger that is not. Only the
    /// last `retainedEntries` of `recentEntries` are kept, as `post` would have.
    public init(restoring balances: [LedgerAccount: Quote], totalDeposits: Quote, totalWithdrawals: Quote,
                entryCount: UInt64, recentEntries: [LedgerEntry], retainedEntries: Int?) {
        self.balances = balances
        self.totalDeposits = totalDeposits
        self.totalWithdrawals = totalWithdrawals
        self.entryCount = entryCount
        self.retainedEntries = retainedEntries
        if let cap = retainedEntries {
            self.recentEntries = Array(recentEntries.suffix(max(cap, 0)))
        } else {
            self.recentEntries = recentEntries
        }
    }

    public func balance(_ account: LedgerAccount) -> Quote { balances[account] ?? .zero }

    /// Posts a transfer. Balances may go negative (a trader in deficit, the venue that paid
    /// out profits); floors are policies of the callers (e.g. `InsuranceFundPolicy`).
    @discardableResult
    public mutating func post(_ t: LedgerTransfer, at now: Instant) throws(LedgerError) -> LedgerEntry {
        guard t.amount.isPositive else { throw .nonPositiveAmount(t.amount) }
        guard t.from != t.to else { throw .sameAccount(t.from) }
        do {
            let newFrom = try balance(t.from) - t.amount
            let newTo = try balance(t.to) + t.amount
            var deposits = totalDeposits, withdrawals = totalWithdrawals
            if t.from == .external { deposits = try deposits + t.amount }
            if t.to == .external { withdrawals = try withdrawals + t.amount }
            balances[t.from] = newFrom
            balances[t.to] = newTo
            totalDeposits = deposits
            totalWithdrawals = withdrawals
        } catch { throw .arithmetic(error) }
        entryCount += 1
        let entry = LedgerEntry(sequence: entryCount, from: t.from, to: t.to, amount: t.amount, reason: t.reason, account: t.account, at: now)
        if journaling { journal.append(entry) }
        if let cap = retainedEntries {
            if cap > 0 {
                if recentEntries.count >= cap { recentEntries.removeFirst(recentEntries.count - cap + 1) }
                recentEntries.append(entry)
            }
        } else {
            recentEntries.append(entry)
        }
        return entry
    }

    /// Posts several transfers in order.
    public mutating func post(_ transfers: [LedgerTransfer], at now: Instant) throws(LedgerError) {
        for t in transfers { try post(t, at: now) }
    }

    /// Σ of every internal balance (all but `.external`), recomputed from the balances.
    public func internalTotal() throws(ArithmeticError) -> Quote {
        var total = Quote.zero
        for (k, v) in balances where k != .external { total = try total + v }
        return total
    }

    /// The conservation invariant: Σ internal balances = deposits − withdrawals, and the
    /// external account mirrors it exactly.
    public var isConserved: Bool {
        guard let internalSum = try? internalTotal(), let net = try? totalDeposits - totalWithdrawals else { return false }
        return internalSum == net && balance(.external).e6 == -net.e6
    }
}
