/// Almgren–Chriss optimal execution (Almgren & Chriss, "Optimal execution of portfolio
/// transactions", 2000): the trajectory that sells X units in N steps of length τ
/// minimising E[cost] + λ·Var[cost] under linear permanent impact γ, linear temporary
/// impact η, a fixed cost ε per unit and arithmetic Brownian price noise σ.
///
///     η̃ = η − γτ/2                       (must be positive)
///     κ̃² = λσ²/η̃,   2(cosh(κτ) − 1)/τ² = κ̃²   ⇔   κ = (2/τ)·asinh(κ̃τ/2)
///     x_j = X · sinh(κ(T − t_j)) / sinh(κT),     t_j = jτ, T = Nτ
///     n_j = x_{j−1} − x_j
///     E = ½γX² + εΣ|n_j| + (η̃/τ)Σn_j²
///     V = σ²τ Σ_{j=1..N} x_j²
///
/// λ = 0 is the linear (TWAP) trajectory x_j = X(1 − j/N), handled exactly. Doubles are
/// fine here: a schedule is a plan; `Schedule.rounded(toStep:)` turns it into exact
/// tranche sizes. See docs/almgren-chriss.md.
public enum AlmgrenChriss {
    /// The optimal schedule for `parameters`, which are validated first.
    public static func schedule(_ parameters: Parameters) throws(ConfigurationError) -> Schedule {
        try parameters.validate()
        let n = parameters.steps
        let x = parameters.totalSize
        let tau = parameters.tau
        let kappa = self.kappa(parameters)
        let horizon = Double(n) * tau

        var holdings = [Double](repeating: 0, count: n + 1)
        var trades = [Double](repeating: 0, count: n)
        if kappa == 0 || !(kappa * horizon > 0) {
            // λ = 0 (or κT underflowing): equal trades, exactly.
            let trade = x / Double(n)
            for j in 0...n { holdings[j] = x * Double(n - j) / Double(n) }
            for j in 0..<n { trades[j] = trade }
        } else {
            // sinh(κ(T−t))/sinh(κT) = e^(−κt) · (1 − e^(−2κ(T−t))) / (1 − e^(−2κT)):
            // no overflow for large κT, no cancellation for small κT.
            let denominator = -Elementary.expm1(-2 * kappa * horizon)
            for j in 0...n {
                let t = Double(j) * tau
                let remaining = Double(n - j) * tau
                holdings[j] = x * Elementary.exp(-kappa * t) * (-Elementary.expm1(-2 * kappa * remaining)) / denominator
            }
            holdings[0] = x
            holdings[n] = 0
            for j in 1...n { trades[j - 1] = holdings[j - 1] - holdings[j] }
        }

        let etaTilde = parameters.etaTilde
        var absSum = 0.0, squareSum = 0.0, holdingSquareSum = 0.0
        for t in trades { absSum += t.magnitude; squareSum += t * t }
        for j in 1...n { holdingSquareSum += holdings[j] * holdings[j] }
        let expectedCost = 0.5 * parameters.gamma * x * x + parameters.epsilon * absSum + etaTilde / tau * squareSum
        let variance = parameters.sigma * parameters.sigma * tau * holdingSquareSum
        guard expectedCost.isFinite, variance.isFinite else {
            throw ConfigurationError(field: "parameters", reason: "the expected cost or variance is not finite (E = \(expectedCost), V = \(variance)); the inputs are too large")
        }
        return Schedule(parameters: parameters, kappa: kappa, holdings: holdings, trades: trades,
                        expectedCost: expectedCost, variance: variance)
    }

    /// κ, the urgency of the trajectory (1/second): (2/τ)·asinh(√(λσ²/η̃)·τ/2), the
    /// exact solution of 2(cosh(κτ) − 1)/τ² = λσ²/η̃. Zero when λ or σ is zero.
    public static func kappa(_ parameters: Parameters) -> Double {
        let kappaTildeSquared = parameters.lambda * parameters.sigma * parameters.sigma / parameters.etaTilde
        if !(kappaTildeSquared > 0) { return 0 }
        return 2 / parameters.tau * Elementary.asinh(kappaTildeSquared.squareRoot() * parameters.tau / 2)
    }
}
