import Testing
@testable import TrancheCore

@Suite struct FixedPointTests {
    @Test func parseAndFormatAreExact() throws {
        #expect(try FixedDecimal.parse("1234.5", decimals: 6) == 1_234_500_000)
        #expect(try FixedDecimal.parse("-0.000001", decimals: 6) == -1)
        #expect(try FixedDecimal.parse("7", decimals: 8) == 700_000_000)
        #expect(try FixedDecimal.parse(".5", decimals: 2) == 50)
        #expect(try FixedDecimal.parse("1.2300", decimals: 2) == 123)  // trailing zeros beyond the scale are fine
        #expect(FixedDecimal.format(1_234_500_000, decimals: 6) == "1234.5")
        #expect(FixedDecimal.format(-1, decimals: 6) == "-0.000001")
        #expect(FixedDecimal.format(0, decimals: 6) == "0")
    }

    @Test func parseRejectsWhatItCannotRepresent() {
        #expect(throws: FixedDecimal.ParseError.tooManyDecimals("0.0000001", allowed: 6)) { try FixedDecimal.parse("0.0000001", decimals: 6) }
        #expect(throws: FixedDecimal.ParseError.notADecimal("1e5")) { try FixedDecimal.parse("1e5", decimals: 6) }
        #expect(throws: FixedDecimal.ParseError.notADecimal("")) { try FixedDecimal.parse("", decimals: 6) }
        #expect(throws: FixedDecimal.ParseError.outOfRange("99999999999999999999")) { try FixedDecimal.parse("99999999999999999999", decimals: 6) }
    }

    /// The 128-by-64 fast path of every rounded division gives exactly what the signed
    /// 128-bit division gives: signs, zero, the largest quotients that fit, divisors at
    /// and beyond 2^64, and a million random pairs of every magnitude.
    @Test func theFastDivisionIsTheSignedDivision() {
        func check(_ a: Int128, _ b: Int128) {
            let fast = Checked.truncatingQuotientAndRemainder(a, b)
            let slow = a.quotientAndRemainder(dividingBy: b)
            #expect(fast.quotient == slow.quotient && fast.remainder == slow.remainder, "\(a) / \(b)")
        }
        let u64 = Int128(UInt64.max)
        let edges: [Int128] = [0, 1, -1, 7, -7, 10_000_000_000, -10_000_000_000, Int128(Int64.max), Int128(Int64.min),
                               u64, -u64, u64 * (u64 / 2), -(u64 * (u64 / 2)), Int128.max, Int128.min + 1, Int128.max / 3]
        let divisors: [Int128] = [1, 2, 3, 1_000_000, 10_000_000_000, Int128(Int64.max), u64 - 1, u64, u64 + 1, -1, -10_000_000_000, Int128.max]
        for a in edges { for b in divisors { check(a, b) } }
        // Quotients at the 64-bit edge: high word of |a| = d − 1 (fast) and = d (slow).
        for d: UInt64 in [3, 10_000_000_000, UInt64.max] {
            let b = Int128(d)
            let justFits = Int128(d - 1) << 64 | Int128(UInt64.max)
            check(justFits, b); check(-justFits, b)
            if d < UInt64.max { check(Int128(d) << 64, b); check(-(Int128(d) << 64), b) }
        }
        var rng = SeededGenerator(seed: 20261201)
        for _ in 0..<1_000_000 {
            let bits = Int.random(in: 1...126, using: &rng), dbits = Int.random(in: 1...70, using: &rng)
            var a = Int128(UInt64.random(in: 0...UInt64.max, using: &rng)) << 64 | Int128(UInt64.random(in: 0...UInt64.max, using: &rng))
            a = (a & ((Int128(1) << bits) - 1)) * (Bool.random(using: &rng) ? 1 : -1)
            var b = Int128(UInt64.random(in: 0...UInt64.max, using: &rng)) << 8 | Int128(UInt8.random(in: 0...255, using: &rng))
            b = max(b & ((Int128(1) << dbits) - 1), 1) * (Int.random(in: 0..<8, using: &rng) == 0 ? -1 : 1)
            check(a, b)
        }
    }

    /// The margin ratio, computed when read, and the hard-floor test without a division
    /// agree with ⌊equity·10^6 / maintenance⌋ for every sign and around the floor.
    @Test func theRatioAndTheFloorTestAgree() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<200_000 {
            let maintenance = Int64.random(in: 0...5_000_000_000, using: &rng)
            let equity = Int64.random(in: -5_000_000_000...20_000_000_000, using: &rng)
            let floor = Rate(ppm: Int64.random(in: 0...1_000_000, using: &rng))
            let m = ScopeMetrics(scope: .cross, equity: Quote(e6: equity), maintenance: Quote(e6: maintenance), initialRequirement: .zero,
                                 notional: Quote(e6: 1), shortfall: .zero)
            guard maintenance > 0 else { #expect(m.marginRatio == nil); continue }
            let ratio = (Int128(equity) * 1_000_000).divided(by: Int128(maintenance), .down)
            #expect(m.marginRatio == Rate(ppm: Int64(ratio)))
            #expect(m.isBelow(hardFloor: floor) == (equity <= 0 || ratio < Int128(floor.ppm)))
        }
    }

    @Test func divisionsRoundInTheStatedDirection() throws {
        // 7 / 2 = 3.5: up → 4, down → 3; −7 / 2 = −3.5: up → −3, down → −4.
        #expect(try Checked.divide(7, 2, .up) == 4)
        #expect(try Checked.divide(7, 2, .down) == 3)
        #expect(try Checked.divide(-7, 2, .up) == -3)
        #expect(try Checked.divide(-7, 2, .down) == -4)
        #expect(try Checked.divide(7, -2, .down) == -4)
        #expect(try Checked.divide(6, 3, .up) == 2)
        #expect(throws: ArithmeticError.self) { try Checked.divide(1, 0, .up) }
    }

    @Test func overflowIsAnErrorNotACrash() {
        #expect(throws: ArithmeticError.self) { try Quote(e6: .max) + Quote(e6: 1) }
        #expect(throws: ArithmeticError.self) { try Quote(units: .max) }
        #expect(throws: ArithmeticError.self) { try Size(e8: .max).notional(at: Price(e8: .max), .up) }
        #expect(throws: ArithmeticError.self) { try -Quote(e6: .min) }
    }

    @Test func notionalAndRatesRound() throws {
        // 0.00000001 BTC × 0.00000001 = 10^-16 quote: up → 1 quantum, down → 0.
        #expect(try Size(e8: 1).notional(at: Price(e8: 1), .up) == Quote(e6: 1))
        #expect(try Size(e8: 1).notional(at: Price(e8: 1), .down) == .zero)
        // 1.5 BTC × 20 000 = 30 000; × 0.2 % = 60.
        #expect(try sz("1.5").notional(at: px("20000"), .up) == q("30000"))
        #expect(try q("30000").times(rate("0.002"), .up) == q("60"))
        // 0.000001 × 0.5 = 0.0000005: up → 0.000001, down → 0.
        #expect(try q("0.000001").times(rate("0.5"), .up) == q("0.000001"))
        #expect(try q("0.000001").times(rate("0.5"), .down) == .zero)
        #expect(try px("100.05").rounded(toTick: px("0.1"), .down) == px("100"))
        #expect(try px("100.05").rounded(toTick: px("0.1"), .up) == px("100.1"))
        #expect(try sz("0.0015").rounded(toStep: sz("0.001"), .up) == sz("0.002"))
    }

    @Test func jsonFormIsAnExactDecimalString() throws {
        #expect(q("12.5").description == "12.5")
        #expect(Duration.seconds(2).description == "2s")
    }
}
