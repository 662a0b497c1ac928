/// Everything a worker keeps about one account, durably: what a new owner of the shard
/// loads to resume exactly where the old owner stopped.
public struct AccountRecord: Sendable, Equatable, Codable {
    public var account: Account
    /// Liquidation state per margin scope (absent = healthy, never liquidated).
    public var scopes: [ScopeState]
    /// Next tranche sequence of the account (tranche ids are never reused).
    public var nextSequence: UInt64
    /// Tranches sent and not yet answered, with what is needed to apply their fill.
    public var inFlight: [InFlightTranche]

    public struct ScopeState: Sendable, Equatable, Codable {
        public var scope: MarginScope
        public var state: ScopeLiquidation
    }

    public init(account: Account) {
        self.account = account
        scopes = []
        nextSequence = 1
        inFlight = []
    }

    public func state(of scope: MarginScope) -> ScopeLiquidation {
        scopes.first { $0.scope == scope }?.state ?? ScopeLiquidation()
    }

    public mutating func setState(_ state: ScopeLiquidation, of scope: MarginScope) {
        if let i = scopes.firstIndex(where: { $0.scope == scope }) {
            scopes[i].state = state
        } else {
            scopes.append(ScopeState(scope: scope, state: state))
            scopes.sort { $0.scope < $1.scope }
        }
    }

    /// True while some scope is in margin call or liquidating, or a tranche is in flight.
    public var isActive: Bool { !inFlight.isEmpty || scopes.contains { $0.state.isActive } }
}

/// A tranche sent to the venue (or, when bankrupt, to the aggregator first).
public struct InFlightTranche: Sendable, Equatable, Codable {
    public var id: TrancheID
    public var scope: MarginScope
    public var orderSide: Side
    public var size: Size
    public var limitPrice: Price
    public var markPrice: Price
    /// Waiting for the aggregator's bankruptcy decision (not yet at the venue).
    public var awaitingDecision: Bool
    /// Size already closed by auto-deleveraging for this tranche.
    public var adlFilled: Size
}
