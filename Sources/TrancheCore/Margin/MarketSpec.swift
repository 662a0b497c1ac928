/// A perpetual market: its symbol, price and size grid, margin brackets and the
/// parameters of its stepwise liquidation.
public struct MarketSpec: Sendable, Codable, Hashable {
    /// Symbol, e.g. "BTC-PERP".
    public var id: MarketID
    /// Price grid: every limit price is a multiple of it.
    public var tickSize: Price
    /// Size grid: every order and tranche size is a multiple of it.
    public var stepSize: Size
    /// Notional brackets, ascending floors, the first at 0.
    public var brackets: [MarginBracket]
    /// Taker fee on a trader's own trades (open, increase, reduce, close), to `.fees`.
    public var takerFeeRate: Rate
    /// Stepwise liquidation parameters.
    public var liquidation: LiquidationParameters

    public init(id: MarketID, tickSize: Price, stepSize: Size, brackets: [MarginBracket], takerFeeRate: Rate = .zero, liquidation: LiquidationParameters = .init()) {
        self.id = id
        self.tickSize = tickSize
        self.stepSize = stepSize
        self.brackets = brackets
        self.takerFeeRate = takerFeeRate
        self.liquidation = liquidation
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case id, tickSize, stepSize, brackets, takerFeeRate, liquidation }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(MarketID.self, forKey: .id)
        tickSize = try c.decode(Price.self, forKey: .tickSize)
        stepSize = try c.decode(Size.self, forKey: .stepSize)
        let rows = try c.decode([MarginBracket.Row].self, forKey: .brackets)
        brackets = rows.map(\.bracket)
        takerFeeRate = try c.decode(.takerFeeRate, default: .zero)
        liquidation = try c.decode(.liquidation, default: LiquidationParameters())
        // Amounts left out are derived so maintenance is continuous across floors.
        if rows.allSatisfy({ $0.amountGiven == false }) {
            do { self = try withContinuousAmounts() } catch {
                throw DecodingError.dataCorruptedError(forKey: .brackets, in: c, debugDescription: "\(error)")
            }
        } else if let k = rows.firstIndex(where: { !$0.amountGiven }) {
            throw DecodingError.dataCorruptedError(forKey: .brackets, in: c, debugDescription: "brackets[\(k)].maintenanceAmount is missing: give it for every bracket or for none (then it is derived)")
        }
    }

    /// Returns a copy whose maintenance amounts are derived so maintenance is continuous:
    /// amount[0] = 0, amount[k] = amount[k-1] + floor[k] × (MMR[k] − MMR[k-1]).
    /// Exact when floors are whole quote units (any remainder would round down).
    public func withContinuousAmounts() throws(ArithmeticError) -> MarketSpec {
        var copy = self
        var amount = Quote.zero
        for k in copy.brackets.indices {
            if k > 0 {
                let delta = try Checked.subtract(copy.brackets[k].maintenanceMarginRate.ppm, copy.brackets[k - 1].maintenanceMarginRate.ppm)
                amount = try amount + copy.brackets[k].notionalFloor.times(Rate(ppm: delta), .down)
            }
            copy.brackets[k].maintenanceAmount = amount
        }
        return copy
    }

    /// Validates everything a later computation relies on. `field` prefixes error paths.
    public func validate(field: String = "market") throws(ConfigurationError) {
        func fail(_ name: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(field: "\(field).\(name)", reason: reason)
        }
        if id.symbol.isEmpty { throw fail("id", "must not be empty") }
        if tickSize.e8 <= 0 { throw fail("tickSize", "must be positive") }
        if stepSize.e8 <= 0 { throw fail("stepSize", "must be positive") }
        if brackets.isEmpty { throw fail("brackets", "at least one bracket is required") }
        if brackets[0].notionalFloor != .zero { throw fail("brackets[0].notionalFloor", "the first bracket must start at 0") }
        for (k, b) in brackets.enumerated() {
            let p = "brackets[\(k)]"
            if b.maintenanceMarginRate.ppm <= 0 || b.maintenanceMarginRate.ppm >= Precision.rateScale {
                throw fail("\(p).maintenanceMarginRate", "must be in (0, 1), got \(b.maintenanceMarginRate)")
            }
            if b.initialMarginRate < b.maintenanceMarginRate || b.initialMarginRate.ppm > Precision.rateScale {
                throw fail("\(p).initialMarginRate", "must be in [maintenanceMarginRate, 1], got \(b.initialMarginRate)")
            }
            // The order of the brackets first: an amount derived from rates that go down comes
            // out negative, and the rate is the real problem to name.
            if k > 0 {
                let prev = brackets[k - 1]
                if b.notionalFloor <= prev.notionalFloor { throw fail("\(p).notionalFloor", "floors must be strictly ascending (\(b.notionalFloor) after \(prev.notionalFloor))") }
                if b.maintenanceMarginRate < prev.maintenanceMarginRate {
                    throw fail("\(p).maintenanceMarginRate", "must not be below the previous bracket's (\(b.maintenanceMarginRate) after \(prev.maintenanceMarginRate)): requirements grow with the notional")
                }
                if b.initialMarginRate < prev.initialMarginRate {
                    throw fail("\(p).initialMarginRate", "must not be below the previous bracket's (\(b.initialMarginRate) after \(prev.initialMarginRate))")
                }
            }
            if b.maintenanceAmount.e6 < 0 { throw fail("\(p).maintenanceAmount", "must not be negative, got \(b.maintenanceAmount)") }
            // maintenance = notional × rate − amount: a positive amount on the first bracket
            // makes small positions need no maintenance at all, so a bankrupt one would never
            // be liquidatable.
            if k == 0 && b.maintenanceAmount.e6 != 0 {
                throw fail("\(p).maintenanceAmount", "must be 0 on the first bracket (got \(b.maintenanceAmount)): positions below \(b.maintenanceAmount) / rate of notional would need no maintenance and never be liquidated")
            }
            if k > 0 {
                let prev = brackets[k - 1]
                // Continuity at the floor: both brackets give the same maintenance there.
                let below: Quote, above: Quote
                do {
                    below = try b.notionalFloor.times(prev.maintenanceMarginRate, .up) - prev.maintenanceAmount
                    above = try b.notionalFloor.times(b.maintenanceMarginRate, .up) - b.maintenanceAmount
                } catch { throw fail(p, "\(error)") }
                if below != above {
                    let expected = (try? prev.maintenanceAmount + b.notionalFloor.times(Rate(ppm: b.maintenanceMarginRate.ppm - prev.maintenanceMarginRate.ppm), .down)) ?? .zero
                    throw fail("\(p).maintenanceAmount", "maintenance is not continuous at the floor \(b.notionalFloor) (\(below) below vs \(above) above); the amount should be \(expected)")
                }
            }
        }
        if takerFeeRate.ppm < 0 || takerFeeRate.ppm >= Precision.rateScale { throw fail("takerFeeRate", "must be in [0, 1), got \(takerFeeRate)") }
        try liquidation.validate(field: "\(field).liquidation", lowestMaintenanceRate: brackets[0].maintenanceMarginRate)
    }

    /// The bracket a notional falls in (largest floor ≤ notional).
    @inline(__always)
    public func bracket(forNotional notional: Quote) -> MarginBracket {
        var i = 0
        while i + 1 < brackets.count, brackets[i + 1].notionalFloor <= notional { i += 1 }
        return brackets[i]
    }

    /// Maintenance requirement of a notional: notional × MMR − amount, rounded up
    /// (a requirement), never below zero.
    public func maintenance(notional: Quote) throws(ArithmeticError) -> Quote {
        try Self.maintenance(notional: notional, bracket: bracket(forNotional: notional))
    }

    /// The same, in a bracket already found for `notional`.
    @inline(__always)
    public static func maintenance(notional: Quote, bracket b: MarginBracket) throws(ArithmeticError) -> Quote {
        max(try notional.times(b.maintenanceMarginRate, .up) - b.maintenanceAmount, .zero)
    }

    /// Initial requirement of a notional: notional × IMR, rounded up (a requirement).
    public func initialRequirement(notional: Quote) throws(ArithmeticError) -> Quote {
        try notional.times(bracket(forNotional: notional).initialMarginRate, .up)
    }

    /// Maintenance plus the liquidation buffer: the level a tranche restores.
    /// maintenance(N) + bufferRate × N, rounded up.
    public func liquidationTarget(notional: Quote) throws(ArithmeticError) -> Quote {
        try maintenance(notional: notional) + notional.times(liquidation.bufferRate, .up)
    }
}
