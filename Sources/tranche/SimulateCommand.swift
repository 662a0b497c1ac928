import ArgumentParser
import Foundation
import TrancheCore
import TrancheReport

/// `tranche simulate SCENARIO.json`: runs a scenario through the cluster's roles wired
/// over an in-memory network, in this process, and reports what the liquidations did.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a liquidation scenario through the whole cluster, in one process, deterministically.",
        discussion: """
            SCENARIO is JSON (see cluster/scenarios/): markets with their books and exogenous \
            price paths, the accounts, the insurance fund, the cluster's shape and the seed. \
            The same scenario and seed give the same result and the same events, whatever \
            --workers. Amounts print as exact decimal strings.
            """)

    @Argument(help: "Scenario JSON file.")
    var scenario: String

    @Option(help: "Liquidation policy: stepwise or all-or-nothing (default stepwise).")
    var policy: String?

    @Flag(help: "Run both policies on the same scenario and seed and print them side by side.")
    var compare = false

    @Option(help: ArgumentHelp("Write every event to FILE, one JSON object per line (with --compare: FILE.stepwise.jsonl and FILE.all-or-nothing.jsonl).", valueName: "FILE"))
    var events: String?

    @Option(help: "Worker processes to simulate, overriding the scenario's (1…256).")
    var workers: Int?

    @Option(help: "Run the product (stepwise + budget) and all-or-nothing as exchanges run it over N seeds (the scenario's seed and the next N−1) and report mean and range.")
    var seeds: Int?

    @Flag(help: "With --seeds: also all-or-nothing + budget and stepwise without budget (what each part contributes).")
    var ablation = false

    @Option(help: "Run with the cluster-wide liquidation budget on or off, overriding the scenario (true/false).")
    var budget: Bool?

    @Option(name: .customLong("pace-horizon"), help: "The budget's Almgren–Chriss trajectory, overriding the scenario's budget.paceHorizon: infinite (the default) or finite.")
    var paceHorizon: String?

    @Flag(help: "Print the summary as one JSON object instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Write a stress report, one self-contained HTML page: price and mark, liquidated notional per second against the budget, the fund, breaker bands, accounts by liquidation state, slippage distribution, summary (with --compare: both policies on the same axes).", valueName: "FILE"))
    var report: String?

    @Flag(name: .customLong("validate-only"), help: .hidden)
    var validateOnly = false

    func validate() throws {
        if policy != nil && compare {
            throw ValidationError("--policy and --compare are exclusive: --compare runs both policies")
        }
        _ = try policyKind()
        if let n = seeds {
            if !(1...1000).contains(n) { throw ValidationError("--seeds: must be in 1…1000, got \(n)") }
            if policy != nil || compare || events != nil || budget != nil || report != nil { throw ValidationError("--seeds runs its own variants: it excludes --policy, --compare, --events, --budget and --report") }
        } else if ablation {
            throw ValidationError("--ablation needs --seeds N")
        }
        _ = try horizon()
        if let w = workers, !(1...256).contains(w) {
            throw ValidationError("--workers: must be in 1…256, got \(w)")
        }
    }

    func policyKind() throws -> PolicyKind {
        guard let text = policy else { return .stepwise }
        guard let kind = PolicyKind(rawValue: text) else {
            throw ValidationError("--policy: unknown policy '\(text)' (\(PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return kind
    }

    func horizon() throws -> PaceHorizon? {
        guard let text = paceHorizon else { return nil }
        guard let h = PaceHorizon(rawValue: text) else {
            throw ValidationError("--pace-horizon: unknown horizon '\(text)' (\(PaceHorizon.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return h
    }

    func run() throws {
        var loaded = try Self.load(scenario)
        if let h = try horizon() { loaded.budget.paceHorizon = h }
        if validateOnly {
            print(try Self.check(loaded))
            return
        }
        if let n = seeds {
            let start = ContinuousClock.now
            let study = try SimulationStudy.run(loaded, seeds: n, ablation: ablation, workers: workers)
            if json { try JSONOutput.print(study) } else { print(study.text(wallTime: ContinuousClock.now - start)) }
            return
        }
        if compare {
            let base = events.map(Self.eventsBase)
            let start = ContinuousClock.now
            let recorders = report.map { _ in (ReportRecorder(market: loaded.markets[0].market.id), ReportRecorder(market: loaded.markets[0].market.id)) }
            let stepwise = try Self.simulate(loaded, policy: .stepwise, workers: workers, budget: budget, eventsPath: base.map { "\($0).stepwise.jsonl" }, recorder: recorders?.0)
            let allOrNothing = try Self.simulate(loaded, policy: .allOrNothing, workers: workers, budget: budget, eventsPath: base.map { "\($0).all-or-nothing.jsonl" }, recorder: recorders?.1)
            if let report, let (r1, r2) = recorders {
                try Self.write(report, StressReport.html(scenario: loaded, runs: [
                    .init(name: "stepwise", color: "#1f77b4", recorder: r1, summary: stepwise),
                    .init(name: "all-or-nothing", color: "#d62728", recorder: r2, summary: allOrNothing)]))
            }
            let comparison = SimulationComparison(stepwise: stepwise, allOrNothing: allOrNothing)
            if json { try JSONOutput.print(comparison) } else { print(comparison.text(wallTime: ContinuousClock.now - start)) }
        } else {
            let start = ContinuousClock.now
            let recorder = report.map { _ in ReportRecorder(market: loaded.markets[0].market.id) }
            let kind = try policyKind()
            let summary = try Self.simulate(loaded, policy: kind, workers: workers, budget: budget, eventsPath: events, recorder: recorder)
            if let report, let recorder {
                try Self.write(report, StressReport.html(scenario: loaded, runs: [.init(name: kind.policy.name, color: "#1f77b4", recorder: recorder, summary: summary)]))
            }
            if json { try JSONOutput.print(summary) } else { print(SimulationComparison.text(summary, wallTime: ContinuousClock.now - start)) }
        }
    }

    /// Decodes (errors name the field) and validates (errors name the field) a scenario.
    static func load(_ path: String) throws -> Scenario {
        let scenario = try InputFile.decode(Scenario.self, from: path)
        do { try scenario.validate() } catch { throw InputFile.Failure(description: "\(path): \(error)") }
        return scenario
    }

    /// What the hidden `--validate-only` prints after decoding and validating: the
    /// accounts are generated and the paths sampled too (so those cannot fail later), and
    /// the accounts that the sampled paths alone would make liquidatable are counted, a
    /// guide when tuning a scenario. The draws are this check's own (accounts from the
    /// seed, then each market's path in order), not necessarily the simulator's.
    static func check(_ scenario: Scenario) throws -> String {
        var rng = SeededGenerator(seed: scenario.seed)
        let accounts = try scenario.accounts.generate(markets: scenario.markets, rng: &rng)
        var paths: [MarketID: [Price]] = [:]
        for m in scenario.markets {
            paths[m.market.id] = m.path.sample(initial: m.initialPrice, duration: scenario.duration, step: scenario.markInterval, rng: &rng)
        }
        let exposed = try CascadeAnalysis.liquidatableOnExogenousPath(accounts: accounts, markets: scenario.markets.map(\.market), paths: paths)
        let points = paths.values.first?.count ?? 0
        return "ok: \(scenario.name): \(accounts.count) accounts, \(scenario.markets.count) market(s), \(points) price points; "
            + "\(exposed.count) accounts liquidatable on the exogenous paths alone"
    }

    /// "out.jsonl" and "out" both give "out" (to which ".stepwise.jsonl" is appended).
    static func eventsBase(_ path: String) -> String {
        path.hasSuffix(".jsonl") ? String(path.dropLast(".jsonl".count)) : path
    }

    static func write(_ path: String, _ html: String) throws {
        do { try Data(html.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("--report: cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// One run; with `eventsPath`, every event is streamed to that file as it is emitted;
    /// with `recorder`, the stress report's series are collected.
    static func simulate(_ scenario: Scenario, policy: PolicyKind, workers: Int?, budget: Bool? = nil, eventsPath: String?,
                         recorder: ReportRecorder? = nil) throws -> SimulationSummary {
        let options = SimulationOptions(policy: policy, workers: workers, recordEvents: eventsPath != nil || recorder != nil, budget: budget)
        let sample: ((Instant, SimulatedCluster) -> Void)? = recorder.map { r in { r.sample($0, $1) } }
        guard let eventsPath else {
            return try Simulator.run(scenario, options: options, events: { recorder?.record($0) }, sample: sample)
        }
        let writer = try EventLogWriter(path: eventsPath)
        let summary: SimulationSummary
        do {
            summary = try Simulator.run(scenario, options: options, events: { writer.write($0); recorder?.record($0) }, sample: sample)
        } catch {
            try? writer.close()
            throw error
        }
        try writer.close()
        return summary
    }
}
