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
