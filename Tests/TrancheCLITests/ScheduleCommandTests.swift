import Testing

@Suite struct ScheduleCommandTests {
    /// λ = 0, X = 10, N = 2, τ = 1, σ = 1, η = 1, γ = ε = 0: equal trades 5 and 5;
    /// E = η̃/τ Σ n² = 25 + 25 = 50; V = σ²τ Σ_{j≥1} x_j² = 5² + 0² = 25.
    @Test func linearScheduleByHand() throws {
        let r = try CLIRunner.tranche("schedule", "--size", "10", "--steps", "2", "--tau", "1", "--sigma", "1", "--eta", "1",
                                      "--gamma", "0", "--epsilon", "0", "--lambda", "0", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json["trades"] as? [Double] == [5, 5])
        #expect(r.json["trajectory"] as? [Double] == [10, 5, 0])
        #expect(r.json["expectedCost"] as? Double == 50)
        #expect(r.json["variance"] as? Double == 25)
    }

    /// Risk aversion front-loads, and the rounded tranches sum exactly to the size.
    @Test func riskAversionFrontLoadsAndRoundsExactly() throws {
        let r = try CLIRunner.tranche("schedule", "--size", "100", "--steps", "4", "--tau", "60", "--sigma", "0.3", "--eta", "0.05",
                                      "--gamma", "0.001", "--epsilon", "0.01", "--lambda", "0.0001", "--step-size", "0.001", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let trades = r.json["trades"] as? [Double] ?? []
        #expect(trades.count == 4)
        #expect(trades == trades.sorted(by: >))
        let rounded = (r.json["roundedTrades"] as? [String] ?? []).compactMap { Double($0) }
        #expect(rounded.count == 4)
        #expect(abs(rounded.reduce(0, +) - 100) < 1e-9)
    }

    @Test func invalidParametersNameTheOption() throws {
        let r = try CLIRunner.tranche("schedule", "--size", "10", "--steps", "2", "--tau", "1", "--sigma", "1", "--eta", "0.0001", "--gamma", "1")
        #expect(r.status != 0)
        #expect(r.stderr.contains("--eta"))
    }
}
