/// How the insurance fund pays bankruptcy deficits.
public struct InsuranceFundPolicy: Sendable, Codable, Hashable {
    /// The fund stops paying when its balance would fall below this floor; deficits beyond
    /// what it can pay go to auto-deleveraging.
    public var floor: Quote

    public init(floor: Quote = .zero) { self.floor = floor }

    public func validate(field: String) throws(ConfigurationError) {
        if floor.isNegative { throw ConfigurationError(field: "\(field).floor", reason: "must not be negative") }
    }

    /// What the fund can pay now: its balance above the floor, never negative.
    public func available(in ledger: Ledger) -> Quote {
        let b = ledger.balance(.insuranceFund)
        return b > floor ? Quote(e6: b.e6 - floor.e6) : .zero
    }

    /// Covers as much of `deficit` (positive) of `account` as the fund can, posting the
    /// transfer. Returns (covered, uncovered).
    public func cover(deficit: Quote, of account: AccountID, in ledger: inout Ledger, at now: Instant) throws(LedgerError) -> (covered: Quote, uncovered: Quote) {
        guard deficit.isPositive else { return (.zero, .zero) }
        let pay = min(deficit, available(in: ledger))
        if pay.isPositive {
            try ledger.post(LedgerTransfer(from: .insuranceFund, to: .trader(account), amount: pay, reason: .deficitCovered, account: account), at: now)
        }
        return (pay, Quote(e6: deficit.e6 - pay.e6))
    }
}
