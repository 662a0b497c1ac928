import Foundation
import Testing
@testable import TrancheCore

@Suite struct RecalibrationVolatilityTests {
    static func next(_ p: Price, _ r: Double) -> Price { Price(e8: Int64((Double(p.e8) * Foundation.exp(r)).rounded())) }

    /// Returns of exactly ±σ√Δt have r²/Δt = σ² every time: the estimate is σ at once,
    /// whatever the (irregular) steps.
    @Test func exactOnADeterministicConstantVarianceSeries() throws {
        let sigma = 0.000_2
        var e = try EWMAVolatility(halfLife: .seconds(60))
        var rng = SeededGenerator(seed: 1)
        var p = try Price(units: 60_000)
        var t = Instant.zero
        e.update(price: p, now: t)
        #expect(e.volatility == nil)
        for k in 0..<500 {
            let dtMs = Int64.random(in: 100...5_000, using: &rng)
            t = t + .milliseconds(dtMs)
            p = Self.next(p, (k % 2 == 0 ? 1 : -1) * sigma * (Double(dtMs) / 1_000).squareRoot())
            e.update(price: p, now: t)
        }
        #expect(e.returns == 500)
        #expect(abs(try #require(e.volatility) / sigma - 1) < 1e-4)
        // In price units: σ × price.
        #expect(abs(try #require(e.priceVolatility) / (sigma * Double(p.e8) / 1e8) - 1) < 1e-4)
    }

    /// Uniform returns on [−a, a] with a = σ√(3Δt) have variance σ²Δt. Over ~16 000
    /// irregular steps (0.5–2 s) with a 10 min half-life (~700 effective samples) the
    /// estimate is within a few per cent of σ (its standard error is about 1.2 %).
    @Test func convergesOnARandomConstantVarianceSeries() throws {
        let sigma = 0.000_3
        var e = try EWMAVolatility(halfLife: .seconds(600), initialVolatility: 0.01)
        var rng = SeededGenerator(seed: 42)
        var p = try Price(units: 3_000)
        var t = Instant.zero
        e.update(price: p, now: t)
        #expect(e.volatility == 0.01)  // the prior, until returns replace it
        var checkpoints: [Double] = []
        for k in 0..<16_000 {
            let dt = Double.random(in: 0.5...2, using: &rng)
            t = t + Duration(nanoseconds: Int64(dt * 1e9))
            let a = sigma * (3 * dt).squareRoot()
            p = Self.next(p, Double.random(in: -a...a, using: &rng))
            e.update(price: p, now: t)
            if k >= 8_000 && k % 1_000 == 0 { checkpoints.append(try #require(e.volatility)) }
        }
        for v in checkpoints { #expect(abs(v / sigma - 1) < 0.06, "estimate \(v) vs \(sigma)") }
    }

    /// One half-life after the prior, a return weighs exactly half: prior σ² = 1e-8,
    /// a sample r²/Δt with r = 0.003 over 10 s is 9e-7; the variance becomes
    /// (1e-8 + 9e-7) / 2 = 4.55e-7.
    @Test func weightFollowsTheHalfLife() throws {
        var e = try EWMAVolatility(halfLife: .seconds(10), initialVolatility: 0.000_1)
        let p0 = try Price(units: 100)
        e.update(price: p0, now: .zero)
        e.update(price: Self.next(p0, 0.003), now: .seconds(10))
        #expect(abs(try #require(e.variancePerSecond) / 4.55e-7 - 1) < 1e-6)
    }

    /// A second mark at the same instant replaces the price without a return.
    @Test func simultaneousMarksOnlyReplaceThePrice() throws {
        var e = try EWMAVolatility(halfLife: .seconds(10))
        e.update(price: try Price(units: 100), now: .zero)
        e.update(price: try Price(units: 101), now: .zero)
        let p101 = try Price(units: 101)
        #expect(e.returns == 0 && e.lastPrice == p101)
        e.update(price: .zero, now: .seconds(1))
        #expect(e.lastPrice == p101)
    }

    /// λ = 0.5 per 10 s is a 10 s half-life; RiskMetrics' 0.94 per day is ~11.2 days.
    @Test func lambdaFormConvertsToAHalfLife() throws {
        #expect(try EWMAVolatility(lambda: 0.5, per: .seconds(10)).halfLife == .seconds(10))
        let days = Double(try EWMAVolatility(lambda: 0.94, per: .seconds(86_400)).halfLife.nanoseconds) / 86_400e9
        #expect(abs(days - 11.2023) < 1e-3)
        #expect(throws: ConfigurationError.self) { try EWMAVolatility(lambda: 1, per: .seconds(1)) }
        #expect(throws: ConfigurationError.self) { try EWMAVolatility(halfLife: .zero) }
        #expect(throws: ConfigurationError.self) { try EWMAVolatility(halfLife: .seconds(1), initialVolatility: -1) }
    }
}
