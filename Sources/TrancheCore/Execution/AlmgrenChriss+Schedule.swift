extension AlmgrenChriss {
    /// An optimal trajectory and its cost statistics.
    public struct Schedule: Sendable, Hashable {
        public var parameters: Parameters
        /// κ (1/second); 0 for the linear schedule.
        public var kappa: Double
        /// x_0 … x_N: holdings before the first trade and after each, x_0 = X, x_N = 0.
        public var holdings: [Double]
        /// n_1 … n_N: size sold in each step, n_j = x_{j−1} − x_j.
        public var trades: [Double]
        /// E: expected cost of the schedule (quote).
        public var expectedCost: Double
        /// V: variance of the cost (quote²).
        public var variance: Double

        /// t_0 … t_N: time of each holding, t_j = jτ (seconds).
        public var times: [Double] { (0...parameters.steps).map { Double($0) * parameters.tau } }

        /// E + λV, the objective the schedule minimises.
        public var utility: Double { expectedCost + parameters.lambda * variance }

        /// The trades as exact tranche sizes on the size grid, summing to exactly X rounded
        /// to the step.
        ///
        /// Rounding: X is taken to the nearest 10^-8 and then rounded DOWN to a multiple of
        /// `step` (a schedule never sells more than the position). Each cumulative amount
        /// sold, X·(1 − x_j/X), is rounded to the nearest step (ties away from zero) and
        /// kept non-decreasing; tranche j is the difference of two cumulative amounts, and
        /// the last cumulative amount is the rounded total exactly. So rounding errors do
        /// not accumulate: after every tranche the amount sold is within half a step of
        /// the plan. Tranches may be zero when a step is larger than a trade.
        public func rounded(toStep step: Size) throws(ConfigurationError) -> [Size] {
            guard step.e8 > 0 else { throw ConfigurationError(field: "step", reason: "must be positive, got \(step)") }
            let x = parameters.totalSize
            let scaled = (x * Double(Precision.sizeScale)).rounded()
            guard scaled < 9.2e18, let totalE8 = Int64(exactly: scaled) else {
                throw ConfigurationError(field: "totalSize", reason: "\(x) does not fit the size grid's 64-bit range")
            }
            let totalSteps = totalE8 / step.e8  // both positive: truncation rounds down
            var result: [Size] = []
            result.reserveCapacity(trades.count)
            var previous: Int64 = 0
            for j in 1...trades.count {
                var cumulative: Int64
                if j == trades.count {
                    cumulative = totalSteps
                } else {
                    let soldFraction = min(max(1 - holdings[j] / x, 0), 1)
                    cumulative = Int64((Double(totalSteps) * soldFraction).rounded(.toNearestOrAwayFromZero))
                    cumulative = min(max(cumulative, previous), totalSteps)
                }
                // (cumulative − previous) ≤ totalSteps, so the product fits: it is ≤ totalE8.
                result.append(Size(e8: (cumulative - previous) * step.e8))
                previous = cumulative
            }
            return result
        }
    }
}
