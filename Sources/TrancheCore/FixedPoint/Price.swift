/// A price in quote per one base unit, in units of 10^-8. Always positive when valid.
public struct Price: Hashable, Comparable, Sendable {
    /// Price in 10^-8 quote per base unit.
    public var e8: Int64

    @inline(__always) public init(e8: Int64) { self.e8 = e8 }

    /// Whole quote units per base unit, e.g. `Price(units: 60000)`.
    public init(units: Int64) throws(ArithmeticError) {
        e8 = try Checked.multiply(units, Precision.priceScale, "Price(units:)")
    }

    public static let zero = Price(e8: 0)
    public static func < (a: Price, b: Price) -> Bool { a.e8 < b.e8 }

    public static func + (a: Price, b: Price) throws(ArithmeticError) -> Price {
        Price(e8: try Checked.add(a.e8, b.e8, "Price +"))
    }
    public static func - (a: Price, b: Price) throws(ArithmeticError) -> Price {
        Price(e8: try Checked.subtract(a.e8, b.e8, "Price -"))
    }

    /// `self × (1 + rate)` for a signed rate, rounded as stated.
    public func scaled(byOnePlus rate: Rate, _ rounding: Rounding) throws(ArithmeticError) -> Price {
        let factor = try Checked.add(Precision.rateScale, rate.ppm, "Price scale")
        return Price(e8: try Checked.mulDiv(e8, factor, Precision.rateScale, rounding, "Price × (1+rate)"))
    }

    /// Rounds to a multiple of `tick` in the stated direction (tick must be positive).
    public func rounded(toTick tick: Price, _ rounding: Rounding) throws(ArithmeticError) -> Price {
        guard tick.e8 > 0 else { throw .divisionByZero(operation: "Price tick") }
        let q = try Checked.divide(Int128(e8), Int128(tick.e8), rounding, "Price tick")
        return Price(e8: try Checked.narrow(q * Int128(tick.e8), "Price tick"))
    }
}

extension Price: CustomStringConvertible {
    public var description: String { FixedDecimal.format(e8, decimals: Precision.priceDecimals) }
}
