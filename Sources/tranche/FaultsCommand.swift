import ArgumentParser
import Foundation
import TrancheCore

/// `tranche faults SCENARIO.json`: the deterministic fault simulation of the whole
/// cluster (see docs/reliability.md), one seed or many.
struct FaultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faults",
        abstract: "Run the cluster under injected faults, deterministically, and check its invariants.",
        discussion: """
            The exact role state machines over an in-memory network that drops, delays, \
            duplicates and reorders messages between roles and partitions workers, while \
            every role crashes and restarts from what it made durable. Savers deposit and \
            withdraw through a retrying client while SCENARIO's price path liquidates its \
            accounts. Checked after every step: the ledger balances, at most one acting owner \
            per shard, no tranche filled twice; after the heal: every acknowledged command in \
            accounts and ledger, worker balances equal ledger balances, nothing left in flight, \
            every shard served. A failing seed prints the command that replays it. Exit 1 if \
            any seed fails.
            """)

    @Argument(help: "Scenario JSON file (cluster/scenarios/faults.json is made for it).")
    var scenario: String

    @Option(help: "Run this one seed.")
    var seed: UInt64?

    @Option(help: "Run N seeds, from --from (default 1).")
    var seeds: Int?

    @Option(help: "First seed of --seeds.")
    var from: UInt64 = 1

    @Option(help: "Probability that a message between roles is lost (default 0.05).")
    var drop: Double?

    @Option(help: "Probability that a message between roles is delivered twice (default 0.03).")
    var duplicate: Double?

    @Option(help: "With --verbose: also print every command, answer and event of this account.")
    var trace: UInt64?

    @Flag(help: "Print each fault injected (one seed).")
    var verbose = false

    @Flag(help: "Print one JSON object per seed.")
    var json = false

    func validate() throws {
        if seed != nil && seeds != nil { throw ValidationError("--seed and --seeds are exclusive") }
        if let n = seeds, !(1...1_000_000).contains(n) { throw ValidationError("--seeds: must be in 1…1000000, got \(n)") }
        for (name, p) in [("--drop", drop), ("--duplicate", duplicate)] {
            if let p, !(0...0.5).contains(p) { throw ValidationError("\(name): must be in [0, 0.5], got \(p)") }
        }
    }

    func run() throws {
        let scenario = try InputFile.decode(Scenario.self, from: self.scenario)
        do { try scenario.validate() } catch { throw InputFile.Failure(description: "\(self.scenario): \(error)") }
        let list: [UInt64] = seed.map { [$0] } ?? (0..<UInt64(seeds ?? 1)).map { from &+ $0 }
        var failed: [UInt64] = []
        var totals = FaultSimulationReport(seed: 0)
        let started = Date()
        for s in list {
            var settings = FaultSimulationSettings(seed: s)
            if let d = drop { settings.network.dropRate = d }
            if let d = duplicate { settings.network.duplicateRate = d }
            settings.traceAccount = trace.map { AccountID($0) }
            let report = try FaultSimulation.run(scenario, settings: settings, log: verbose ? { print("  \($0)") } : { _ in })
            totals.commandsSent += report.commandsSent
            totals.commandsAcknowledged += report.commandsAcknowledged
            totals.clientRetries += report.clientRetries
            totals.faults.dropped += report.faults.dropped
            totals.faults.duplicated += report.faults.duplicated
            totals.faults.delayed += report.faults.delayed
            totals.faults.partitionDrops += report.faults.partitionDrops
            totals.faults.fencedMessages += report.faults.fencedMessages
            totals.faults.crashes += report.faults.crashes
            totals.faults.restarts += report.faults.restarts
            totals.checks += report.checks
            totals.fills += report.fills
            totals.takeovers += report.takeovers
            totals.adlCloses += report.adlCloses
            if json {
                let o: [String: Any] = ["seed": s, "passed": report.passed, "violations": report.violations, "commandsAcknowledged": report.commandsAcknowledged,
                                        "dropped": report.faults.dropped, "duplicated": report.faults.duplicated, "crashes": report.faults.crashes,
                                        "fills": report.fills, "takeovers": report.takeovers]
                print(String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self))
            }
            if !report.passed {
                failed.append(s)
                if !json {
                    print("seed \(s): FAILED")
                    for v in report.violations { print("  \(v)") }
                    print("  replay: \(FaultSimulation.replay(seed: s, scenario: self.scenario))")
                }
            } else if verbose && !json {
                print("seed \(s): passed (\(report.commandsAcknowledged) commands acknowledged, \(report.faults.dropped) dropped, \(report.faults.duplicated) duplicated, \(report.faults.crashes) crashes, \(report.fills) tranches filled, \(report.takeovers) takeovers)")
            }
        }
        if !json {
            let seconds = Date().timeIntervalSince(started)
            print("""
                \(list.count - failed.count) of \(list.count) seeds passed in \(String(format: "%.1f", seconds)) s: \
                \(totals.commandsAcknowledged) client commands acknowledged (\(totals.clientRetries) retries), \
                \(totals.faults.dropped) messages dropped, \(totals.faults.duplicated) duplicated, \(totals.faults.delayed) delayed, \
                \(totals.faults.partitionDrops) lost to partitions, \(totals.faults.fencedMessages) fenced, \
                \(totals.faults.crashes) role crashes, \(totals.fills) tranches filled, \(totals.takeovers) takeovers, \(totals.adlCloses) ADL closes, \(totals.checks) invariant checks
                """)
        }
        if !failed.isEmpty { throw ExitCode(1) }
    }
}
