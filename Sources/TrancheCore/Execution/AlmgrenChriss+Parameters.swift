extension AlmgrenChriss {
    /// The inputs of an Almgren–Chriss schedule. Units: sizes in base units, time in
    /// seconds, prices in quote per base unit.
    public struct Parameters: Sendable, Hashable, Codable {
        /// X: total size to sell (base units), positive.
        public var totalSize: Double
        /// N: number of trades, at least 1.
        public var steps: Int
        /// τ: time between two trades (seconds), positive.
        public var tau: Double
        /// σ: price volatility per √second, in price units (quote per base unit), ≥ 0.
        public var sigma: Double
        /// η: temporary impact, price units per (base unit per second), positive.
        public var eta: Double
        /// γ: permanent impact, price units per base unit, ≥ 0.
        public var gamma: Double = 0
        /// ε: fixed cost per unit traded (half-spread plus fees), price units, ≥ 0.
        public var epsilon: Double = 0
        /// λ: risk aversion, 1 / quote, ≥ 0 (0 = risk neutral: the linear schedule).
        public var lambda: Double = 0

        public init(totalSize: Double, steps: Int, tau: Double, sigma: Double, eta: Double,
                    gamma: Double = 0, epsilon: Double = 0, lambda: Double = 0) {
            self.totalSize = totalSize
            self.steps = steps
            self.tau = tau
            self.sigma = sigma
            self.eta = eta
            self.gamma = gamma
            self.epsilon = epsilon
            self.lambda = lambda
        }

        /// η̃ = η − γτ/2: the temporary impact net of the permanent impact's
        /// discretisation term. Must be positive for the problem to be convex.
        public var etaTilde: Double { eta - gamma * tau / 2 }

        /// T = Nτ, seconds.
        public var horizon: Double { Double(steps) * tau }

        /// Checks every parameter; the message says what to change.
        public func validate() throws(ConfigurationError) {
            func fail(_ name: String, _ reason: String) -> ConfigurationError {
                ConfigurationError(field: name, reason: reason)
            }
            func finite(_ name: String, _ v: Double) throws(ConfigurationError) {
                if !v.isFinite { throw fail(name, "must be a finite number, got \(v)") }
            }
            try finite("totalSize", totalSize)
            try finite("tau", tau)
            try finite("sigma", sigma)
            try finite("eta", eta)
            try finite("gamma", gamma)
            try finite("epsilon", epsilon)
            try finite("lambda", lambda)
            if !(totalSize > 0) { throw fail("totalSize", "X must be positive, got \(totalSize)") }
            if steps < 1 { throw fail("steps", "N must be at least 1, got \(steps)") }
            if steps > 1_000_000 { throw fail("steps", "N must be at most 1000000, got \(steps)") }
            if !(tau > 0) { throw fail("tau", "τ must be positive (seconds between trades), got \(tau)") }
            if sigma < 0 { throw fail("sigma", "σ must not be negative, got \(sigma)") }
            if !(eta > 0) { throw fail("eta", "η must be positive, got \(eta)") }
            if gamma < 0 { throw fail("gamma", "γ must not be negative, got \(gamma)") }
            if epsilon < 0 { throw fail("epsilon", "ε must not be negative, got \(epsilon)") }
            if lambda < 0 { throw fail("lambda", "λ must not be negative, got \(lambda)") }
            if !(etaTilde > 0) {
                throw fail("eta", "η̃ = η − γτ/2 must be positive, got \(etaTilde) (η = \(eta), γτ/2 = \(gamma * tau / 2)); raise η or lower γ or τ")
            }
            if !horizon.isFinite { throw fail("tau", "T = Nτ is not finite") }
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case totalSize, steps, tau, sigma, eta, gamma, epsilon, lambda
        }

        /// γ, ε and λ may be left out (0); the others are required.
        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            totalSize = try c.decode(Double.self, forKey: .totalSize)
            steps = try c.decode(Int.self, forKey: .steps)
            tau = try c.decode(Double.self, forKey: .tau)
            sigma = try c.decode(Double.self, forKey: .sigma)
            eta = try c.decode(Double.self, forKey: .eta)
            gamma = try c.decode(.gamma, default: 0)
            epsilon = try c.decode(.epsilon, default: 0)
            lambda = try c.decode(.lambda, default: 0)
        }
    }
}
