/// Where a margin scope stands in its liquidation life cycle:
/// healthy → marginCall (grace) → liquidating (tranche k of n) → healthy | closed | bankrupt.
public enum LiquidationPhase: String, Sendable, Codable, Hashable, CaseIterable {
    case healthy
    /// Below maintenance, inside the grace window: the trader can still top up.
    case marginCall
    /// Tranches are being executed.
    case liquidating
    /// Every position of the scope was closed with equity left (or exactly zero).
    case closed
    /// Closed with a deficit that the insurance fund (or ADL) covered.
    case bankrupt
    /// The backstop took the position over at the model price (book had no liquidity).
    case takenOver
}

/// Deterministic identity of a tranche: the same account, scope and sequence always name
/// the same tranche, so a venue can de-duplicate an order sent twice (after a crash or a
/// shard move).
public struct TrancheID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var account: AccountID
    public var market: MarketID
    /// Per-account tranche counter, starting at 1, never reused.
    public var sequence: UInt64

    public init(account: AccountID, market: MarketID, sequence: UInt64) {
        self.account = account
        self.market = market
        self.sequence = sequence
    }

    public static func < (a: TrancheID, b: TrancheID) -> Bool {
        (a.account, a.sequence, a.market) < (b.account, b.sequence, b.market)
    }
    public var description: String { "\(account)/\(market)/\(sequence)" }
}
