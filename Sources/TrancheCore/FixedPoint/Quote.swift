/// An amount of quote currency (e.g. USD) in quantums of 10^-6. Signed: losses and
/// deficits are negative where stated.
public struct Quote: Hashable, Comparable, Sendable {
    /// Quote quantums (10^-6 quote units).
    public var e6: Int64

    @inline(__always) public init(e6: Int64) { self.e6 = e6 }

    /// Whole quote units, e.g. `Quote(units: 1000)` is 1000 USD.
    public init(units: Int64) throws(ArithmeticError) {
        e6 = try Checked.multiply(units, Precision.quoteScale, "Quote(units:)")
    }

    public static let zero = Quote(e6: 0)
    public static func < (a: Quote, b: Quote) -> Bool { a.e6 < b.e6 }

    @inline(__always)
    public static func + (a: Quote, b: Quote) throws(ArithmeticError) -> Quote {
        Quote(e6: try Checked.add(a.e6, b.e6, "Quote +"))
    }
    @inline(__always)
    public static func - (a: Quote, b: Quote) throws(ArithmeticError) -> Quote {
        Quote(e6: try Checked.subtract(a.e6, b.e6, "Quote -"))
    }
    public static prefix func - (a: Quote) throws(ArithmeticError) -> Quote {
        Quote(e6: try Checked.subtract(0, a.e6, "Quote negate"))
    }

    public var isNegative: Bool { e6 < 0 }
    public var isPositive: Bool { e6 > 0 }
    /// Magnitude; `Int64.min` cannot occur for validated inputs but is still checked.
    public func magnitude() throws(ArithmeticError) -> Quote { e6 < 0 ? try -self : self }

    /// `self × rate`, rounded as stated.
    @inline(__always)
    public func times(_ rate: Rate, _ rounding: Rounding) throws(ArithmeticError) -> Quote {
        Quote(e6: try Checked.mulDiv(e6, rate.ppm, Precision.rateScale, rounding, "Quote × Rate"))
    }

    /// Sum of a sequence, checked.
    public static func sum<S: Sequence>(_ values: S) throws(ArithmeticError) -> Quote where S.Element == Quote {
        var total = Quote.zero
        for v in values { total = try total + v }
        return total
    }
}

extension Quote: CustomStringConvertible {
    /// Exact decimal, e.g. "1234.5" (trailing zeros trimmed).
    public var description: String { FixedDecimal.format(e6, decimals: Precision.quoteDecimals) }
}
