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
        if !collateralMin.isPositive { throw fail("collateralMin", "must be positive") }
        if collateralMax < collateralMin { throw fail("collateralMax", "must be at least collateralMin (\(collateralMin))") }
        if !(leverageMin >= 1 && leverageMax >= leverageMin && leverageMax <= 1000) { throw fail("leverageMin", "need 1 ≤ leverageMin ≤ leverageMax ≤ 1000") }
        // Notionals are drawn as collateral × leverage in 64-bit quantums.
        if Double(collateralMax.e6) * leverageMax >= 9e18 { throw fail("collateralMax", "collateralMax × leverageMax overflows a notional") }
        if !(0...1).contains(longShare) { throw fail("longShare", "must be in [0, 1]") }
        if !(0...1).contains(isolatedShare) { throw fail("isolatedShare", "must be in [0, 1]") }
        let symbols = Set(markets.map(\.market.id.symbol))
        for (k, w) in marketWeights ?? [:] {
            if !symbols.contains(k) { throw fail("marketWeights.\(k)", "unknown market") }
            if w < 0 || w > 1_000_000 { throw fail("marketWeights.\(k)", "must be in 0…1 000 000") }
        }
        if let w = marketWeights, w.values.reduce(0, +) == 0 { throw fail("marketWeights", "at least one weight must be positive") }
        if count > 0 {
            // Generated positions open at the initial price, which must be a price a trader
            // can trade at.
            for (i, m) in markets.enumerated() where weight(of: m) > 0 && m.market.tickSize.e8 > 0 && m.initialPrice.e8 % m.market.tickSize.e8 != 0 {
                throw ConfigurationError(field: "markets[\(i)].initialPrice", reason: "\(m.initialPrice) is not a multiple of the tick \(m.market.tickSize) (generated accounts open there)")
            }
        }
        var ids = Set<AccountID>()
        for (i, a) in explicit.enumerated() {
            let f = "explicit[\(i)]"
            if !ids.insert(a.id).inserted { throw fail("\(f).id", "duplicate account \(a.id)") }
            if a.id == Backstop.accountID { throw fail("\(f).id", "reserved for the backstop") }
            if a.collateral.isNegative { throw fail("\(f).collateral", "must not be negative") }
            if a.unsettledDeficit.isNegative { throw fail("\(f).unsettledDeficit", "must not be negative") }
            var held = Set<MarketID>()
            for (j, p) in a.positions.enumerated() {
                let pf = "\(f).positions[\(j)]"
                guard let spec = markets.first(where: { $0.market.id == p.market })?.market else {
                    throw fail("\(pf).market", "unknown market \(p.market) (markets: \(markets.map(\.market.id.symbol).joined(separator: ", ")))")
                }
                if !held.insert(p.market).inserted { throw fail("\(pf).market", "a second position in \(p.market); one per market") }
                if p.size.isZero { throw fail("\(pf).size", "must not be zero") }
                if spec.stepSize.e8 > 0 && p.size.e8 % spec.stepSize.e8 != 0 { throw fail("\(pf).size", "\(p.size) is not a multiple of the step \(spec.stepSize)") }
                if p.entryPrice.e8 <= 0 { throw fail("\(pf).entryPrice", "must be positive") }
                if p.isolatedMargin.isNegative { throw fail("\(pf).isolatedMargin", "must not be negative") }
                if p.mode == .cross && p.isolatedMargin.isPositive { throw fail("\(pf).isolatedMargin", "only isolated positions carry margin") }
            }
        }
        // The last generated id must not overflow, nor reach the backstop's (UInt64.max).
        if count > 0 && firstAccountID > UInt64.max - 1 - UInt64(count - 1) {
            throw fail("firstAccountID", "generated ids \(firstAccountID)… would pass \(UInt64.max - 1) (the backstop's id is \(UInt64.max))")
        }
        let generated = firstAccountID..<(firstAccountID + UInt64(count))
        if let (i, clash) = explicit.enumerated().first(where: { generated.contains($0.element.id.rawValue) }) {
            throw fail("firstAccountID", "generated ids \(generated.lowerBound)…\(generated.upperBound - 1) clash with explicit[\(i)] (account \(clash.id))")
        }
    }

    /// Relative weight of a market in the draw.
    func weight(of market: MarketScenario) -> Int {
        guard let weights = marketWeights else { return 1 }
        return weights[market.market.id.symbol] ?? 0
    }

    /// The accounts to open, in id order: explicit ones as given, generated ones with one
    /// position at the market's initial price. Deterministic for a seed.
    ///
    /// A generated position passes the initial-margin check of `Account.submit` at the
    /// initial price, taker fee included: its leverage is capped at
    /// 0.98 / (IMR + takerFeeRate) of the bracket its notional falls in. Its size is
    /// rounded down to the step, and is at least one step; when one step needs more than
    /// the drawn collateral, the collateral is raised to what the step needs (initial
    /// requirement + fee), so such an account may hold more than `collateralMax`.
    public func generate(markets: [MarketScenario], rng: inout SeededGenerator) throws -> [Account] {
        var out = explicit
        out.reserveCapacity(explicit.count + count)
        let weights = markets.map { weight(of: $0) }
        let totalWeight = weights.reduce(0, +)
        let logMin = Elementary.log(Double(collateralMin.e6)), logMax = Elementary.log(Double(collateralMax.e6))
        for i in 0..<count {
            // Integer weights: a pick in [0, total) lands in a positive-weight market
            // whatever the rounding (the modulo bias is below 2^-40 for any sane total).
            var pick = totalWeight > 0 ? Int(rng.next() % UInt64(totalWeight)) : 0
            var m = 0
            while m < markets.count - 1 && pick >= weights[m] { pick -= weights[m]; m += 1 }
            let ms = markets[m]
            let spec = ms.market
            let drawn = Int64(Elementary.exp(logMin + (logMax - logMin) * rng.nextUnit()).rounded(.down))
            // exp(log x) may come back a quantum short of the bound.
            var collateral = Quote(e6: min(max(drawn, collateralMin.e6), collateralMax.e6))
            var leverage = leverageMin + (leverageMax - leverageMin) * rng.nextUnit()
            let long = rng.nextUnit() < longShare
            let isolated = rng.nextUnit() < isolatedShare
            // Cap the leverage at the bracket's maximum (1 / (IMR + fee), with 2 % to spare
            // for rounding), looking the bracket up at the notional the leverage gives. The
            // leverage only falls and IMR does not rise as the notional falls, so every
            // pass leaves a valid cap; a few settle it near the largest.
            for _ in 0..<4 {
                let notional = Quote(e6: Int64(Double(collateral.e6) * leverage))
                let imr = spec.bracket(forNotional: notional).initialMarginRate.doubleValue
                leverage = min(leverage, 0.98 / (imr + spec.takerFeeRate.doubleValue))
            }
            let notional = Quote(e6: Int64(Double(collateral.e6) * leverage))
            var size = try Size.forNotional(notional, at: ms.initialPrice, .down).rounded(toStep: spec.stepSize, .down)
            if !size.isPositive {
                size = spec.stepSize
                let stepNotional = try size.notional(at: ms.initialPrice, .up)
                let needed = try spec.initialRequirement(notional: stepNotional) + stepNotional.times(spec.takerFeeRate, .up)
                collateral = max(collateral, needed)
            }
            let id = AccountID(firstAccountID + UInt64(i))
            let signed = long ? size : try -size
            let position = Position(market: spec.id, size: signed, entryPrice: ms.initialPrice,
                                    mode: isolated ? .isolated : .cross, isolatedMargin: isolated ? collateral : .zero)
            out.append(Account(id: id, collateral: isolated ? .zero : collateral, positions: [position]))
        }
        return out.sorted { $0.id < $1.id }
    }
}
