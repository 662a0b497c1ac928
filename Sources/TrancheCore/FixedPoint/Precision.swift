/// The one place where the fixed-point scales of Tranche live.
///
/// Every amount of money, price, size and rate in the core is an integer count of
/// the smallest unit named here. Changing a scale is a change to this file only.
public enum Precision {
    /// Quote currency (e.g. USD): 1 unit = 10^6 quantums (micro-units). Exponent -6.
    public static let quoteDecimals = 6
    public static let quoteScale: Int64 = 1_000_000
    /// Prices, quote per one base unit: 10^-8. Exponent -8.
    public static let priceDecimals = 8
    public static let priceScale: Int64 = 100_000_000
    /// Sizes in base units (e.g. BTC): 10^-8. Exponent -8.
    public static let sizeDecimals = 8
    public static let sizeScale: Int64 = 100_000_000
    /// Rates (margin rates, fees, bands, fractions): parts per million. Exponent -6.
    public static let rateDecimals = 6
    public static let rateScale: Int64 = 1_000_000

    /// size(e8) × price(e8) = 10^-16 quote; quote quantums are 10^-6, so a notional in
    /// quantums is size × price / 10^10.
    public static let notionalDivisor: Int128 = 10_000_000_000
}

/// Direction of every integer division in the core. The rule of the house: requirements
/// (what a trader owes, margins, fees) round `.up`; payouts (what the system pays out,
/// profits, proceeds) round `.down`. Both are mathematical floor/ceiling, also for
/// negative values, so a loss rounds to the larger loss.
public enum Rounding: Sendable, Equatable {
    /// Toward +infinity (ceiling).
    case up
    /// Toward -infinity (floor).
    case down
}

/// Arithmetic that would overflow or divide by zero is an error, never a crash.
public enum ArithmeticError: Error, Equatable, Sendable, CustomStringConvertible {
    case overflow(operation: String)
    case divisionByZero(operation: String)

    public var description: String {
        switch self {
        case .overflow(let op): return "arithmetic overflow in \(op)"
        case .divisionByZero(let op): return "division by zero in \(op)"
        }
    }
}

/// Checked integer helpers shared by the fixed-point types.
public enum Checked {
    @inline(__always)
    public static func add(_ a: Int64, _ b: Int64, _ op: @autoclosure () -> String = "add") throws(ArithmeticError) -> Int64 {
        let (r, o) = a.addingReportingOverflow(b)
        if o { throw .overflow(operation: op()) }
        return r
    }

    @inline(__always)
    public static func subtract(_ a: Int64, _ b: Int64, _ op: @autoclosure () -> String = "subtract") throws(ArithmeticError) -> Int64 {
        let (r, o) = a.subtractingReportingOverflow(b)
        if o { throw .overflow(operation: op()) }
        return r
    }

    @inline(__always)
    public static func multiply(_ a: Int64, _ b: Int64, _ op: @autoclosure () -> String = "multiply") throws(ArithmeticError) -> Int64 {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        if o { throw .overflow(operation: op()) }
        return r
    }

    /// Narrows a 128-bit intermediate result back to 64 bits.
    @inline(__always)
    public static func narrow(_ v: Int128, _ op: @autoclosure () -> String = "narrow") throws(ArithmeticError) -> Int64 {
        guard let r = Int64(exactly: v) else { throw .overflow(operation: op()) }
        return r
    }

    /// `a / b` rounded as stated, in 128 bits.
    @inline(__always)
    public static func divide(_ a: Int128, _ b: Int128, _ rounding: Rounding, _ op: @autoclosure () -> String = "divide") throws(ArithmeticError) -> Int128 {
        if b == 0 { throw .divisionByZero(operation: op()) }
        let (q, r) = truncatingQuotientAndRemainder(a, b)
        if r == 0 { return q }
        // Truncation went toward zero; the exact quotient is negative when signs differ.
        let negative = (a < 0) != (b < 0)
        switch rounding {
        case .down: return negative ? q - 1 : q
        case .up: return negative ? q : q + 1
        }
    }

    /// `a / b` truncated toward zero and its remainder (the sign of `a`), for b ≠ 0. A
    /// positive divisor below 2^64 whose quotient fits in 64 bits (every money division
    /// of the core: notional, PnL, rates) takes one unsigned 128-by-64 division instead of
    /// the signed 128-bit routine.
    @inline(__always)
    static func truncatingQuotientAndRemainder(_ a: Int128, _ b: Int128) -> (quotient: Int128, remainder: Int128) {
        if b > 0, b <= Int128(UInt64.max) {
            let d = UInt64(truncatingIfNeeded: b)
            let m = a.magnitude
            let high = UInt64(truncatingIfNeeded: m >> 64)
            if high < d {
                let (q, r) = d.dividingFullWidth((high: high, low: UInt64(truncatingIfNeeded: m)))
                return a < 0 ? (-Int128(q), -Int128(r)) : (Int128(q), Int128(r))
            }
        }
        return a.quotientAndRemainder(dividingBy: b)
    }

    /// `a × b / c` in 128 bits, rounded as stated, narrowed to 64 bits.
    @inline(__always)
    public static func mulDiv(_ a: Int64, _ b: Int64, _ c: Int64, _ rounding: Rounding, _ op: @autoclosure () -> String = "mulDiv") throws(ArithmeticError) -> Int64 {
        let p = Int128(a) * Int128(b)  // |a·b| < 2^126: cannot overflow Int128
        return try narrow(divide(p, Int128(c), rounding, op()), op())
    }
}

extension UInt64 {
    /// A magnitude known to fit (it came from an Int64 other than Int64.min).
    @inline(__always) var toInt64: Int64 { Int64(truncatingIfNeeded: self) }
}
