/// Elementary functions for the statistics of the core (execution schedules, volatility,
/// resilience decay). The core imports nothing but the standard library, which has no
/// `exp` or `log`; these are written out here, and being our own code they also give the
/// same bits on every platform, which keeps simulations reproducible.
///
/// Accuracy is a few ulps over the ranges the core uses; none of these feed balances.
enum Elementary {
    /// ln 2 split so that `k × ln2Hi` is exact for |k| < 2^20 (fdlibm's constants).
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10
    static let ln2 = 0.693147180559945309417232121458176568

    /// e^x.
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.782712893384 { return .infinity }
        if x < -745.2 { return 0 }
        // x = k·ln2 + r with |r| ≤ ln2/2; e^x = 2^k · e^r.
        let k = (x / ln2).rounded()
        let r = (x - k * ln2Hi) - k * ln2Lo
        return scale(expTaylor(r), by: Int(k))
    }

    /// e^x − 1, accurate for small |x| where `exp(x) − 1` would cancel.
    static func expm1(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x.magnitude >= 0.5 { return exp(x) - 1 }
        // x(1 + x/2(1 + x/3(1 + …))): 22 terms for |x| < 0.5 leave < 1e-25.
        var p = 1.0
        for i in stride(from: 22, through: 2, by: -1) { p = 1 + x * p / Double(i) }
        return x * p
    }

    /// 2^y, exact when y is an integer in the normal range.
    static func exp2(_ y: Double) -> Double {
        if y.isNaN { return y }
        if y > 1024 { return .infinity }
        if y < -1075 { return 0 }
        let n = y.rounded(.down)
        let f = y - n
        let frac = f == 0 ? 1.0 : exp(f * ln2)
        return scale(frac, by: Int(n))
    }

    /// Natural logarithm; NaN below zero, −∞ at zero.
    static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x.isInfinite { return x }
        var e = Int(x.exponent)
        var m = x.significand  // [1, 2)
        if m > 1.4142135623730951 { m /= 2; e += 1 }
        // log m = 2 atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172.
        let s = (m - 1) / (m + 1)
        return Double(e) * ln2Hi + (atanhSeries(s) + Double(e) * ln2Lo)
    }

    /// log(1 + u), accurate for small |u|.
    static func log1p(_ u: Double) -> Double {
        if u.isNaN || u < -1 { return .nan }
        if u.magnitude < 0.25 { return atanhSeries(u / (2 + u)) }
        return log(1 + u)
    }

    /// Hyperbolic sine.
    static func sinh(_ x: Double) -> Double {
        let a = x.magnitude
        let r: Double
        if a < 22 {
            let e = expm1(a)
            r = (e + e / (e + 1)) / 2
        } else {
            r = halfExp(a)
        }
        return x < 0 ? -r : r
    }

    /// Hyperbolic cosine.
    static func cosh(_ x: Double) -> Double {
        let a = x.magnitude
        if a < 22 { let e = exp(a); return (e + 1 / e) / 2 }
        return halfExp(a)
    }

    /// e^a / 2 for a ≥ 0, finite up to a ≈ 710.47 where e^a alone would overflow.
    private static func halfExp(_ a: Double) -> Double {
        if a < 709 { return exp(a) / 2 }
        let h = exp(a / 2)
        return h * 0.5 * h
    }

    /// Inverse hyperbolic sine.
    static func asinh(_ z: Double) -> Double {
        let a = z.magnitude
        let r: Double
        if a < 0.5 {
            r = log1p(a + a * a / (1 + (1 + a * a).squareRoot()))
        } else if a > 1e150 {
            r = log(a) + ln2
        } else {
            r = log(a + (a * a + 1).squareRoot())
        }
        return z < 0 ? -r : r
    }

    /// 2 atanh(s) = 2(s + s³/3 + s⁵/5 + …) for |s| ≤ 0.2.
    private static func atanhSeries(_ s: Double) -> Double {
        let s2 = s * s
        var p = 0.0
        for k in stride(from: 31, through: 3, by: -2) { p = (1 / Double(k) + s2 * p) }
        return 2 * (s + s * s2 * p)
    }

    /// e^r for |r| ≤ ln2/2 by its Taylor series in Horner form (18 terms: < 1e-20).
    private static func expTaylor(_ r: Double) -> Double {
        var p = 1.0
        for i in stride(from: 18, through: 1, by: -1) { p = 1 + r * p / Double(i) }
        return p
    }

    /// v × 2^k, in two steps so a subnormal or near-overflow result is still right.
    private static func scale(_ v: Double, by k: Int) -> Double {
        if k > 1000 { return Double(sign: .plus, exponent: k - 1000, significand: v) * Double(sign: .plus, exponent: 1000, significand: 1) }
        if k < -1000 { return Double(sign: .plus, exponent: k + 1000, significand: v) * Double(sign: .plus, exponent: -1000, significand: 1) }
        return Double(sign: .plus, exponent: k, significand: v)
    }
}
