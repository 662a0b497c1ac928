extension Int128 {
    /// self / divisor rounded as stated (floor or ceiling, also for negative values).
    /// For internal callers whose divisor is known to be non-zero.
    @inline(__always)
    func divided(by divisor: Int128, _ rounding: Rounding) -> Int128 {
        precondition(divisor != 0, "division by zero")
        let (q, r) = Checked.truncatingQuotientAndRemainder(self, divisor)
        if r == 0 { return q }
        let negative = (self < 0) != (divisor < 0)
        switch rounding {
        case .down: return negative ? q - 1 : q
        case .up: return negative ? q : q + 1
        }
    }
}
