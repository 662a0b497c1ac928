/// The exogenous price path of a market in a scenario: the "index" the venue is given,
/// which no order of the cluster can move.
public enum PricePath: Sendable, Equatable {
    /// Explicit points (time in seconds from the start, price), linearly interpolated;
    /// the last price holds after the last point.
    case points([Point])
    /// Geometric Brownian motion with compound Poisson jumps in log-price.
    case gbm(GBM)
    /// A named shape: hold, fall by `drop` over `over`, optionally recover, with optional
    /// Gaussian noise on top.
    case crash(Crash)

    public struct Point: Sendable, Equatable, Codable {
        public var t: Duration
        public var price: Price
        public init(t: Duration, price: Price) { self.t = t; self.price = price }
    }

    public struct GBM: Sendable, Equatable, Codable {
        /// Drift of log-price per second.
        public var drift: Double = 0
        /// Volatility of log-price per √second.
        public var volatility: Double = 0.0005
        /// Expected jumps per second.
        public var jumpIntensity: Double = 0
        /// Mean and standard deviation of a jump's log-return.
        public var jumpMean: Double = 0
        public var jumpStdDev: Double = 0
        public init() {}
    }

    public struct Crash: Sendable, Equatable, Codable {
        /// Time the fall starts.
        public var start: Duration = .seconds(60)
        /// Fraction the price falls (0.2 = −20 %).
        public var drop: Rate = Rate(ppm: 200_000)
        /// Duration of the fall (linear in price).
        public var over: Duration = .seconds(60)
        /// Fraction of the fall recovered afterwards (0 = none, 1 = back to the start).
        public var recovery: Rate = .zero
        /// Time at the bottom before the recovery starts.
        public var holdBottom: Duration = .zero
        /// Duration of the recovery.
        public var recoverOver: Duration = .seconds(60)
        /// Gaussian noise of log-price per √second added on top (0 = a clean shape).
        public var noise: Double = 0
        public init() {}
    }

    /// Prices at t = 0, step, 2·step, … up to `duration` inclusive, starting at `initial`.
    public func sample(initial: Price, duration: Duration, step: Duration, rng: inout SeededGenerator) -> [Price] {
        let n = Int(duration.nanoseconds / max(step.nanoseconds, 1))
        let dt = step.seconds
        var out: [Price] = []
        out.reserveCapacity(n + 1)
        switch self {
        case .points(let pts):
            for i in 0...n { out.append(Self.interpolate(pts, initial: initial, at: Duration(nanoseconds: Int64(i) * step.nanoseconds))) }
        case .gbm(let g):
            var logP = Elementary.log(Double(initial.e8))
            out.append(initial)
            for _ in 0..<n {
                logP += (g.drift - 0.5 * g.volatility * g.volatility) * dt + g.volatility * dt.squareRoot() * rng.nextGaussian()
                if g.jumpIntensity > 0 && rng.nextUnit() < g.jumpIntensity * dt {
                    logP += g.jumpMean + g.jumpStdDev * rng.nextGaussian()
                }
                out.append(Self.price(fromLog: logP))
            }
        case .crash(let c):
            let p0 = Double(initial.e8)
            let bottom = p0 * (1 - c.drop.doubleValue)
            let recovered = bottom + (p0 - bottom) * c.recovery.doubleValue
            let t1 = c.start.seconds, t2 = t1 + c.over.seconds
            let t3 = t2 + c.holdBottom.seconds, t4 = t3 + c.recoverOver.seconds
            var noise = 0.0
            for i in 0...n {
                let t = Double(i) * dt
                var shape: Double
                if t <= t1 { shape = p0 }
                else if t <= t2 { shape = p0 + (bottom - p0) * (t - t1) / max(t2 - t1, 1e-9) }
                else if c.recovery.ppm == 0 || t <= t3 { shape = bottom }
                else if t <= t4 { shape = bottom + (recovered - bottom) * (t - t3) / max(t4 - t3, 1e-9) }
                else { shape = recovered }
                if c.noise > 0 && i > 0 { noise += c.noise * dt.squareRoot() * rng.nextGaussian() }
                out.append(Self.price(fromLog: Elementary.log(shape) + noise))
            }
        }
        return out
    }

    static func interpolate(_ pts: [Point], initial: Price, at t: Duration) -> Price {
        guard let first = pts.first else { return initial }
        if t <= first.t { return first.price }
        for (a, b) in zip(pts, pts.dropFirst()) where t <= b.t {
            let span = Int128(b.t.nanoseconds - a.t.nanoseconds)
            if span == 0 { return b.price }
            let frac = Int128(t.nanoseconds - a.t.nanoseconds)
            // Linear in price; the path is an input, truncation toward zero is immaterial.
            return Price(e8: Int64(Int128(a.price.e8) + (Int128(b.price.e8) - Int128(a.price.e8)) * frac / span))
        }
        return pts.last!.price
    }

    static func price(fromLog x: Double) -> Price {
        Price(e8: max(Int64(Elementary.exp(x).rounded()), 1))
    }

    /// Checks the path, naming the field.
    public func validate(field: String) throws(ConfigurationError) {
        switch self {
        case .points(let pts):
            if pts.isEmpty { throw ConfigurationError(field: "\(field).points", reason: "at least one point is required") }
            for (i, p) in pts.enumerated() {
                if p.price.e8 <= 0 { throw ConfigurationError(field: "\(field).points[\(i)].price", reason: "must be positive") }
                if i > 0 && p.t < pts[i - 1].t { throw ConfigurationError(field: "\(field).points[\(i)].t", reason: "times must not decrease") }
            }
        case .gbm(let g):
            if !(g.volatility >= 0 && g.volatility.isFinite) { throw ConfigurationError(field: "\(field).volatility", reason: "must be ≥ 0") }
            if !(g.jumpIntensity >= 0 && g.jumpIntensity <= 1) { throw ConfigurationError(field: "\(field).jumpIntensity", reason: "must be in [0, 1] per second") }
            if !(g.jumpStdDev >= 0) { throw ConfigurationError(field: "\(field).jumpStdDev", reason: "must be ≥ 0") }
        case .crash(let c):
            if c.drop.ppm <= 0 || c.drop.ppm >= Precision.rateScale { throw ConfigurationError(field: "\(field).drop", reason: "must be in (0, 1)") }
            if c.recovery.ppm < 0 || c.recovery.ppm > Precision.rateScale { throw ConfigurationError(field: "\(field).recovery", reason: "must be in [0, 1]") }
            if c.over.nanoseconds <= 0 { throw ConfigurationError(field: "\(field).over", reason: "must be positive") }
            if !(c.noise >= 0) { throw ConfigurationError(field: "\(field).noise", reason: "must be ≥ 0") }
        }
    }
}

extension PricePath: Codable {
    enum CodingKeys: String, CodingKey { case kind, points }

    /// JSON: `{"kind": "points", "points": [{"t": "0", "price": "100"}, …]}`,
    /// `{"kind": "gbm", "volatility": 0.001, …}` or `{"kind": "crash", "drop": "0.2", …}`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "points": self = .points(try c.decode([Point].self, forKey: .points))
        case "gbm": self = .gbm(try GBM(from: decoder))
        case "crash": self = .crash(try Crash(from: decoder))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown path kind '\(other)' (points, gbm, crash)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .points(let p): try c.encode("points", forKey: .kind); try c.encode(p, forKey: .points)
        case .gbm(let g): try c.encode("gbm", forKey: .kind); try g.encode(to: encoder)
        case .crash(let k): try c.encode("crash", forKey: .kind); try k.encode(to: encoder)
        }
    }
}

extension PricePath.GBM {
    enum CodingKeys: String, CodingKey, CaseIterable { case kind, drift, volatility, jumpIntensity, jumpMean, jumpStdDev }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        drift = try c.decode(.drift, default: d.drift)
        volatility = try c.decode(.volatility, default: d.volatility)
        jumpIntensity = try c.decode(.jumpIntensity, default: d.jumpIntensity)
        jumpMean = try c.decode(.jumpMean, default: d.jumpMean)
        jumpStdDev = try c.decode(.jumpStdDev, default: d.jumpStdDev)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(drift, forKey: .drift); try c.encode(volatility, forKey: .volatility)
        try c.encode(jumpIntensity, forKey: .jumpIntensity); try c.encode(jumpMean, forKey: .jumpMean); try c.encode(jumpStdDev, forKey: .jumpStdDev)
    }
}

extension PricePath.Crash {
    enum CodingKeys: String, CodingKey, CaseIterable { case kind, start, drop, over, recovery, holdBottom, recoverOver, noise }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        start = try c.decode(.start, default: d.start)
        drop = try c.decode(.drop, default: d.drop)
        over = try c.decode(.over, default: d.over)
        recovery = try c.decode(.recovery, default: d.recovery)
        holdBottom = try c.decode(.holdBottom, default: d.holdBottom)
        recoverOver = try c.decode(.recoverOver, default: d.recoverOver)
        noise = try c.decode(.noise, default: d.noise)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(start, forKey: .start); try c.encode(drop, forKey: .drop); try c.encode(over, forKey: .over)
        try c.encode(recovery, forKey: .recovery); try c.encode(holdBottom, forKey: .holdBottom)
        try c.encode(recoverOver, forKey: .recoverOver); try c.encode(noise, forKey: .noise)
    }
}
