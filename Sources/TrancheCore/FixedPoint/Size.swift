/// A quantity of the base asset (e.g. BTC) in units of 10^-8. Positions carry a signed
/// size: positive long, negative short. Order and tranche sizes are positive.
public struct Size: Hashable, Comparable, Sendable {
    /// Size in 10^-8 base units.
    public var e8: Int64

    @inline(__always) public init(e8: Int64) { self.e8 = e8 }

    /// Whole base units, e.g. `Size(units: 2)` is 2 BTC.
    public init(units: Int64) throws(ArithmeticError) {
        e8 = try Checked.multiply(units, Precision.sizeScale, "Size(units:)")
    }

    public static let zero = Size(e8: 0)
    public static func < (a: Size, b: Size) -> Bool { a.e8 < b.e8 }

    public static func + (a: Size, b: Size) throws(ArithmeticError) -> Size {
        Size(e8: try Checked.add(a.e8, b.e8, "Size +"))
    }
    public static func - (a: Size, b: Size) throws(ArithmeticError) -> Size {
        Size(e8: try Checked.subtract(a.e8, b.e8, "Size -"))
    }
    public static prefix func - (a: Size) throws(ArithmeticError) -> Size {
        Size(e8: try Checked.subtract(0, a.e8, "Size negate"))
    }

    public var isZero: Bool { e8 == 0 }
    public var isPositive: Bool { e8 > 0 }
    public func magnitude() throws(ArithmeticError) -> Size { e8 < 0 ? try -self : self }

    /// Notional value `|self| × price` in quote, rounded as stated.
    @inline(__always)
    public func notional(at price: Price, _ rounding: Rounding) throws(ArithmeticError) -> Quote {
        let p = Int128(e8.magnitude) * Int128(price.e8)
        let q = try Checked.divide(p, Precision.notionalDivisor, rounding, "notional")
        return Quote(e6: try Checked.narrow(q, "notional"))
    }

    /// Signed value `self × price` in quote (negative for shorts), rounded as stated.
    public func signedValue(at price: Price, _ rounding: Rounding) throws(ArithmeticError) -> Quote {
        let p = Int128(e8) * Int128(price.e8)
        let q = try Checked.divide(p, Precision.notionalDivisor, rounding, "signed value")
        return Quote(e6: try Checked.narrow(q, "signed value"))
    }

    /// `self × rate`, rounded as stated (e.g. the max step fraction of a position).
    public func times(_ rate: Rate, _ rounding: Rounding) throws(ArithmeticError) -> Size {
        Size(e8: try Checked.mulDiv(e8, rate.ppm, Precision.rateScale, rounding, "Size × Rate"))
    }

    /// Rounds to a multiple of `step` in the stated direction (step must be positive).
    public func rounded(toStep step: Size, _ rounding: Rounding) throws(ArithmeticError) -> Size {
        guard step.e8 > 0 else { throw .divisionByZero(operation: "Size step") }
        let q = try Checked.divide(Int128(e8), Int128(step.e8), rounding, "Size step")
        return Size(e8: try Checked.narrow(q * Int128(step.e8), "Size step"))
    }

    /// The size whose notional at `price` is `notional`, rounded as stated.
    public static func forNotional(_ notional: Quote, at price: Price, _ rounding: Rounding) throws(ArithmeticError) -> Size {
        let n = Int128(notional.e6) * Precision.notionalDivisor
        return Size(e8: try Checked.narrow(Checked.divide(n, Int128(price.e8), rounding, "size for notional"), "size for notional"))
    }
}

extension Size: CustomStringConvertible {
    public var description: String { FixedDecimal.format(e8, decimals: Precision.sizeDecimals) }
}
