/// A dimensionless rate or fraction in parts per million (10^-6): margin rates, fee
/// rates, price bands, step fractions. `Rate(ppm: 5_000)` is 0.5 %.
public struct Rate: Hashable, Comparable, Sendable {
    /// Parts per million.
    public var ppm: Int64

    @inline(__always) public init(ppm: Int64) { self.ppm = ppm }

    /// Basis points, e.g. `Rate(bps: 50)` is 0.5 %.
    public init(bps: Int64) throws(ArithmeticError) { ppm = try Checked.multiply(bps, 100, "Rate(bps:)") }

    public static let zero = Rate(ppm: 0)
    public static let one = Rate(ppm: Precision.rateScale)
    public static func < (a: Rate, b: Rate) -> Bool { a.ppm < b.ppm }

    public static func + (a: Rate, b: Rate) throws(ArithmeticError) -> Rate {
        Rate(ppm: try Checked.add(a.ppm, b.ppm, "Rate +"))
    }
    public static func - (a: Rate, b: Rate) throws(ArithmeticError) -> Rate {
        Rate(ppm: try Checked.subtract(a.ppm, b.ppm, "Rate -"))
    }

    /// The fraction as a Double, for statistics and reports only.
    public var doubleValue: Double { Double(ppm) / Double(Precision.rateScale) }

    /// Nearest rate to a Double fraction (statistics and recalibration only).
    public init(fraction: Double) {
        let scaled = (fraction * Double(Precision.rateScale)).rounded()
        ppm = scaled.isFinite ? Int64(max(min(scaled, 9.0e18), -9.0e18)) : 0
    }
}

extension Rate: CustomStringConvertible {
    /// As a fraction, e.g. "0.005".
    public var description: String { FixedDecimal.format(ppm, decimals: Precision.rateDecimals) }
}
