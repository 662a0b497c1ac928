/// The pace of a market's liquidation flow: the Almgren–Chriss trade-off between impact
/// and the risk of waiting, with the impact measured on the live book.
///
/// The book: depth D (quote) rests inside the band b (fraction of price) and consumed
/// depth comes back at rate r = ln 2 / h. Selling at a steady rate v (quote / s) keeps
/// v / r consumed, which costs a price concession of (v / r) / (D / b): the temporary
/// impact coefficient is η = b / (r·D) (fraction per quote / s), cost per second η·v².
///
/// The risk: a backlog X (quote) held for a second costs λ·σ²·X² in variance (λ the risk
/// aversion, σ² the variance per second of log-price) and |μ|·X in expected adverse drift
/// (μ the mark's trend per second). Minimising ∫ (η·v² + λσ²x² + |μ|·x) dt with ẋ = −v
/// gives x'' = κ²x + |μ|/(2η), κ = √(λσ²/η). Two of its trajectories (`PaceHorizon`):
///
///     infinite: v = κ·X + |μ| / (2·η·κ)      (x tends to −|μ|/(2ηκ²): it reaches 0 still selling)
///     finite:   v = √(κ²·X² + |μ|·X / η)     (x reaches 0 at rate 0; H = ηv² − λσ²x² − |μ|x = 0)
///
/// The finite one is the optimum for a backlog that only shrinks. The infinite one sells
/// faster (by |μ|/(2ηκ) at most, which grows without bound as κ → 0): it treats the queue
/// as if it did not end, as in a cascade where new liquidations keep joining it.
/// Either way a fast crash liquidates faster and a calm, thin book slower. The rate is kept between the sustainable rate
/// share·r·D (what the band refills while staying half full) and maxShare·D per second.
/// Doubles: a statistic that sets a budget, never a balance.
public struct LiquidationPace: Sendable, Equatable {
    public var ratePerSecond: Double
    public var kappa: Double
    public var eta: Double
    public var floorRate: Double
    public var ceilingRate: Double

    /// - Parameters: depth D (quote), band b, backlog X (quote), variance σ² per second,
    ///   drift |μ| per second, and the configuration's r, λ and bounds.
    public static func compute(depth: Double, band: Double, backlog: Double, variancePerSecond: Double, drift: Double,
                               configuration c: LiquidationBudgetConfiguration) -> LiquidationPace {
        let r = 0.6931471805599453 / (Double(c.resilienceHalfLife.nanoseconds) / 1e9)
        let floorRate = c.sustainableShare.doubleValue * r * max(depth, 0)
        let ceilingRate = max(c.maxBandSharePerSecond.doubleValue * max(depth, 0), floorRate)
        guard depth > 0, band > 0 else { return LiquidationPace(ratePerSecond: 0, kappa: 0, eta: .infinity, floorRate: 0, ceilingRate: 0) }
        let eta = band / (r * depth)
        let kappa = (c.riskAversion * max(variancePerSecond, 0) / eta).squareRoot()
        let x = max(backlog, 0)
        var v: Double
        switch c.paceHorizon {
        case .infinite:
            v = kappa * x
            if kappa > 0 { v += abs(drift) / (2 * eta * kappa) } else if drift != 0 { v = ceilingRate }
        case .finite:
            v = (kappa * kappa * x * x + abs(drift) * x / eta).squareRoot()
        }
        if !v.isFinite { v = ceilingRate }
        return LiquidationPace(ratePerSecond: min(max(v, floorRate), ceilingRate), kappa: kappa, eta: eta, floorRate: floorRate, ceilingRate: ceilingRate)
    }
}

/// Which Almgren–Chriss trajectory sets the budget's rate (`LiquidationPace`).
public enum PaceHorizon: String, Sendable, Codable, Equatable, CaseIterable {
    /// v = κX + |μ|/(2ηκ): the queue treated as endless (the default; measured in
    /// docs/simulation.md, "The liquidation budget").
    case infinite
    /// v = √(κ²X² + |μ|X/η): the optimum for a backlog that ends at zero.
    case finite
}
