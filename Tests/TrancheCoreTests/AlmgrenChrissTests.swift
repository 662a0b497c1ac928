import Testing
import PropertyBased
@testable import TrancheCore

@Suite struct AlmgrenChrissTests {
    static let base = AlmgrenChriss.Parameters(totalSize: 1_000, steps: 10, tau: 1, sigma: 1, eta: 0.1, gamma: 0.02, epsilon: 0.01, lambda: 0)

    /// E + λV of any trajectory, written out independently of the implementation.
    static func utility(_ p: AlmgrenChriss.Parameters, holdings x: [Double]) -> Double {
        var e = 0.5 * p.gamma * p.totalSize * p.totalSize, v = 0.0
        for j in 1..<x.count {
            let n = x[j - 1] - x[j]
            e += p.epsilon * abs(n) + p.etaTilde / p.tau * n * n
            v += p.sigma * p.sigma * p.tau * x[j] * x[j]
        }
        return e + p.lambda * v
    }

    /// λ = 0: the linear schedule, 100 per step, exactly equal trades.
    /// E = ½·0.02·1000² + 0.01·1000 + (0.09/1)·10·100² = 10000 + 10 + 9000 = 19010;
    /// V = 1·1·Σ_{j=1..10} (1000 − 100j)² = 10⁴·(9²+…+1²) = 10⁴·285 = 2 850 000.
    @Test func riskNeutralScheduleIsLinear() throws {
        let s = try AlmgrenChriss.schedule(Self.base)
        #expect(s.kappa == 0)
        #expect(s.trades == [Double](repeating: 100, count: 10))
        #expect(s.holdings.first == 1_000 && s.holdings.last == 0)
        for j in 0...10 { #expect(abs(s.holdings[j] - (1_000 - 100 * Double(j))) < 1e-9) }
        #expect(abs(s.expectedCost - 19_010) < 1e-6)
        #expect(abs(s.variance - 2_850_000) < 1e-6)
    }

    /// N = 2, X = 1000, τ = 1, σ = 1, η = 0.1, γ = 0.02, ε = 0.01, λ = 0.18:
    ///   η̃ = 0.1 − 0.02·1/2 = 0.09;  λσ²/η̃ = 2;  cosh(κτ) = 1 + 2·τ²/2 = 2  ⇒ κ = acosh 2 = ln(2 + √3)
    ///   x₁ = X·sinh(κ)/sinh(2κ) = X / (2 cosh κ) = 250  ⇒ n = (750, 250)
    ///   E = ½·0.02·10⁶ + 0.01·1000 + 0.09·(750² + 250²) = 10000 + 10 + 56250 = 66260
    ///   V = 1·1·(250² + 0²) = 62500
    @Test func twoStepCaseWorkedByHand() throws {
        var p = Self.base
        p.steps = 2
        p.lambda = 0.18
        let s = try AlmgrenChriss.schedule(p)
        #expect(abs(s.kappa - 1.3169578969248166) < 1e-12)
        #expect(abs(s.holdings[1] - 250) < 1e-9)
        #expect(abs(s.trades[0] - 750) < 1e-9 && abs(s.trades[1] - 250) < 1e-9)
        #expect(abs(s.expectedCost - 66_260) < 1e-6)
        #expect(abs(s.variance - 62_500) < 1e-6)
        #expect(abs(s.utility - (66_260 + 0.18 * 62_500)) < 1e-6)
    }

    @Test func higherRiskAversionFrontLoads() throws {
        var previousFirst = 0.0
        for lambda in [0.0, 1e-4, 1e-3, 1e-2, 0.1, 1] {
            var p = Self.base
            p.lambda = lambda
            let s = try AlmgrenChriss.schedule(p)
            #expect(s.trades[0] > previousFirst || lambda == 0)
            previousFirst = s.trades[0]
            // Trades never increase along the schedule and holdings only fall.
            for j in 1..<s.trades.count { #expect(s.trades[j] <= s.trades[j - 1] + 1e-9) }
            for j in 1..<s.holdings.count { #expect(s.holdings[j] <= s.holdings[j - 1]) }
            #expect(abs(s.trades.reduce(0, +) - p.totalSize) < 1e-9)
        }
    }

    /// The efficient frontier: raising λ trades expected cost for variance.
    @Test func efficientFrontier() throws {
        var previous: AlmgrenChriss.Schedule?
        for lambda in [0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1] {
            var p = Self.base
            p.lambda = lambda
            let s = try AlmgrenChriss.schedule(p)
            if let prev = previous {
                #expect(s.variance < prev.variance)
                #expect(s.expectedCost > prev.expectedCost)
            }
            previous = s
        }
    }

    /// The schedule is the minimum of E + λV: moving any intermediate holding either way
    /// makes the objective worse.
    @Test func scheduleMinimisesTheObjective() throws {
        var p = Self.base
        p.lambda = 0.01
        let s = try AlmgrenChriss.schedule(p)
        let best = Self.utility(p, holdings: s.holdings)
        #expect(abs(best - s.utility) < 1e-6 * best)
        for j in 1..<p.steps {
            for delta in [-1.0, -0.01, 0.01, 1.0] {
                var x = s.holdings
                x[j] += delta
                #expect(Self.utility(p, holdings: x) > best)
            }
        }
    }

    /// A very large κT (λ huge) neither overflows nor loses the endpoints.
    @Test func extremeUrgencyStaysFinite() throws {
        var p = Self.base
        p.steps = 1_000
        p.lambda = 1e6
        let s = try AlmgrenChriss.schedule(p)
        #expect(s.holdings.allSatisfy(\.isFinite) && s.trades.allSatisfy(\.isFinite))
        #expect(s.holdings[0] == 1_000 && s.holdings[1_000] == 0)
        #expect(s.trades[0] > 999)
        #expect(s.expectedCost.isFinite && s.variance.isFinite)
    }

    /// A tiny λ is continuous with the linear schedule.
    @Test func tinyRiskAversionIsNearlyLinear() throws {
        var p = Self.base
        p.lambda = 1e-15
        let s = try AlmgrenChriss.schedule(p)
        #expect(s.kappa > 0)
        for t in s.trades { #expect(abs(t - 100) < 1e-6) }
    }

    @Test(arguments: [
        (AlmgrenChriss.Parameters(totalSize: 0, steps: 1, tau: 1, sigma: 1, eta: 1), "totalSize"),
        (AlmgrenChriss.Parameters(totalSize: 1, steps: 0, tau: 1, sigma: 1, eta: 1), "steps"),
        (AlmgrenChriss.Parameters(totalSize: 1, steps: 1, tau: 0, sigma: 1, eta: 1), "tau"),
        (AlmgrenChriss.Parameters(totalSize: 1, steps: 1, tau: 1, sigma: -1, eta: 1), "sigma"),
        (AlmgrenChriss.Parameters(totalSize: 1, steps: 1, tau: 1, sigma: 1, eta: 0), "eta"),
        (AlmgrenChriss.Parameters(totalSize: 1, steps: 1, tau: 1, sigma: 1, eta: 1, gamma: -1), "gamma"),
        (AlmgrenChriss.Parameters(totalSize: 1, steps: 1, tau: 1, sigma: 1, eta: 1, epsilon: -1), "epsilon"),
        (AlmgrenChriss.Parameters(totalSize: 1, steps: 1, tau: 1, sigma: 1, eta: 1, lambda: -1), "lambda"),
        (AlmgrenChriss.Parameters(totalSize: .nan, steps: 1, tau: 1, sigma: 1, eta: 1), "totalSize"),
        (AlmgrenChriss.Parameters(totalSize: 1, steps: 1, tau: 2, sigma: 1, eta: 0.1, gamma: 0.1), "eta"),
    ])
    func invalidParametersAreRejected(p: AlmgrenChriss.Parameters, field: String) {
        do {
            _ = try AlmgrenChriss.schedule(p)
            Issue.record("expected \(field) to be rejected")
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func etaTildeMessageSaysWhatToChange() {
        let p = AlmgrenChriss.Parameters(totalSize: 1, steps: 1, tau: 2, sigma: 1, eta: 0.1, gamma: 0.1)
        #expect(throws: ConfigurationError.self) { try p.validate() }
        do { try p.validate() } catch { #expect(error.reason.contains("η̃ = η − γτ/2 must be positive")) }
    }

    /// X = 1 BTC in 3 steps, step 0.001: λ = 0 trades 1/3 each; cumulative 0.333…, 0.666…, 1
    /// round to 333, 667, 1000 steps → tranches 0.333, 0.334, 0.333.
    @Test func roundedTranchesSumExactly() throws {
        let s = try AlmgrenChriss.schedule(AlmgrenChriss.Parameters(totalSize: 1, steps: 3, tau: 1, sigma: 0.5, eta: 0.1))
        let tranches = try s.rounded(toStep: Size(e8: 100_000))
        #expect(tranches == [Size(e8: 33_300_000), Size(e8: 33_400_000), Size(e8: 33_300_000)])
    }

    /// X off the grid rounds down: 1.23456 with step 0.01 sums to 1.23.
    @Test func totalRoundsDownToTheStep() throws {
        var p = Self.base
        p.totalSize = 1.23456
        p.lambda = 0.05
        let tranches = try AlmgrenChriss.schedule(p).rounded(toStep: Size(e8: 1_000_000))
        #expect(tranches.reduce(0) { $0 + $1.e8 } == 123_000_000)
        #expect(throws: ConfigurationError.self) { try AlmgrenChriss.schedule(p).rounded(toStep: .zero) }
    }

    /// For any schedule and step, the tranches are non-negative multiples of the step,
    /// sum exactly to X rounded down to the step, and the cumulative amount stays within
    /// half a step (plus float noise) of the plan.
    @Test func roundedTranchesProperty() async {
        await propertyCheck(count: 300, input: Gen.int64(in: 1...100_000_000_000), Gen.int(in: 1...50),
                            Gen.double(in: 0...1), Gen.int64(in: 1...100_000_000)) { totalE8, steps, lambdaRoot, stepE8 in
            let x = Double(totalE8) / 1e8
            let p = AlmgrenChriss.Parameters(totalSize: x, steps: steps, tau: 2, sigma: 0.3, eta: 0.05, gamma: 0.001,
                                             epsilon: 0.001, lambda: lambdaRoot * lambdaRoot * lambdaRoot)
            let s = try AlmgrenChriss.schedule(p)
            let tranches = try s.rounded(toStep: Size(e8: stepE8))
            #expect(tranches.count == steps)
            #expect(tranches.allSatisfy { $0.e8 >= 0 && $0.e8 % stepE8 == 0 })
            #expect(tranches.reduce(0) { $0 + $1.e8 } == totalE8 / stepE8 * stepE8)
            var sold: Int64 = 0
            let totalSteps = Double(totalE8 / stepE8)
            for (j, t) in tranches.enumerated() {
                sold += t.e8 / stepE8
                let planned = totalSteps * (1 - s.holdings[j + 1] / x)
                #expect(abs(Double(sold) - planned) <= 0.5 + 1e-6 * totalSteps)
            }
        }
    }

    /// Over random valid parameters: endpoints hold, trades are positive and sum to X,
    /// and E, V are finite and non-negative.
    @Test func schedulesAreWellFormed() async {
        await propertyCheck(count: 300, input: Gen.double(in: 0.001...1e6), Gen.int(in: 1...200), Gen.double(in: 0.01...100),
                            Gen.double(in: 0...10), Gen.double(in: 0.001...10), Gen.double(in: 0...1e3)) { x, n, tau, sigma, eta, lambda in
            let p = AlmgrenChriss.Parameters(totalSize: x, steps: n, tau: tau, sigma: sigma, eta: eta, gamma: 0, epsilon: 0.01, lambda: lambda)
            let s = try AlmgrenChriss.schedule(p)
            #expect(s.holdings.count == n + 1 && s.trades.count == n)
            #expect(s.holdings[0] == x && s.holdings[n] == 0)
            #expect(s.trades.allSatisfy { $0 >= 0 })
            #expect(abs(s.trades.reduce(0, +) - x) <= 1e-9 * x)
            #expect(s.expectedCost.isFinite && s.expectedCost >= 0)
            #expect(s.variance.isFinite && s.variance >= 0)
        }
    }
}
