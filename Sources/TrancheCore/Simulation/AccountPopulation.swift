/// The accounts of a scenario: generated from distributions, plus an explicit list.
/// Each generated account opens one position at its market's initial price.
public struct AccountPopulation: Sendable, Codable {
    /// Number of generated accounts.
    public var count: Int = 0
    /// Collateral is drawn log-uniformly in [collateralMin, collateralMax].
    public var collateralMin: Quote = Quote(e6: 1_000_000_000)
    public var collateralMax: Quote = Quote(e6: 100_000_000_000)
    /// Leverage (notional / collateral) is drawn uniformly in [leverageMin, leverageMax],
    /// then capped at the market's maximum for that notional (1 / IMR of its bracket).
    public var leverageMin: Double = 2
    public var leverageMax: Double = 20
    /// Share of generated accounts that are long.
    public var longShare: Double = 0.5
    /// Share of generated accounts whose position is isolated (with all its collateral
    /// as isolated margin).
    public var isolatedShare: Double = 0
    /// Relative weight of each market (by symbol) in the draw; equal when absent.
    public var marketWeights: [String: Int]?
    /// Accounts given in full, with positions at their own entry prices.
    public var explicit: [Account] = []
    /// Id of the first generated account (explicit accounts keep their ids).
    public var firstAccountID: UInt64 = 1

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case count, collateralMin, collateralMax, leverageMin, leverageMax, longShare, isolatedShare, marketWeights, explicit, firstAccountID
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AccountPopulation()
        count = try c.decode(.count, default: d.count)
        collateralMin = try c.decode(.collateralMin, default: d.collateralMin)
        collateralMax = try c.decode(.collateralMax, default: d.collateralMax)
        leverageMin = try c.decode(.leverageMin, default: d.leverageMin)
        leverageMax = try c.decode(.leverageMax, default: d.leverageMax)
        longShare = try c.decode(.longShare, default: d.longShare)
        isolatedShare = try c.decode(.isolatedShare, default: d.isolatedShare)
        marketWeights = try c.decodeIfPresent([String: Int].self, forKey: .marketWeights)
        explicit = try c.decode(.explicit, default: [])
        firstAccountID = try c.decode(.firstAccountID, default: d.firstAccountID)
    }

    public func validate(field: String, markets: [MarketScenario]) throws(ConfigurationError) {
        func fail(_ f: String, _ r: String) -> ConfigurationError { ConfigurationError(field: "\(field).\(f)", reason: r) }
        if count < 0 || count > 10_000_000 { throw fail("count", "must be in 0…10 000 000") }
        if count + explicit.count == 0 { throw fail("count", "the scenario has no account") }
        if !collateralMin.isPositive || collateralMax < collateralMin { throw fail("collateralMin", "need 0 < collateralMin ≤ collateralMax") }
        if !(leverageMin >= 1 && leverageMax >= leverageMin && leverageMax <= 1000) { throw fail("leverageMin", "need 1 ≤ leverageMin ≤ leverageMax ≤ 1000") }
        if !(0...1).contains(longShare) { throw fail("longShare", "must be in [0, 1]") }
        if !(0...1).contains(isolatedShare) { throw fail("isolatedShare", "must be in [0, 1]") }
        let symbols = Set(markets.map(\.market.id.symbol))
        for (k, w) in marketWeights ?? [:] {
            if !symbols.contains(k) { throw fail("marketWeights.\(k)", "unknown market") }
            if w < 0 { throw fail("marketWeights.\(k)", "must not be negative") }
        }
        if let w = marketWeights, w.values.reduce(0, +) == 0 { throw fail("marketWeights", "at least one weight must be positive") }
        var ids = Set<AccountID>()
        for (i, a) in explicit.enumerated() {
            if !ids.insert(a.id).inserted { throw fail("explicit[\(i)].id", "duplicate account \(a.id)") }
            if a.id == Backstop.accountID { throw fail("explicit[\(i)].id", "reserved for the backstop") }
            for (j, p) in a.positions.enumerated() where !symbols.contains(p.market.symbol) {
                throw fail("explicit[\(i)].positions[\(j)].market", "unknown market \(p.market)")
            }
        }
        let generated = firstAccountID..<(firstAccountID + UInt64(count))
        if let clash = explicit.first(where: { generated.contains($0.id.rawValue) }) {
            throw fail("firstAccountID", "generated ids \(generated.lowerBound)…\(generated.upperBound - 1) clash with explicit account \(clash.id)")
        }
    }

    /// The accounts to open, in id order: explicit ones as given, generated ones with one
    /// position at the market's initial price (size rounded down to the step, at least one
    /// step). Deterministic for a seed.
    public func generate(markets: [MarketScenario], rng: inout SeededGenerator) throws -> [Account] {
        var out = explicit
        let weights = markets.map { Double(marketWeights?[$0.market.id.symbol] ?? (marketWeights == nil ? 1 : 0)) }
        let totalWeight = weights.reduce(0, +)
        let logMin = Elementary.log(Double(collateralMin.e6)), logMax = Elementary.log(Double(collateralMax.e6))
        for i in 0..<count {
            var pick = rng.nextUnit() * totalWeight
            var m = 0
            while m < markets.count - 1 && pick >= weights[m] { pick -= weights[m]; m += 1 }
            let ms = markets[m]
            let collateral = Quote(e6: Int64(Elementary.exp(logMin + (logMax - logMin) * rng.nextUnit()).rounded(.down)))
            var leverage = leverageMin + (leverageMax - leverageMin) * rng.nextUnit()
            let long = rng.nextUnit() < longShare
            let isolated = rng.nextUnit() < isolatedShare
            // Cap the leverage at the bracket's maximum (1 / IMR), looking the bracket up
            // at the notional the leverage gives; a few passes settle it.
            for _ in 0..<4 {
                let notional = Quote(e6: Int64(Double(collateral.e6) * leverage))
                let imr = ms.market.bracket(forNotional: notional).initialMarginRate.doubleValue
                leverage = min(leverage, 0.98 / imr)
            }
            let notional = Quote(e6: Int64(Double(collateral.e6) * leverage))
            var size = try Size.forNotional(notional, at: ms.initialPrice, .down).rounded(toStep: ms.market.stepSize, .down)
            if !size.isPositive { size = ms.market.stepSize }
            let id = AccountID(firstAccountID + UInt64(i))
            let signed = long ? size : try -size
            let position = Position(market: ms.market.id, size: signed, entryPrice: ms.initialPrice,
                                    mode: isolated ? .isolated : .cross, isolatedMargin: isolated ? collateral : .zero)
            out.append(Account(id: id, collateral: isolated ? .zero : collateral, positions: [position]))
        }
        return out.sorted { $0.id < $1.id }
    }
}
