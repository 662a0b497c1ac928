import Foundation
import TrancheCore

/// `tranche simulate --seeds N [--ablation]`: several variants of a scenario over N seeds
/// (the scenario's seed, +1, … +N−1), reported as mean and range per variant.
///
/// Variants: the product (stepwise + budget) against all-or-nothing as exchanges run it
/// (no cluster-wide budget); with `--ablation`, also all-or-nothing + budget and stepwise
/// without budget, so a reader sees what each part contributes.
struct SimulationStudy: Encodable {
    struct Variant: Encodable {
        var name: String
        var policy: String
        var budget: Bool
        var runs: [SimulationSummary]
    }

    var scenario: String
    var seeds: [UInt64]
    var variants: [Variant]

    static func variants(ablation: Bool) -> [(name: String, policy: PolicyKind, budget: Bool)] {
        var v: [(String, PolicyKind, Bool)] = [("all-or-nothing", .allOrNothing, false)]
        if ablation { v.append(("all-or-nothing + budget", .allOrNothing, true)) }
        if ablation { v.append(("stepwise, no budget", .stepwise, false)) }
        v.append(("stepwise + budget", .stepwise, true))
        return v
    }

    static func run(_ scenario: Scenario, seeds count: Int, ablation: Bool, workers: Int?) throws -> SimulationStudy {
        let seeds = (0..<UInt64(count)).map { scenario.seed &+ $0 }
        var out: [Variant] = []
        for v in variants(ablation: ablation) {
            var runs: [SimulationSummary] = []
            for seed in seeds {
                runs.append(try Simulator.run(scenario, options: SimulationOptions(policy: v.policy, workers: workers, budget: v.budget, seed: seed)))
            }
            out.append(Variant(name: v.name, policy: v.policy.rawValue, budget: v.budget, runs: runs))
        }
        return SimulationStudy(scenario: scenario.name, seeds: seeds, variants: out)
    }

    /// The figures the study reports, as (label, value of a run).
    static var figures: [(String, (SimulationSummary) -> Double)] { [
        ("bad debt", { q($0.badDebt) }),
        ("account deficits", { q($0.accountDeficits) }),
        ("backstop inventory loss", { q($0.backstopInventoryLoss) }),
        ("backstop execution cost", { q($0.backstopExecutionCost) }),
        ("backstop deleverage loss", { q($0.backstopDeleverageLoss) }),
        ("backstop unrealised at end", { q($0.backstopUnrealised) }),
        ("adl haircut", { q($0.adlHaircut) }),
        ("clearance fees", { q($0.clearanceFees) }),
        ("avg slippage bps", { $0.avgSlippageBps }),
        ("cascade liquidations", { Double($0.cascadeLiquidations) }),
        ("liquidated accounts", { Double($0.liquidatedAccounts) }),
        ("takeovers", { Double($0.takeovers) }),
        ("liquidated notional", { q($0.liquidatedNotional) }),
        ("backstop unwound notional", { q($0.backstopUnwoundNotional) }),
        ("backstop deleveraged", { q($0.backstopDeleveraged) }),
        ("adl events", { Double($0.adlEvents) }),
        ("insurance fund end", { q($0.insuranceFundEnd) }),
    ] }

    static func q(_ v: Quote) -> Double { Double(v.e6) / Double(Precision.quoteScale) }

    static func stats(_ xs: [Double]) -> (mean: Double, min: Double, max: Double) {
        (xs.reduce(0, +) / Double(max(xs.count, 1)), xs.min() ?? 0, xs.max() ?? 0)
    }

    static func format(_ v: Double) -> String {
        abs(v) >= 1000 ? String(format: "%.0f", v) : String(format: "%.2f", v)
    }

    /// Mean [min … max] per figure and variant, then the product against the baseline.
    func text(wallTime: Swift.Duration) -> String {
        var rows: [[String]] = []
        for (label, f) in Self.figures {
            rows.append([label] + variants.map { v in
                let s = Self.stats(v.runs.map(f))
                return "\(Self.format(s.mean)) [\(Self.format(s.min)) … \(Self.format(s.max))]"
            })
        }
        rows.append(["money conserved"] + variants.map { v in v.runs.allSatisfy(\.moneyConserved) ? "yes (all runs)" : "NO" })
        rows.append(["fund ≥ floor at end"] + variants.map { v in
            let below = v.runs.filter { $0.insuranceFundEnd < $0.insuranceFundFloor }
            if below.isEmpty { return "yes (all runs)" }
            let reachable = below.filter { $0.adlCandidatesAtEnd > 0 }.count
            return "NO in \(below.count) of \(v.runs.count) runs (" + (reachable == 0 ? "no ADL counterparty left" : "\(reachable) with ADL counterparties left") + ")"
        })
        var out = "Study of \(scenario): \(variants.count) variants × \(seeds.count) seeds (\(seeds.first ?? 0)…\(seeds.last ?? 0)); mean [min … max]\n\n"
        out += Table([""] + variants.map(\.name), rows).render()
        if let base = variants.first, let product = variants.last, variants.count > 1 {
            out += "\n\(product.name) against \(base.name), ratio of means (lower is better for the first three):\n"
            for (label, f) in Self.figures.filter({ ["bad debt", "avg slippage bps", "cascade liquidations"].contains($0.0) }) {
                let a = Self.stats(base.runs.map(f)).mean, b = Self.stats(product.runs.map(f)).mean
                out += String(format: "  %-22@ %@\n", label as NSString, (a == 0 ? (b == 0 ? "equal (both 0)" : "n/a (baseline 0)") : String(format: "%.2f× (%+.1f %%)", b / a, (b - a) / a * 100)) as NSString)
            }
        }
        out += "\nWall time \(SimulationComparison.seconds(wallTime))"
        if variants.contains(where: { !$0.runs.allSatisfy(\.moneyConserved) }) { out += "\nWARNING: money is NOT conserved" }
        return out
    }
}
