/// A trader account: cross collateral and positions.
public struct Account: Sendable, Codable, Hashable {
    public var id: AccountID
    /// Cross wallet balance in quote (deposits − withdrawals + realised PnL − fees − margin
    /// moved into isolated positions). May go negative only transiently during bankruptcy
    /// settlement.
    public var collateral: Quote
    /// Open positions, at most one per market, kept sorted by market so every iteration
    /// is deterministic.
    public private(set) var positions: [Position]
    /// Deficit of a closed scope not yet covered by the insurance fund (or ADL), positive.
    /// Kept apart from `collateral` so that an isolated position's loss never reaches the
    /// cross collateral.
    public var unsettledDeficit: Quote

    public init(id: AccountID, collateral: Quote = .zero, positions: [Position] = [], unsettledDeficit: Quote = .zero) {
        self.id = id
        self.collateral = collateral
        self.unsettledDeficit = unsettledDeficit
        self.positions = positions.sorted { $0.market < $1.market }
    }

    public func position(in market: MarketID) -> Position? {
        positions.first { $0.market == market }
    }

    /// Inserts, replaces or (with size zero) removes the position of `position.market`.
    public mutating func setPosition(_ position: Position) {
        if let i = positions.firstIndex(where: { $0.market == position.market }) {
            if position.size.isZero { positions.remove(at: i) } else { positions[i] = position }
        } else if !position.size.isZero {
            positions.append(position)
            positions.sort { $0.market < $1.market }
        }
    }

    /// Positions that belong to a scope.
    public func positions(in scope: MarginScope) -> [Position] {
        positions.filter { scope.contains($0) }
    }

    /// Every scope with at least one position, cross first.
    public var scopes: [MarginScope] {
        var result: [MarginScope] = positions.contains { $0.mode == .cross } ? [.cross] : []
        for p in positions where p.mode == .isolated { result.append(.isolated(p.market)) }
        return result
    }

    /// Quote the account holds in the ledger: cross collateral plus isolated margins minus
    /// the unsettled deficit. Always equals the ledger balance of `.trader(id)`.
    public func heldBalance() throws(ArithmeticError) -> Quote {
        var total = try collateral - unsettledDeficit
        for p in positions where p.mode == .isolated { total = try total + p.isolatedMargin }
        return total
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case id, collateral, positions, unsettledDeficit }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(AccountID.self, forKey: .id),
            collateral: try c.decode(Quote.self, forKey: .collateral),
            positions: try c.decode(.positions, default: []),
            unsettledDeficit: try c.decode(.unsettledDeficit, default: .zero))
    }
}
