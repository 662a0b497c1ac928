/// Finds the smallest reduction q (a multiple of the step) of one position such that
///   E − fee(q·m) ≥ T_others + target(N − q·m)
/// where target(N) = maintenance(N) + buffer × N. Exact: a closed-form guess per bracket,
/// verified and corrected with the same integer arithmetic the rest of the core uses.
struct TrancheSolver {
    let spec: MarketSpec
    let mark: Price
    let absSize: Size
    let equity: Quote
    let othersTarget: Quote

    /// True when reducing by `q` (filled at the mark) restores the target.
    func restores(_ q: Size) throws(ArithmeticError) -> Bool {
        let fee = try q.notional(at: mark, .up).times(spec.liquidation.liquidationFeeRate, .up)
        let remaining = try (absSize - q).notional(at: mark, .up)
        return try equity - fee >= othersTarget + spec.liquidationTarget(notional: remaining)
    }

    /// The smallest restoring size, or nil when even closing the whole position does not
    /// restore the target (the scope needs other positions reduced too).
    func smallestRestoringSize() throws(ArithmeticError) -> Size? {
        let step = spec.stepSize
        guard try restores(absSize) else { return nil }
        let steps = (absSize.e8 + step.e8 - 1) / step.e8  // whole steps in the position (last may be partial)
        func size(ofSteps k: Int64) -> Size { Size(e8: min(k * step.e8, absSize.e8)) }

        // Closed-form guess, then exact correction by bisection around it.
        var guess = try closedFormSteps()
        guess = min(max(guess, 1), steps)
        var lo: Int64 = 0, hi: Int64 = steps  // invariant: restores(hi), !restores(lo) unless lo == 0 untested
        if try restores(size(ofSteps: guess)) {
            hi = guess
            if guess > 1, try !restores(size(ofSteps: guess - 1)) { return size(ofSteps: guess) }
        } else {
            lo = guess
            if guess < steps, try restores(size(ofSteps: guess + 1)) { return size(ofSteps: guess + 1) }
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if try restores(size(ofSteps: mid)) { hi = mid } else { lo = mid }
        }
        return size(ofSteps: hi)
    }

    /// Within bracket k (rate r, amount a), with fee rate f and buffer b, the largest
    /// notional left that meets the target is
    ///   N* = (E − f·N − T_others + a) / (r + b − f)
    /// Walk from the bracket of the current notional downward until N* falls inside the
    /// bracket. Returns the number of steps (rounded up) to go from N to N*.
    func closedFormSteps() throws(ArithmeticError) -> Int64 {
        let p = spec.liquidation
        let notional = try absSize.notional(at: mark, .up)
        let scale = Int128(Precision.rateScale)
        var k = spec.brackets.lastIndex { $0.notionalFloor <= notional } ?? 0
        var remaining: Int128 = 0
        while true {
            let b = spec.brackets[k]
            let numerator = (Int128(equity.e6) - Int128(othersTarget.e6) + Int128(b.maintenanceAmount.e6)) * scale
                - Int128(p.liquidationFeeRate.ppm) * Int128(notional.e6)
            let denominator = Int128(b.maintenanceMarginRate.ppm + p.bufferRate.ppm - p.liquidationFeeRate.ppm)
            // Largest allowed remainder rounds down (a requirement is being met).
            let nStar = try Checked.divide(numerator, denominator, .down)
            if nStar >= Int128(b.notionalFloor.e6) { remaining = min(nStar, Int128(notional.e6)); break }
            if k == 0 { remaining = 0; break }
            k -= 1
        }
        let reduceNotional = Int128(notional.e6) - max(remaining, 0)
        // Size to sell for that notional at the mark, rounded up, then to whole steps, up.
        let sizeE8 = try Checked.divide(reduceNotional * Precision.notionalDivisor, Int128(mark.e8), .up)
        let stepsNeeded = try Checked.divide(sizeE8, Int128(spec.stepSize.e8), .up)
        return try Checked.narrow(stepsNeeded)
    }
}
