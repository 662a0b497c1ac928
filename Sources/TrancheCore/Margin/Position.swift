/// How a position is margined.
public enum MarginMode: String, Sendable, Codable, Hashable {
    /// Shares the account's collateral with every other cross position.
    case cross
    /// Carries its own margin; only that margin can be lost.
    case isolated
}

/// An open position. One position per market per account (one-way mode).
public struct Position: Sendable, Codable, Hashable {
    public var market: MarketID
    /// Signed size: positive long, negative short. Never zero in an account.
    public var size: Size
    /// Average entry price.
    public var entryPrice: Price
    public var mode: MarginMode
    /// Margin held by an isolated position (zero for cross).
    public var isolatedMargin: Quote

    public init(market: MarketID, size: Size, entryPrice: Price, mode: MarginMode = .cross, isolatedMargin: Quote = .zero) {
        self.market = market
        self.size = size
        self.entryPrice = entryPrice
        self.mode = mode
        self.isolatedMargin = isolatedMargin
    }

    public var side: Side { size.e8 >= 0 ? .long : .short }

    enum CodingKeys: String, CodingKey, CaseIterable { case market, size, entryPrice, mode, isolatedMargin }

    /// JSON: `mode` defaults to cross and `isolatedMargin` to zero.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(market: try c.decode(MarketID.self, forKey: .market),
                  size: try c.decode(Size.self, forKey: .size),
                  entryPrice: try c.decode(Price.self, forKey: .entryPrice),
                  mode: try c.decode(.mode, default: .cross),
                  isolatedMargin: try c.decode(.isolatedMargin, default: .zero))
    }

    /// Unrealised PnL at `mark`: size × (mark − entry), rounded down (a gain is a payout
    /// and rounds down; a loss rounds to the larger loss).
    @inline(__always)
    public func unrealisedPnl(at mark: Price) throws(ArithmeticError) -> Quote {
        let diff = Int128(mark.e8) - Int128(entryPrice.e8)
        let q = try Checked.divide(Int128(size.e8) * diff, Precision.notionalDivisor, .down, "unrealised PnL")
        return Quote(e6: try Checked.narrow(q, "unrealised PnL"))
    }

    /// PnL realised by closing `amount` (positive, ≤ |size|) at `price`, rounded down.
    public func realisedPnl(closing amount: Size, at price: Price) throws(ArithmeticError) -> Quote {
        let signed = side == .long ? amount.e8 : -amount.e8
        let diff = Int128(price.e8) - Int128(entryPrice.e8)
        let q = try Checked.divide(Int128(signed) * diff, Precision.notionalDivisor, .down, "realised PnL")
        return Quote(e6: try Checked.narrow(q, "realised PnL"))
    }
}

/// A margin scope: the unit that is liquidated as a whole. All cross positions of an
/// account form one scope; each isolated position is a scope of its own.
extension Position {
    /// Whether the position counts in `scope`: a cross position in the cross scope, an
    /// isolated one in its own.
    @inline(__always)
    public func belongs(to scope: MarginScope) -> Bool {
        switch scope {
        case .cross: return mode == .cross
        case .isolated(let m): return mode == .isolated && market == m
        }
    }
}

public enum MarginScope: Hashable, Sendable, Comparable, CustomStringConvertible {
    case cross
    case isolated(MarketID)

    public var description: String {
        switch self {
        case .cross: return "cross"
        case .isolated(let m): return "isolated:\(m)"
        }
    }

    /// Whether `position` is margined in this scope.
    public func contains(_ position: Position) -> Bool {
        switch self {
        case .cross: return position.mode == .cross
        case .isolated(let m): return position.mode == .isolated && position.market == m
        }
    }
}

extension MarginScope: Codable {
    /// JSON form: "cross" or "isolated:MARKET".
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        if s == "cross" { self = .cross }
        else if s.hasPrefix("isolated:"), s.count > 9 { self = .isolated(MarketID(String(s.dropFirst(9)))) }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown scope '\(s)' (cross or isolated:MARKET)") }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
