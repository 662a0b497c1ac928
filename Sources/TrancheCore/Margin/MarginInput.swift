/// The input of `tranche margin FILE`: markets, one account and the marks to evaluate it at.
public struct MarginInput: Sendable, Codable {
    public var markets: [MarketSpec]
    public var account: Account
    /// Mark price per market symbol.
    public var marks: [String: Price]
    /// Policy whose next tranche is shown (default stepwise).
    public var policy: PolicyKind

    enum CodingKeys: String, CodingKey, CaseIterable { case markets, account, marks, policy }

    public init(markets: [MarketSpec], account: Account, marks: [String: Price], policy: PolicyKind = .stepwise) {
        self.markets = markets
        self.account = account
        self.marks = marks
        self.policy = policy
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        markets = try c.decode([MarketSpec].self, forKey: .markets)
        account = try c.decode(Account.self, forKey: .account)
        marks = try c.decode([String: Price].self, forKey: .marks)
        policy = try c.decode(.policy, default: .stepwise)
    }

    /// Checks everything the evaluation relies on, naming the offending field.
    public func validate() throws(ConfigurationError) -> MarginContext {
        var seen = Set<MarketID>()
        for (i, m) in markets.enumerated() {
            try m.validate(field: "markets[\(i)]")
            if !seen.insert(m.id).inserted { throw ConfigurationError(field: "markets[\(i)].id", reason: "duplicate market \(m.id)") }
        }
        if account.collateral.isNegative { throw ConfigurationError(field: "account.collateral", reason: "must not be negative") }
        var held = Set<MarketID>()
        for (i, p) in account.positions.enumerated() {
            let f = "account.positions[\(i)]"
            guard let spec = markets.first(where: { $0.id == p.market }) else {
                throw ConfigurationError(field: "\(f).market", reason: "unknown market \(p.market) (markets: \(markets.map(\.id.symbol).joined(separator: ", ")))")
            }
            if !held.insert(p.market).inserted { throw ConfigurationError(field: "\(f).market", reason: "a second position in \(p.market); one per market") }
            if p.size.isZero { throw ConfigurationError(field: "\(f).size", reason: "must not be zero") }
            if p.size.e8 % spec.stepSize.e8 != 0 { throw ConfigurationError(field: "\(f).size", reason: "\(p.size) is not a multiple of the step \(spec.stepSize)") }
            if p.entryPrice.e8 <= 0 { throw ConfigurationError(field: "\(f).entryPrice", reason: "must be positive") }
            if p.mode == .cross && p.isolatedMargin != .zero { throw ConfigurationError(field: "\(f).isolatedMargin", reason: "only isolated positions carry margin") }
            if p.isolatedMargin.isNegative { throw ConfigurationError(field: "\(f).isolatedMargin", reason: "must not be negative") }
            guard let mark = marks[p.market.symbol] else { throw ConfigurationError(field: "marks", reason: "no mark for \(p.market)") }
            if mark.e8 <= 0 { throw ConfigurationError(field: "marks.\(p.market)", reason: "must be positive") }
        }
        var byID: [MarketID: Price] = [:]
        for (k, v) in marks { byID[MarketID(k)] = v }
        return MarginContext(markets: markets, marks: byID)
    }
}
